-- Published courses (compiled from courses/), the cohorts that run them, enrolments and
-- each trainee's progress. Lessons keep their identity by (course, slug): republishing updates
-- them in place, and a lesson removed from the sources is retired, not deleted, so progress
-- survives edits and reordering.

CREATE TABLE courses (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('basic', 'refresher')),
    language TEXT NOT NULL,
    version TEXT NOT NULL,
    summary TEXT NOT NULL,
    refreshes TEXT,
    competence_valid_months INTEGER,
    training_activity_months INTEGER,
    content_hash TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1
);

CREATE TABLE course_modules (
    id INTEGER PRIMARY KEY,
    course_id BIGINT NOT NULL REFERENCES courses (id),
    slug TEXT NOT NULL,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    theme TEXT,
    minutes INTEGER NOT NULL,
    intro_html TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1,
    UNIQUE (course_id, slug)
);

CREATE TABLE lessons (
    id INTEGER PRIMARY KEY,
    course_id BIGINT NOT NULL REFERENCES courses (id),
    module_id BIGINT NOT NULL REFERENCES course_modules (id),
    slug TEXT NOT NULL,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    discussion TEXT,
    body_html TEXT NOT NULL,
    toc_json TEXT NOT NULL,
    checks_json TEXT NOT NULL,
    summary_markdown TEXT,
    summary_html TEXT,
    summary_text TEXT,
    word_count INTEGER NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1,
    published_at TIMESTAMP NOT NULL,
    UNIQUE (course_id, slug)
);
CREATE INDEX lessons_module_idx ON lessons (module_id, position);

CREATE TABLE cohorts (
    id INTEGER PRIMARY KEY,
    course_id BIGINT NOT NULL REFERENCES courses (id),
    name TEXT NOT NULL,
    -- NULL: a national cohort.
    region_id BIGINT REFERENCES regions (id),
    starts_on DATE,
    ends_on DATE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX cohorts_course_idx ON cohorts (course_id);

CREATE TABLE cohort_trainers (
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (cohort_id, user_id)
);

-- A trainee in a cohort. Status: active (studying), completed, withdrawn.
CREATE TABLE enrolments (
    id INTEGER PRIMARY KEY,
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id),
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'withdrawn')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (cohort_id, user_id)
);
CREATE INDEX enrolments_user_idx ON enrolments (user_id);

-- Per user and lesson: read (marked, or every check passed) and the last answers given.
CREATE TABLE lesson_progress (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    lesson_id BIGINT NOT NULL REFERENCES lessons (id),
    done_at TIMESTAMP,
    answers_json TEXT NOT NULL DEFAULT '{}',
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, lesson_id)
);

-- The knowledge bank's search index (FTS5 has no Finnish stemmer: queries use prefixes; ä and
-- ö stay distinct letters).
CREATE VIRTUAL TABLE knowledge_search USING fts5(
    entry_key UNINDEXED,
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 0'
);
