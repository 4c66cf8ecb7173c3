//! The diesel schema, kept by hand in step with `migrations/` (a test migrates both engines and
//! queries every table through it).

diesel::table! {
    regions (id) {
        id -> BigInt,
        code -> Text,
        name_fi -> Text,
        name_sv -> Text,
        national -> Bool,
        position -> Integer,
    }
}

diesel::table! {
    counties (id) {
        id -> BigInt,
        code -> Text,
        region_id -> BigInt,
        name_fi -> Text,
        name_sv -> Text,
        mapping_note -> Nullable<Text>,
    }
}

diesel::table! {
    organisations (id) {
        id -> BigInt,
        name -> Text,
        county_id -> BigInt,
        kind -> Text,
        staff_count -> Integer,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        organisation_id -> Nullable<BigInt>,
        language -> Text,
        password_hash -> Nullable<Text>,
        session_version -> Integer,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    role_assignments (id) {
        id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        region_id -> Nullable<BigInt>,
        county_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    account_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    rate_limits (bucket, window_start) {
        bucket -> Text,
        window_start -> Timestamp,
        hits -> Integer,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        actor_user_id -> Nullable<BigInt>,
        action -> Text,
        subject -> Text,
        details -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox_messages (id) {
        id -> BigInt,
        dedupe_key -> Text,
        user_id -> Nullable<BigInt>,
        recipient_email -> Text,
        recipient_name -> Text,
        language -> Text,
        template -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        message_id -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        leased_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(counties -> regions (region_id));
diesel::joinable!(organisations -> counties (county_id));
diesel::joinable!(users -> organisations (organisation_id));
diesel::joinable!(role_assignments -> users (user_id));
diesel::joinable!(account_tokens -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    regions,
    counties,
    organisations,
    users,
    role_assignments,
    account_tokens,
    rate_limits,
    audit_log,
    outbox_messages,
);
