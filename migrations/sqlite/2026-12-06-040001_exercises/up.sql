-- Writing exercises (kirjaamisharjoitukset): the compiled exercise of a lesson and the course's
-- writing-checker lists (written by publishing), the trainees' entries with their drafts and
-- submitted versions (at most two: the first and one revision), the reviews of an entry (the
-- writer's own, peers' and the trainer's, on the rubric), examples published to the knowledge
-- bank, texts rescued when a session ended mid-writing, and who wants no exercise e-mail.

CREATE TABLE lesson_exercises (
    lesson_id BIGINT PRIMARY KEY REFERENCES lessons (id) ON DELETE CASCADE,
    -- courses::exercise_model::Exercise as JSON.
    spec_json TEXT NOT NULL
);

CREATE TABLE course_writing_rules (
    course_id BIGINT PRIMARY KEY REFERENCES courses (id) ON DELETE CASCADE,
    -- courses::exercise_model::WritingRules as JSON.
    rules_json TEXT NOT NULL
);

CREATE TABLE exercise_entries (
    id INTEGER PRIMARY KEY,
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    lesson_id BIGINT NOT NULL REFERENCES lessons (id),
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The text being written: the first version before submitting, the revision after.
    draft TEXT NOT NULL DEFAULT '',
    draft_saved_at TIMESTAMP,
    -- When the first version was submitted (NULL: a draft only).
    submitted_at TIMESTAMP,
    -- Submitted versions (0, 1 or 2) and when the latest was.
    versions INTEGER NOT NULL DEFAULT 0 CHECK (versions BETWEEN 0 AND 2),
    latest_at TIMESTAMP,
    -- The writer allows publishing the entry, names removed, as an example.
    consent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (cohort_id, lesson_id, user_id)
);
CREATE INDEX exercise_entries_user_idx ON exercise_entries (user_id);
CREATE INDEX exercise_entries_waiting_idx ON exercise_entries (cohort_id, latest_at);

CREATE TABLE exercise_versions (
    id INTEGER PRIMARY KEY,
    entry_id BIGINT NOT NULL REFERENCES exercise_entries (id) ON DELETE CASCADE,
    number INTEGER NOT NULL CHECK (number IN (1, 2)),
    body TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    UNIQUE (entry_id, number)
);

CREATE TABLE exercise_reviews (
    id INTEGER PRIMARY KEY,
    entry_id BIGINT NOT NULL REFERENCES exercise_entries (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('self', 'peer', 'trainer')),
    reviewer_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- assigned (a peer's review waiting), done, expired (the peer's window passed).
    status TEXT NOT NULL CHECK (status IN ('assigned', 'done', 'expired')),
    -- The version reviewed (while assigned: the latest when assigned).
    version INTEGER NOT NULL,
    assigned_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP,
    -- [{"criterion": "…", "level": 0}] in rubric order.
    ratings_json TEXT NOT NULL DEFAULT '[]',
    comment TEXT NOT NULL DEFAULT '',
    -- The trainer's assessment may quote a sentence of the entry.
    quote TEXT NOT NULL DEFAULT '',
    done_at TIMESTAMP,
    hidden_at TIMESTAMP,
    hidden_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    hidden_reason TEXT
);
CREATE INDEX exercise_reviews_entry_idx ON exercise_reviews (entry_id, kind);
CREATE INDEX exercise_reviews_reviewer_idx ON exercise_reviews (reviewer_id, status);
CREATE INDEX exercise_reviews_due_idx ON exercise_reviews (status, due_at);
-- A peer reviews an entry once; one self-assessment and one trainer's assessment per version.
CREATE UNIQUE INDEX exercise_reviews_peer_idx ON exercise_reviews (entry_id, reviewer_id) WHERE kind = 'peer';
CREATE UNIQUE INDEX exercise_reviews_self_idx ON exercise_reviews (entry_id, version) WHERE kind = 'self';
CREATE UNIQUE INDEX exercise_reviews_trainer_idx ON exercise_reviews (entry_id, version) WHERE kind = 'trainer';

CREATE TABLE exercise_examples (
    id INTEGER PRIMARY KEY,
    entry_id BIGINT UNIQUE REFERENCES exercise_entries (id) ON DELETE SET NULL,
    course_id BIGINT NOT NULL REFERENCES courses (id),
    lesson_id BIGINT REFERENCES lessons (id),
    theme TEXT,
    title TEXT NOT NULL,
    -- The entry and the feedback as the trainer edited them (names removed).
    entry_text TEXT NOT NULL,
    feedback_markdown TEXT NOT NULL,
    feedback_html TEXT NOT NULL,
    ratings_json TEXT NOT NULL DEFAULT '[]',
    published_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    published_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP
);

CREATE TABLE exercise_rescues (
    id INTEGER PRIMARY KEY,
    -- SHA-256 of the random token in the browser's cookie.
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    lesson_id BIGINT NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX exercise_rescues_user_idx ON exercise_rescues (user_id, lesson_id);

CREATE TABLE exercise_mail_optouts (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
