DROP TABLE idempotency_keys;
DROP TABLE sign_in_throttle;
