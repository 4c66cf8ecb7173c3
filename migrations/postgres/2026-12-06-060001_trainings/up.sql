-- Experts train their colleagues: trainings are planned (time in Helsinki, organisation and
-- unit, themes, place, planned size), held with attendance counted from participants'
-- sign-ins by a short code on the day, or logged afterwards with a typed ("reported") number.
-- Reach figures are kept as running totals maintained in the same transaction as the rows
-- they sum (`kirjaamo network rebuild-totals` recomputes them from the raw rows).
--
-- A person leaving never rewrites the past: trainings held, completions and memberships keep
-- their row when the account is deleted, with the user id emptied (`ON DELETE SET NULL`), so
-- every statistic stays as it was and the pages show "poistettu asiantuntija".

ALTER TABLE trainings_held ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE trainings_held DROP CONSTRAINT trainings_held_user_id_fkey;
ALTER TABLE trainings_held ADD CONSTRAINT trainings_held_user_id_fkey
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE trainings_held DROP CONSTRAINT trainings_held_participants_check;
ALTER TABLE trainings_held ADD CONSTRAINT trainings_held_participants_check CHECK (participants >= 0);
ALTER TABLE trainings_held
    -- planned: not held yet (no sign-in, no number); held: in the figures.
    ADD COLUMN status TEXT NOT NULL DEFAULT 'held' CHECK (status IN ('planned', 'held')),
    -- counted: from sign-ins; reported: typed by the expert (a training held without the app).
    ADD COLUMN counting TEXT NOT NULL DEFAULT 'reported' CHECK (counting IN ('counted', 'reported')),
    -- Every theme of the training, comma-separated, in course order.
    ADD COLUMN themes TEXT NOT NULL DEFAULT '',
    ADD COLUMN unit TEXT NOT NULL DEFAULT '',
    -- Planned start and end (UTC; shown in Helsinki time).
    ADD COLUMN starts_at TIMESTAMP,
    ADD COLUMN ends_at TIMESTAMP,
    ADD COLUMN place TEXT NOT NULL DEFAULT '',
    ADD COLUMN remote BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN planned_size INTEGER,
    -- The attendance code participants type or scan (works on the training's day only).
    ADD COLUMN code TEXT UNIQUE,
    ADD COLUMN code_closed_at TIMESTAMP,
    -- More participants than the organisation's staff: confirmed, flagged to coordinators.
    ADD COLUMN over_staff BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN updated_at TIMESTAMP;
UPDATE trainings_held SET themes = theme, updated_at = created_at;
CREATE INDEX trainings_held_upcoming_idx ON trainings_held (status, held_on);
CREATE INDEX trainings_held_flagged_idx ON trainings_held (over_staff) WHERE over_staff;

ALTER TABLE memberships ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE memberships DROP CONSTRAINT memberships_user_id_fkey;
ALTER TABLE memberships ADD CONSTRAINT memberships_user_id_fkey
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL;

ALTER TABLE completions ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE completions DROP CONSTRAINT completions_user_id_fkey;
ALTER TABLE completions ADD CONSTRAINT completions_user_id_fkey
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE completions ALTER COLUMN enrolment_id DROP NOT NULL;
ALTER TABLE completions DROP CONSTRAINT completions_enrolment_id_fkey;
ALTER TABLE completions ADD CONSTRAINT completions_enrolment_id_fkey
    FOREIGN KEY (enrolment_id) REFERENCES enrolments (id) ON DELETE SET NULL;

-- Feedback from a training's participants: a survey of kind 'training_feedback' for the
-- audience 'training' (its participants, who have no account).
ALTER TABLE surveys DROP CONSTRAINT surveys_kind_check;
ALTER TABLE surveys ADD CONSTRAINT surveys_kind_check
    CHECK (kind IN ('feedback', 'course_feedback', 'assessment', 'training_feedback'));
ALTER TABLE surveys DROP CONSTRAINT surveys_audience_check;
ALTER TABLE surveys ADD CONSTRAINT surveys_audience_check
    CHECK (audience IN ('network', 'cohort', 'area', 'all', 'counties', 'training'));
ALTER TABLE surveys ADD COLUMN training_id BIGINT REFERENCES trainings_held (id) ON DELETE CASCADE;
CREATE UNIQUE INDEX surveys_training_idx ON surveys (training_id) WHERE kind = 'training_feedback';

-- A participant's sign-in on the training's day. `person_key` is a keyed one-way hash of the
-- normalised name and unit (an HMAC under a key derived from the installation secret): the
-- same person signing in twice counts once, and once the names are erased after the
-- retention period the key still keeps the year's people apart without naming anyone.
CREATE TABLE training_attendances (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    training_id BIGINT NOT NULL REFERENCES trainings_held (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    profession TEXT NOT NULL,
    person_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    erased_at TIMESTAMP,
    UNIQUE (training_id, person_key)
);
CREATE INDEX training_attendances_person_idx ON training_attendances (person_key);
CREATE INDEX training_attendances_erase_idx ON training_attendances (erased_at, created_at);

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

CREATE TABLE reach_people (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    year INTEGER NOT NULL,
    person_key TEXT NOT NULL,
    profession TEXT NOT NULL,
    first_attendance_id BIGINT NOT NULL,
    sign_ins INTEGER NOT NULL,
    PRIMARY KEY (organisation_id, year, person_key)
);

CREATE TABLE people_totals (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    year INTEGER NOT NULL,
    profession TEXT NOT NULL,
    people INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (organisation_id, year, profession)
);

CREATE TABLE training_kits (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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

INSERT INTO training_totals (organisation_id, year, quarter, trainings, counted, reported, flagged)
SELECT organisation_id, EXTRACT(YEAR FROM held_on)::INTEGER,
    EXTRACT(QUARTER FROM held_on)::INTEGER, COUNT(*), 0, SUM(participants), 0
FROM trainings_held
GROUP BY 1, 2, 3;
