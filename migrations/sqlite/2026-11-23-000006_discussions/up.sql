-- Discussions: per cohort and lesson, threads (questions, discussions and the lesson's own
-- prompt), posts threaded one level deep, the revisions of edited posts, reports to the
-- trainers, who follows what, who has read what, e-mail settings and the digest queue; and the
-- answer bank (vastauspankki): answered questions a trainer published to the knowledge bank.

CREATE TABLE discussion_threads (
    id INTEGER PRIMARY KEY,
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    lesson_id BIGINT NOT NULL REFERENCES lessons (id),
    -- question | discussion | prompt (the lesson's discussion prompt, opened by the system)
    kind TEXT NOT NULL CHECK (kind IN ('question', 'discussion', 'prompt')),
    title TEXT NOT NULL,
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    opening_post_id BIGINT,
    pinned BOOLEAN NOT NULL DEFAULT 0,
    locked BOOLEAN NOT NULL DEFAULT 0,
    -- The opening post is hidden: the thread is shown only to its author and the moderators.
    hidden BOOLEAN NOT NULL DEFAULT 0,
    -- When a trainer of the cohort first answered (questions only).
    answered_at TIMESTAMP,
    best_post_id BIGINT,
    post_count INTEGER NOT NULL DEFAULT 0,
    -- The newest post (0 when none): the unread marker and the keyset of the thread lists.
    last_post_id BIGINT NOT NULL DEFAULT 0,
    last_post_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX discussion_threads_cohort_idx ON discussion_threads (cohort_id, last_post_id);
CREATE INDEX discussion_threads_lesson_idx ON discussion_threads (cohort_id, lesson_id, last_post_id);
CREATE INDEX discussion_threads_unanswered_idx ON discussion_threads (kind, answered_at, created_at);
-- One prompt thread per lesson and cohort, however many servers open it at once.
CREATE UNIQUE INDEX discussion_threads_prompt_idx ON discussion_threads (cohort_id, lesson_id) WHERE kind = 'prompt';

CREATE TABLE discussion_posts (
    id INTEGER PRIMARY KEY,
    thread_id BIGINT NOT NULL REFERENCES discussion_threads (id) ON DELETE CASCADE,
    -- NULL: the opening post or an answer to it; else the answer this replies to.
    parent_id BIGINT REFERENCES discussion_posts (id),
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- The author was a trainer of the cohort when posting.
    by_trainer BOOLEAN NOT NULL DEFAULT 0,
    body_markdown TEXT NOT NULL,
    -- render_user(body_markdown): sanitised when stored, shown as is.
    body_html TEXT NOT NULL,
    -- Lower-cased plain text (with the title, for an opening post), for search in a cohort.
    search_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    edited_at TIMESTAMP,
    edited_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    hidden_at TIMESTAMP,
    hidden_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    hidden_reason TEXT
);
CREATE INDEX discussion_posts_thread_idx ON discussion_posts (thread_id, parent_id, id);
CREATE INDEX discussion_posts_parent_idx ON discussion_posts (parent_id, id);
CREATE INDEX discussion_posts_author_idx ON discussion_posts (author_id);

-- The text of a post before each edit.
CREATE TABLE discussion_revisions (
    id INTEGER PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES discussion_posts (id) ON DELETE CASCADE,
    title TEXT,
    body_markdown TEXT NOT NULL,
    -- Who made the edit that replaced this text.
    edited_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX discussion_revisions_post_idx ON discussion_revisions (post_id, id);

CREATE TABLE discussion_reports (
    id INTEGER PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES discussion_posts (id) ON DELETE CASCADE,
    reporter_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    resolved_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    UNIQUE (post_id, reporter_id)
);
CREATE INDEX discussion_reports_open_idx ON discussion_reports (resolved_at, id);

-- Who follows a thread. An explicit unfollow is kept (following = false), so replying again
-- does not follow the thread again behind the user's back.
CREATE TABLE discussion_subscriptions (
    thread_id BIGINT NOT NULL REFERENCES discussion_threads (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    following BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (thread_id, user_id)
);
CREATE INDEX discussion_subscriptions_user_idx ON discussion_subscriptions (user_id);

-- The newest post a user has seen in a thread.
CREATE TABLE discussion_reads (
    thread_id BIGINT NOT NULL REFERENCES discussion_threads (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_read_post_id BIGINT NOT NULL,
    PRIMARY KEY (thread_id, user_id)
);

-- How a user gets new posts of the threads they follow: immediate | daily | off.
CREATE TABLE discussion_settings (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    email_mode TEXT NOT NULL DEFAULT 'immediate' CHECK (email_mode IN ('immediate', 'daily', 'off')),
    last_digest_at TIMESTAMP
);

-- Posts waiting for a user's daily digest; sent_at is set in the transaction that queues it.
CREATE TABLE discussion_digest_items (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id BIGINT NOT NULL REFERENCES discussion_posts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    UNIQUE (user_id, post_id)
);
CREATE INDEX discussion_digest_items_pending_idx ON discussion_digest_items (sent_at, user_id);

-- The answer bank: an answered question, edited and anonymised by a trainer, public in the
-- knowledge bank until withdrawn. Search key "answer:<id>".
CREATE TABLE answer_bank (
    id INTEGER PRIMARY KEY,
    thread_id BIGINT UNIQUE REFERENCES discussion_threads (id) ON DELETE SET NULL,
    course_id BIGINT NOT NULL REFERENCES courses (id),
    lesson_id BIGINT REFERENCES lessons (id),
    theme TEXT,
    title TEXT NOT NULL,
    question_markdown TEXT NOT NULL,
    question_html TEXT NOT NULL,
    answer_markdown TEXT NOT NULL,
    answer_html TEXT NOT NULL,
    published_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    published_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP
);
CREATE INDEX answer_bank_theme_idx ON answer_bank (withdrawn_at, theme);
