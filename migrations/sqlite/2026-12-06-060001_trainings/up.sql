-- Experts train their colleagues: trainings are planned (time in Helsinki, organisation and
-- unit, themes, place, planned size), held with attendance counted from participants'
-- sign-ins by a short code on the day, or logged afterwards with a typed ("reported") number.
-- Reach figures are kept as running totals maintained in the same transaction as the rows
-- they sum (`kirjaamo network rebuild-totals` recomputes them from the raw rows).
--
-- A person leaving never rewrites the past: trainings held, completions and memberships keep
-- their row when the account is deleted, with the user id emptied (`ON DELETE SET NULL`), so
-- every statistic stays as it was and the pages show "poistettu asiantuntija".
--
-- SQLite cannot make a column nullable or change a foreign key in place: the three tables
-- are rebuilt by SQLite's documented procedure (foreign keys off, copy, drop, rename), and
-- `surveys` too, for its new kind and audience.
PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE trainings_held_new (
    id INTEGER PRIMARY KEY,
    -- The expert; NULL once their account is deleted (the training stays in every figure).
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    -- The Helsinki day of the training (planned or held).
    held_on DATE NOT NULL,
    -- The first of `themes` (kept for the lapse check and older readers).
    theme TEXT NOT NULL,
    -- The participants that count: distinct sign-ins (counted) or the expert's number (reported).
    participants INTEGER NOT NULL CHECK (participants >= 0),
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    -- planned: not held yet (no sign-in, no number); held: in the figures.
    status TEXT NOT NULL DEFAULT 'held' CHECK (status IN ('planned', 'held')),
    -- counted: from sign-ins; reported: typed by the expert (a training held without the app).
    counting TEXT NOT NULL DEFAULT 'reported' CHECK (counting IN ('counted', 'reported')),
    -- Every theme of the training, comma-separated, in course order.
    themes TEXT NOT NULL DEFAULT '',
    -- The organisation unit (yksikkö) the training was for.
    unit TEXT NOT NULL DEFAULT '',
    -- Planned start and end (UTC; shown in Helsinki time).
    starts_at TIMESTAMP,
    ends_at TIMESTAMP,
    place TEXT NOT NULL DEFAULT '',
    remote BOOLEAN NOT NULL DEFAULT FALSE,
    planned_size INTEGER,
    -- The attendance code participants type or scan (works on the training's day only).
    code TEXT UNIQUE,
    code_closed_at TIMESTAMP,
    -- More participants than the organisation's staff: confirmed by the expert, flagged to
    -- the coordinators.
    over_staff BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMP
);
INSERT INTO trainings_held_new (id, user_id, organisation_id, held_on, theme, participants,
    notes, created_at, status, counting, themes, updated_at)
SELECT id, user_id, organisation_id, held_on, theme, participants, notes, created_at,
    'held', 'reported', theme, created_at
FROM trainings_held;
DROP TABLE trainings_held;
ALTER TABLE trainings_held_new RENAME TO trainings_held;
CREATE INDEX trainings_held_user_idx ON trainings_held (user_id, held_on);
CREATE INDEX trainings_held_organisation_idx ON trainings_held (organisation_id, held_on);
CREATE INDEX trainings_held_upcoming_idx ON trainings_held (status, held_on);
CREATE INDEX trainings_held_flagged_idx ON trainings_held (over_staff) WHERE over_staff;

CREATE TABLE memberships_new (
    id INTEGER PRIMARY KEY,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    region_id BIGINT NOT NULL REFERENCES regions (id),
    county_id BIGINT REFERENCES counties (id),
    organisation_id BIGINT REFERENCES organisations (id),
    joined_at TIMESTAMP NOT NULL,
    refreshed_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'lapsed', 'in_refresher')),
    UNIQUE (user_id, region_id)
);
INSERT INTO memberships_new SELECT id, user_id, region_id, county_id, organisation_id,
    joined_at, refreshed_at, status FROM memberships;
DROP TABLE memberships;
ALTER TABLE memberships_new RENAME TO memberships;
CREATE INDEX memberships_region_idx ON memberships (region_id, status);
CREATE INDEX memberships_county_idx ON memberships (county_id, status);
CREATE INDEX memberships_organisation_idx ON memberships (organisation_id);

CREATE TABLE completions_new (
    id INTEGER PRIMARY KEY,
    -- NULL once the enrolment is gone with a deleted account; unique while it is there.
    enrolment_id BIGINT UNIQUE REFERENCES enrolments (id) ON DELETE SET NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    course_id BIGINT NOT NULL REFERENCES courses (id),
    course_kind TEXT NOT NULL,
    course_version TEXT NOT NULL,
    completed_at TIMESTAMP NOT NULL
);
INSERT INTO completions_new SELECT id, enrolment_id, user_id, course_id, course_kind,
    course_version, completed_at FROM completions;
