-- Running cohorts: capacity, the application window, whether a manager must approve the
-- work time; applications (with the e-mail confirmation and the manager's decision); and the
-- history of every enrolment's status.

ALTER TABLE cohorts ADD COLUMN capacity INTEGER;
ALTER TABLE cohorts ADD COLUMN applications_open_on DATE;
ALTER TABLE cohorts ADD COLUMN applications_close_on DATE;
ALTER TABLE cohorts ADD COLUMN manager_approval_required BOOLEAN NOT NULL DEFAULT TRUE;
-- The work time the training needs, in hours, shown to the approving manager.
ALTER TABLE cohorts ADD COLUMN work_hours INTEGER NOT NULL DEFAULT 20;
ALTER TABLE cohorts ADD COLUMN description TEXT NOT NULL DEFAULT '';

CREATE TABLE applications (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT 'fi',
    organisation_id BIGINT REFERENCES organisations (id),
    -- An organisation missing from the list, named by the applicant, in this county.
    organisation_other TEXT,
    county_id BIGINT REFERENCES counties (id),
    manager_name TEXT NOT NULL,
    manager_email TEXT NOT NULL,
    motivation TEXT NOT NULL DEFAULT '',
    email_confirmed_at TIMESTAMP,
    -- approved | declined; NULL while waiting (or when the cohort needs no approval).
    manager_decision TEXT CHECK (manager_decision IN ('approved', 'declined')),
    manager_decided_at TIMESTAMP,
    manager_note TEXT NOT NULL DEFAULT '',
    -- The coordinator's decision: pending | accepted | declined | waitlisted.
    decision TEXT NOT NULL DEFAULT 'pending' CHECK (decision IN ('pending', 'accepted', 'declined', 'waitlisted')),
    decided_at TIMESTAMP,
    decided_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    waitlisted_at TIMESTAMP,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX applications_cohort_idx ON applications (cohort_id, decision);
CREATE INDEX applications_email_idx ON applications (email);

CREATE TABLE enrolment_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enrolment_id BIGINT NOT NULL REFERENCES enrolments (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    actor_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX enrolment_events_enrolment_idx ON enrolment_events (enrolment_id);
