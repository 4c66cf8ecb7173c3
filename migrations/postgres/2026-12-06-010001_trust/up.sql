-- Trust in real use: sign-in throttling that slows guessing without locking people out, and
-- idempotency keys that make a retried form create nothing twice.

-- Failed attempts per subject with a growing delay: 'account:<hash of the address>' (every
-- attempt without a known device), 'device:<nonce>' (attempts carrying a device cookie for the
-- account), 'delete:<user id>' (the password on the account-deletion form). Counted before the
-- password is checked and cleared by a success, so parallel guesses cannot slip through together.
CREATE TABLE sign_in_throttle (
    subject TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);
CREATE INDEX sign_in_throttle_last_idx ON sign_in_throttle (last_failure_at);

-- The answer a creating form gave for one key (usually where it redirected), stored in the
-- creation's own transaction: a retry of the same form finds it and creates nothing again.
-- `scope` names the form and who sent it, so one person's key is nothing to another.
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    token TEXT NOT NULL,
    answer TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, token)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