DROP TABLE completions;
ALTER TABLE completions_new RENAME TO completions;
CREATE INDEX completions_user_idx ON completions (user_id, completed_at);

-- Feedback from a training's participants: a survey of kind 'training_feedback' for the
-- audience 'training' (its participants, who have no account).
CREATE TABLE surveys_new (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('feedback', 'course_feedback', 'assessment', 'training_feedback')),
    template TEXT NOT NULL,
    title TEXT NOT NULL,
    intro TEXT NOT NULL DEFAULT '',
    audience TEXT NOT NULL CHECK (audience IN ('network', 'cohort', 'area', 'all', 'counties', 'training')),
    region_id BIGINT REFERENCES regions (id),
    county_id BIGINT REFERENCES counties (id),
    cohort_id BIGINT REFERENCES cohorts (id) ON DELETE CASCADE,
    anonymous BOOLEAN NOT NULL,
    opens_on DATE NOT NULL,
    closes_on DATE NOT NULL,
    year INTEGER,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    training_id BIGINT REFERENCES trainings_held (id) ON DELETE CASCADE
);
INSERT INTO surveys_new SELECT id, kind, template, title, intro, audience, region_id,
    county_id, cohort_id, anonymous, opens_on, closes_on, year, created_by, created_at, NULL
FROM surveys;
DROP TABLE surveys;
ALTER TABLE surveys_new RENAME TO surveys;
CREATE INDEX surveys_region_idx ON surveys (region_id);
CREATE INDEX surveys_county_idx ON surveys (county_id);
CREATE UNIQUE INDEX surveys_course_feedback_idx ON surveys (cohort_id) WHERE kind = 'course_feedback';
CREATE UNIQUE INDEX surveys_assessment_idx ON surveys (year) WHERE kind = 'assessment';
CREATE UNIQUE INDEX surveys_training_idx ON surveys (training_id) WHERE kind = 'training_feedback';

-- A participant's sign-in on the training's day. `person_key` is a keyed one-way hash of the
-- normalised name and unit (an HMAC under a key derived from the installation secret): the
-- same person signing in twice counts once, and once the names are erased after the
-- retention period the key still keeps the year's people apart without naming anyone.
CREATE TABLE training_attendances (
    id INTEGER PRIMARY KEY,
    training_id BIGINT NOT NULL REFERENCES trainings_held (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    profession TEXT NOT NULL,
    person_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    -- When the name and unit were erased (retention); the row stays for the figures.
    erased_at TIMESTAMP,
    UNIQUE (training_id, person_key)
);
CREATE INDEX training_attendances_person_idx ON training_attendances (person_key);
CREATE INDEX training_attendances_erase_idx ON training_attendances (erased_at, created_at);

-- Running totals per organisation and Helsinki quarter: held trainings, participations
-- counted from sign-ins, participations reported by experts, trainings above staff.
CREATE TABLE training_totals (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    year INTEGER NOT NULL,
    quarter INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    trainings INTEGER NOT NULL DEFAULT 0,
    counted INTEGER NOT NULL DEFAULT 0,
    reported INTEGER NOT NULL DEFAULT 0,
    flagged INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (organisation_id, year, quarter)
);

-- The people reached: one row per person, organisation and year (a person is counted once a
-- year where they signed in). Their profession is that of their first sign-in of the year.
CREATE TABLE reach_people (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    year INTEGER NOT NULL,
    person_key TEXT NOT NULL,
    profession TEXT NOT NULL,
    first_attendance_id BIGINT NOT NULL,
    sign_ins INTEGER NOT NULL,
    PRIMARY KEY (organisation_id, year, person_key)
);

-- The people reached, summed per organisation, year and profession.
CREATE TABLE people_totals (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    year INTEGER NOT NULL,
    profession TEXT NOT NULL,
    people INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (organisation_id, year, profession)
);

-- A facilitator's guide compiled from `ohjaajan-opas.md` beside a module's `module.md`.
CREATE TABLE training_kits (
    id INTEGER PRIMARY KEY,
    module_id BIGINT NOT NULL UNIQUE REFERENCES course_modules (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    intro_html TEXT NOT NULL,
    aims_html TEXT NOT NULL,
    plan_json TEXT NOT NULL,
    questions_html TEXT NOT NULL,
    slides_json TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL
);

-- The totals start from what is already logged (every row so far is a held, reported training).
INSERT INTO training_totals (organisation_id, year, quarter, trainings, counted, reported, flagged)
SELECT organisation_id,
    CAST(strftime('%Y', held_on) AS INTEGER),
    (CAST(strftime('%m', held_on) AS INTEGER) + 2) / 3,
    COUNT(*), 0, SUM(participants), 0
FROM trainings_held
GROUP BY organisation_id, CAST(strftime('%Y', held_on) AS INTEGER),
    (CAST(strftime('%m', held_on) AS INTEGER) + 2) / 3;

PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
