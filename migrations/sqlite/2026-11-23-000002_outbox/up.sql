-- Every e-mail goes through this table: queued in the transaction that causes it, claimed
-- by a delivery worker with a lease, retried with backoff, never lost.
CREATE TABLE outbox_messages (
    id INTEGER PRIMARY KEY,
    -- Queuing the same message twice queues it once.
    dedupe_key TEXT NOT NULL UNIQUE,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    recipient_email TEXT NOT NULL,
    recipient_name TEXT NOT NULL,
    language TEXT NOT NULL,
    template TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    -- Deterministic, so a rare resend after a crash is recognisable as the same message.
    message_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    leased_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due_idx ON outbox_messages (status, next_attempt_at);
CREATE INDEX outbox_user_idx ON outbox_messages (user_id);
