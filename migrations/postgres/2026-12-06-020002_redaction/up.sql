-- Redaction: a moderator replaced a post's text (and every earlier revision) because it held
-- client data written by mistake. The row says who, when and why; the text itself is gone.
CREATE TABLE discussion_redactions (
    post_id BIGINT PRIMARY KEY REFERENCES discussion_posts (id) ON DELETE CASCADE,
    redacted_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- An author's request that a moderator redact their post; open until handled.
CREATE TABLE discussion_redaction_requests (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES discussion_posts (id) ON DELETE CASCADE,
    requested_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    resolved_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);
-- One open request per post.
CREATE UNIQUE INDEX discussion_redaction_requests_open_idx
    ON discussion_redaction_requests (post_id) WHERE resolved_at IS NULL;
