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
        transferred_at -> Nullable<Timestamp>,
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
        region_id -> Nullable<BigInt>,
        county_id -> Nullable<BigInt>,
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
        list_unsubscribe -> Nullable<Text>,
    }
}

diesel::table! {
    courses (id) {
        id -> BigInt,
        slug -> Text,
        title -> Text,
        kind -> Text,
        language -> Text,
        version -> Text,
        summary -> Text,
        refreshes -> Nullable<Text>,
        competence_valid_months -> Nullable<Integer>,
        training_activity_months -> Nullable<Integer>,
        content_hash -> Text,
        published_at -> Timestamp,
        active -> Bool,
        translation_of -> Nullable<Text>,
    }
}

diesel::table! {
    course_modules (id) {
        id -> BigInt,
        course_id -> BigInt,
        slug -> Text,
        position -> Integer,
        title -> Text,
        theme -> Nullable<Text>,
        minutes -> Integer,
        intro_html -> Text,
        active -> Bool,
    }
}

diesel::table! {
    lessons (id) {
        id -> BigInt,
        course_id -> BigInt,
        module_id -> BigInt,
        slug -> Text,
        position -> Integer,
        title -> Text,
        minutes -> Integer,
        discussion -> Nullable<Text>,
        body_html -> Text,
        toc_json -> Text,
        checks_json -> Text,
        summary_markdown -> Nullable<Text>,
        summary_html -> Nullable<Text>,
        summary_text -> Nullable<Text>,
        word_count -> Integer,
        active -> Bool,
        published_at -> Timestamp,
        sources_html -> Text,
    }
}

diesel::table! {
    cohorts (id) {
        id -> BigInt,
        course_id -> BigInt,
        name -> Text,
        region_id -> Nullable<BigInt>,
        starts_on -> Nullable<Date>,
        ends_on -> Nullable<Date>,
        created_at -> Timestamp,
        capacity -> Nullable<Integer>,
        applications_open_on -> Nullable<Date>,
        applications_close_on -> Nullable<Date>,
        manager_approval_required -> Bool,
        work_hours -> Integer,
        description -> Text,
        cancelled_at -> Nullable<Timestamp>,
        cancel_reason -> Text,
        archived_at -> Nullable<Timestamp>,
        lessons_open_at_start -> Bool,
    }
}

