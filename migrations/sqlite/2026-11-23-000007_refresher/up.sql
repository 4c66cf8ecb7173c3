-- The lapse check: experts whose competence has gone out of date and who have not trained
-- anyone lately are brought back up to date through the refresher course.

-- One case per lapse. Open while queued (waiting for a refresher cohort) or enrolled; closed
-- when the expert completes a course again (refreshed), is no longer lapsed while still
-- waiting (resolved), or a coordinator excuses them (excused, until a date).
CREATE TABLE refresher_cases (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    region_id BIGINT NOT NULL REFERENCES regions (id),
    county_id BIGINT REFERENCES counties (id),
    status TEXT NOT NULL CHECK (status IN ('queued', 'enrolled', 'refreshed', 'resolved', 'excused')),
    -- Why: the facts the check saw (the as-of date, the last completion, the last training).
    found_on DATE NOT NULL,
    last_completion_on DATE NOT NULL,
    last_training_on DATE,
    cohort_id BIGINT REFERENCES cohorts (id),
    enrolment_id BIGINT REFERENCES enrolments (id),
    excused_until DATE,
    -- The coordinator's reason for a manual enrolment or an excuse.
    note TEXT NOT NULL DEFAULT '',
    decided_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP
);
-- At most one open case per expert: two checks running at once cannot enrol anyone twice.
CREATE UNIQUE INDEX refresher_cases_open_idx ON refresher_cases (user_id) WHERE closed_at IS NULL;
CREATE INDEX refresher_cases_region_idx ON refresher_cases (region_id, status);

-- The early warnings sent: one per expert and the day they would lapse.
CREATE TABLE lapse_warnings (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    region_id BIGINT NOT NULL REFERENCES regions (id),
    county_id BIGINT REFERENCES counties (id),
    lapses_on DATE NOT NULL,
    warned_on DATE NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, lapses_on)
);
CREATE INDEX lapse_warnings_region_idx ON lapse_warnings (region_id, lapses_on);

-- Daily jobs: a row per job and day, so several servers run each day's job once.
CREATE TABLE job_runs (
    job TEXT NOT NULL,
    run_on DATE NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    summary TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (job, run_on)
);
