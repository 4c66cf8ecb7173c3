//! The diesel schema of sign-in throttling and idempotency keys (migration `010001_trust`),
//! kept apart from `schema.rs`. Neither table is joined with another.

diesel::table! {
    sign_in_throttle (subject) {
        subject -> Text,
        failures -> Integer,
        last_failure_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idempotency_keys (scope, token) {
        scope -> Text,
        token -> Text,
        answer -> Text,
        created_at -> Timestamp,
    }
}