diesel::table! {
    applications (id) {
        id -> BigInt,
        cohort_id -> BigInt,
        name -> Text,
        email -> Text,
        language -> Text,
        organisation_id -> Nullable<BigInt>,
        organisation_other -> Nullable<Text>,
        county_id -> Nullable<BigInt>,
        manager_name -> Text,
        manager_email -> Text,
        motivation -> Text,
        email_confirmed_at -> Nullable<Timestamp>,
        manager_decision -> Nullable<Text>,
        manager_decided_at -> Nullable<Timestamp>,
        manager_note -> Text,
        decision -> Text,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
        waitlisted_at -> Nullable<Timestamp>,
        user_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    enrolment_events (id) {
        id -> BigInt,
        enrolment_id -> BigInt,
        status -> Text,
        actor_user_id -> Nullable<BigInt>,
        note -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    cohort_trainers (cohort_id, user_id) {
        cohort_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    enrolments (id) {
        id -> BigInt,
        cohort_id -> BigInt,
        user_id -> BigInt,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    lesson_progress (user_id, lesson_id) {
        user_id -> BigInt,
        lesson_id -> BigInt,
        done_at -> Nullable<Timestamp>,
        answers_json -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    completions (id) {
        id -> BigInt,
        enrolment_id -> Nullable<BigInt>,
        user_id -> Nullable<BigInt>,
        course_id -> BigInt,
        course_kind -> Text,
        course_version -> Text,
        completed_at -> Timestamp,
    }
}

diesel::table! {
    certificates (id) {
        id -> BigInt,
        completion_id -> BigInt,
        code -> Text,
        holder_name -> Text,
        course_title -> Text,
        course_version -> Text,
        issued_on -> Date,
    }
}

diesel::table! {
    memberships (id) {
        id -> BigInt,
        user_id -> Nullable<BigInt>,
        region_id -> BigInt,
        county_id -> Nullable<BigInt>,
        organisation_id -> Nullable<BigInt>,
        joined_at -> Timestamp,
        refreshed_at -> Timestamp,
        status -> Text,
    }
}

diesel::table! {
    placements (id) {
        id -> BigInt,
        user_id -> BigInt,
        completion_id -> BigInt,
        created_at -> Timestamp,
        placed_at -> Nullable<Timestamp>,
        placed_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    trainings_held (id) {
        id -> BigInt,
        user_id -> Nullable<BigInt>,
        organisation_id -> BigInt,
        held_on -> Date,
        theme -> Text,
        participants -> Integer,
        notes -> Text,
        created_at -> Timestamp,
        status -> Text,
        counting -> Text,
        themes -> Text,
        unit -> Text,
        starts_at -> Nullable<Timestamp>,
        ends_at -> Nullable<Timestamp>,
        place -> Text,
        remote -> Bool,
        planned_size -> Nullable<Integer>,
        code -> Nullable<Text>,
        code_closed_at -> Nullable<Timestamp>,
        over_staff -> Bool,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    announcements (id) {
        id -> BigInt,
        author_id -> Nullable<BigInt>,
        region_id -> Nullable<BigInt>,
        county_id -> Nullable<BigInt>,
        title -> Text,
        body_markdown -> Text,
        body_html -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    network_transfers (id) {
        id -> BigInt,
        county_id -> BigInt,
        from_user_id -> Nullable<BigInt>,
        to_user_id -> Nullable<BigInt>,
        transferred_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        name -> Text,
        token_hash -> Text,
        region_id -> Nullable<BigInt>,
        county_id -> Nullable<BigInt>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(counties -> regions (region_id));
diesel::joinable!(certificates -> completions (completion_id));
diesel::joinable!(completions -> courses (course_id));
diesel::joinable!(completions -> enrolments (enrolment_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(memberships -> regions (region_id));
diesel::joinable!(memberships -> counties (county_id));
diesel::joinable!(memberships -> organisations (organisation_id));
diesel::joinable!(trainings_held -> organisations (organisation_id));
diesel::joinable!(trainings_held -> users (user_id));
diesel::joinable!(placements -> users (user_id));
diesel::joinable!(placements -> completions (completion_id));
diesel::joinable!(course_modules -> courses (course_id));
diesel::joinable!(lessons -> course_modules (module_id));
diesel::joinable!(cohorts -> courses (course_id));
diesel::joinable!(enrolments -> cohorts (cohort_id));
diesel::joinable!(enrolments -> users (user_id));
diesel::joinable!(cohort_trainers -> cohorts (cohort_id));
diesel::joinable!(cohort_trainers -> users (user_id));
diesel::joinable!(lesson_progress -> lessons (lesson_id));
diesel::joinable!(applications -> cohorts (cohort_id));
diesel::joinable!(applications -> organisations (organisation_id));
diesel::joinable!(enrolment_events -> enrolments (enrolment_id));
diesel::table! {
    refresher_cases (id) {
        id -> BigInt,
        user_id -> BigInt,
        region_id -> BigInt,
        county_id -> Nullable<BigInt>,
        status -> Text,
        found_on -> Date,
        last_completion_on -> Date,
        last_training_on -> Nullable<Date>,
        cohort_id -> Nullable<BigInt>,
        enrolment_id -> Nullable<BigInt>,
        excused_until -> Nullable<Date>,
        note -> Text,
        decided_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    lapse_warnings (id) {
        id -> BigInt,
        user_id -> BigInt,
        region_id -> BigInt,
        county_id -> Nullable<BigInt>,
        lapses_on -> Date,
        warned_on -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    job_runs (job, run_on) {
        job -> Text,
        run_on -> Date,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        summary -> Text,
    }
}

diesel::joinable!(organisations -> counties (county_id));
diesel::joinable!(users -> organisations (organisation_id));
diesel::joinable!(role_assignments -> users (user_id));
diesel::joinable!(account_tokens -> users (user_id));
diesel::joinable!(refresher_cases -> users (user_id));
diesel::joinable!(refresher_cases -> regions (region_id));
diesel::joinable!(lapse_warnings -> users (user_id));

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
    courses,
    course_modules,
    lessons,
    cohorts,
    cohort_trainers,
    enrolments,
    lesson_progress,
    applications,
    enrolment_events,
    completions,
    certificates,
    memberships,
    placements,
    trainings_held,
    announcements,
    network_transfers,
    api_tokens,
    refresher_cases,
    lapse_warnings,
    job_runs,
);

diesel::table! {
    /// One row (id 1): bumped by triggers on every write the coordinators' figures read
    /// (migration `2026-12-07-000001_figure_versions`; `db::figures`).
    figure_versions (id) {
        id -> Integer,
        version -> BigInt,
    }
}
