//! Deleting an account (GDPR erasure): by the user themselves at `/tili/poista` or by an admin.
//!
//! Everything runs in one write transaction and leaves no personal data of the user:
//!
//! - the `users` row is **deleted** (not kept as a tombstone), so the e-mail address is free for
//!   a new account and every session token fails (no row, no session version to match);
//! - rows that are the user's own are deleted: roles, link tokens, placements, refresher cases
//!   and lapse warnings, lesson progress, enrolments with their status history, certificates
//!   (they carry the name; the public verification page then answers "not found"),
//!   applications made with their address or linked to them, discussion follows, read markers,
//!   e-mail settings and digest items, and the sign-in and rate-limit counters keyed by their
//!   address or id; exercise entries with their versions and the reviews of them, the peer
//!   reviews still assigned to them (the exercise job hands nothing on for a deleted reviewer),
//!   rescued texts and the exercise e-mail choice (the foreign keys cascade);
//! - **a person leaving never rewrites the past**: their trainings held, completions and
//!   network memberships stay in every statistic, with the user id emptied by the foreign keys
//!   (`ON DELETE SET NULL`); the pages show "poistettu asiantuntija". A region's registry
//!   counts, reach and quarterly rows are the same before and after (a test compares them).
//!   What the expert wrote on their trainings (the notes) is emptied: free text may name them;
//!   their own sign-ins to colleagues' trainings (found as their data download finds them:
//!   the same name in their organisation) lose the name and unit;
//! - enrolments are deleted rather than kept anonymous: a cohort's figures (enrolled, completed,
//!   capacity) then count the people who are in it, and a freed place can go to the waitlist;
//! - **discussion posts keep their text** so threads still read sensibly, and so do the reviews
//!   they wrote of others' exercise entries (a peer review shows no name anyway); their author
//!   becomes NULL (the foreign key's `ON DELETE SET NULL`) and the page shows "Poistettu käyttäjä" /
//!   "Borttagen användare" / "Deleted user". So do the references where someone acted on
//!   others' data (decided by, hidden by, placed by, published by …);
//! - the outbox: messages not yet sent to them are deleted; sent ones keep only their status
//!   and times (recipient, subject and bodies are emptied); messages to others that name them
//!   (e.g. "Maija replied") have the name and address replaced;
//! - the audit log keeps only the id, as `deleted-user:<id>` (SQLite may give the largest id
//!   to a new account, so the id alone must not read as the new person): entries the user made
//!   get "actor deleted-user:<id>" in their details before the foreign key empties
//!   `actor_user_id`, and the name and address are replaced wherever entries repeat them;
//! - surveys: named responses are deleted; anonymous ones keep their answers but get a random
//!   key; a county's assessment stays the county's. Session tokens of the deleted account are
//!   refused even if its id comes back: a new account starts at a random session version
//!   (`create_user`).

use crate::accounts::{audit, model, policy::Role};
use crate::db::{portable_sql, write_tx, AnyConnection};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

/// What the user's name is replaced with where it appeared in text kept for others.
pub const REPLACEMENT: &str = "Poistettu käyttäjä";

/// Who asks for the deletion.
#[derive(Clone, Debug)]
pub enum DeletedBy {
    /// The user themselves (after their password was checked by the caller).
    Themselves,
    /// An admin, with the reason written in the audit log.
    Admin { actor: i64, reason: String },
}

/// Deletes the account and every trace of its person. Refuses (`privacy.last_admin`) when the
/// user is the last active admin, and (`privacy.reason_missing`) an admin's deletion without a
/// reason.
/// `secret` is the installation secret (`Config::secret`), with which anonymous survey
/// responses are keyed.
pub fn delete_account(
    conn: &mut AnyConnection,
    secret: &[u8],
    user_id: i64,
    by: &DeletedBy,
    now: NaiveDateTime,
) -> AppResult<()> {
    if let DeletedBy::Admin { reason, .. } = by {
        if reason.trim().is_empty() {
            return Err(AppError::invalid("privacy.reason_missing"));
        }
    }
    write_tx(conn, |c| delete_account_in(c, secret, user_id, by, now))
}

/// [`delete_account`] inside a transaction the caller holds.
pub fn delete_account_in(
    c: &mut AnyConnection,
    secret: &[u8],
    user_id: i64,
    by: &DeletedBy,
    now: NaiveDateTime,
) -> AppResult<()> {
    let user = model::find(c, user_id)?;
    let is_admin = model::roles_of(c, user_id)?
        .iter()
        .any(|r| Role::from_row(&r.role, r.region_id, r.county_id) == Some(Role::Admin));
    if is_admin && other_active_admins(c, user_id)? == 0 {
        return Err(AppError::invalid("privacy.last_admin"));
    }
    let (email, name) = (user.email.clone(), user.name.clone());
    let area = latest_membership_area(c, user_id)?;
    erase_own_sign_ins(c, &name, user.organisation_id, now)?;
    delete_own_rows(c, user_id, &email)?;
    crate::accounts::sign_in::forget_account(c, &email, user_id)?;
    record_deletion(c, area, user_id, by, now)?;
    replace_name_in_kept_text(c, user_id, &email, &name)?;
    crate::surveys::erasure::forget_respondent(c, secret, user_id)?;
    name_as_deleted_in_audit_log(c, user_id)?;
    // Last: the row itself. The foreign keys set every remaining reference to NULL (posts,
    // threads, decisions, audit actors …) — both engines enforce them (`PRAGMA foreign_keys`).
    diesel::sql_query(portable_sql(c, "DELETE FROM users WHERE id = ?"))
        .bind::<BigInt, _>(user_id)
        .execute(c)?;
    Ok(())
}

/// The area of their latest membership, read before it goes: that region's (and county's)
/// coordinators see in the audit log that an expert of theirs was deleted.
fn latest_membership_area(c: &mut AnyConnection, user_id: i64) -> QueryResult<audit::Area> {
    Ok(crate::db::schema::memberships::table
        .filter(crate::db::schema::memberships::user_id.eq(user_id))
        .order(crate::db::schema::memberships::joined_at.desc())
        .select((
            crate::db::schema::memberships::region_id,
            crate::db::schema::memberships::county_id,
        ))
        .first::<(i64, Option<i64>)>(c)
        .optional()?
        .map_or(audit::Area::NONE, |(region_id, county_id)| audit::Area {
            region_id: Some(region_id),
            county_id,
        }))
}

/// The user's own rows (by id, then by address), children before parents where no cascade
/// helps; sent e-mail keeps only its status and times.
fn delete_own_rows(c: &mut AnyConnection, user_id: i64, email: &str) -> AppResult<()> {
    for sql in [
        "DELETE FROM refresher_cases WHERE user_id = ?",
        "DELETE FROM lapse_warnings WHERE user_id = ?",
        "DELETE FROM placements WHERE user_id = ?",
        "DELETE FROM certificates WHERE completion_id IN \
         (SELECT id FROM completions WHERE user_id = ?)",
        "DELETE FROM enrolment_events WHERE enrolment_id IN \
         (SELECT id FROM enrolments WHERE user_id = ?)",
        "DELETE FROM enrolments WHERE user_id = ?",
        "DELETE FROM lesson_progress WHERE user_id = ?",
        "UPDATE trainings_held SET notes = '' WHERE user_id = ?",
        "DELETE FROM cohort_trainers WHERE user_id = ?",
        "DELETE FROM account_tokens WHERE user_id = ?",
        "DELETE FROM role_assignments WHERE user_id = ?",
        "DELETE FROM exercise_reviews WHERE reviewer_id = ? AND status <> 'done'",
        "DELETE FROM applications WHERE user_id = ?",
        "DELETE FROM outbox_messages WHERE user_id = ? AND status <> 'sent'",
        "UPDATE outbox_messages SET recipient_email = '', recipient_name = '', subject = '', \
         body_text = '', body_html = '' WHERE user_id = ?",
        "UPDATE audit_log SET details = 'actor user:' || CAST(actor_user_id AS TEXT) || \
         CASE WHEN details = '' THEN '' ELSE '; ' || details END WHERE actor_user_id = ?",
    ] {
        diesel::sql_query(portable_sql(c, sql))
            .bind::<BigInt, _>(user_id)
            .execute(c)?;
    }
    crate::discussions::forget_reader(c, user_id)?;
    for sql in [
        "DELETE FROM applications WHERE lower(email) = ?",
        "DELETE FROM outbox_messages WHERE lower(recipient_email) = ? AND status <> 'sent'",
        "UPDATE outbox_messages SET recipient_email = '', recipient_name = '', subject = '', \
         body_text = '', body_html = '' WHERE lower(recipient_email) = ?",
    ] {
        diesel::sql_query(portable_sql(c, sql))
            .bind::<Text, _>(email)
            .execute(c)?;
    }
    Ok(())
}

/// The deletion in the audit log, in the area of the person's latest membership: who asked
/// (none when they did it themselves) and why.
fn record_deletion(
    c: &mut AnyConnection,
    area: audit::Area,
    user_id: i64,
    by: &DeletedBy,
    now: NaiveDateTime,
) -> AppResult<()> {
    let reason = match by {
        DeletedBy::Themselves => "self".to_string(),
        DeletedBy::Admin { reason, .. } => format!("admin: {}", reason.trim()),
    };
    let actor = match by {
        DeletedBy::Themselves => None,
        DeletedBy::Admin { actor, .. } => Some(*actor).filter(|a| *a != user_id),
    };
    audit::record_in(
        c,
        area,
        actor,
        "user.delete",
        &format!("user:{user_id}"),
        &reason,
        now,
    )?;
    Ok(())
}

/// The name and address wherever text kept for others repeats them: the address becomes
/// `user:<id>`, the name (also as HTML escapes it) [`REPLACEMENT`].
fn replace_name_in_kept_text(
    c: &mut AnyConnection,
    user_id: i64,
    email: &str,
    name: &str,
) -> AppResult<()> {
    let mut needles = vec![email.to_string()];
    if name.chars().count() >= 2 {
        needles.push(name.to_string());
        let escaped = tera::escape_html(name);
        if escaped != name {
            needles.push(escaped);
        }
    }
    for (table, column) in [
        ("outbox_messages", "subject"),
        ("outbox_messages", "body_text"),
        ("outbox_messages", "body_html"),
        ("outbox_messages", "recipient_name"),
        ("audit_log", "subject"),
        ("audit_log", "details"),
        ("enrolment_events", "note"),
        ("refresher_cases", "note"),
        ("applications", "manager_name"),
        ("applications", "manager_email"),
    ] {
        for needle in &needles {
            let sql = format!(
                "UPDATE {table} SET {column} = REPLACE({column}, ?, ?) \
                 WHERE {column} LIKE '%' || ? || '%'"
            );
            let replacement = if *needle == email {
                format!("user:{user_id}")
            } else {
                REPLACEMENT.to_string()
            };
            diesel::sql_query(portable_sql(c, &sql))
                .bind::<Text, _>(needle)
                .bind::<Text, _>(&replacement)
                .bind::<Text, _>(needle)
                .execute(c)?;
        }
    }
    Ok(())
}

/// The audit log names the deleted person as `deleted-user:<id>`, so an id SQLite might hand
/// to a new account is never read as theirs.
fn name_as_deleted_in_audit_log(c: &mut AnyConnection, user_id: i64) -> AppResult<()> {
    let id = user_id.to_string();
    diesel::sql_query(portable_sql(
        c,
        "UPDATE audit_log SET subject = 'deleted-user:' || ? WHERE subject = 'user:' || ?",
    ))
    .bind::<Text, _>(&id)
    .bind::<Text, _>(&id)
    .execute(c)?;
    diesel::sql_query(portable_sql(
        c,
        "UPDATE audit_log SET details = REPLACE(details, 'actor user:' || ?, \
         'actor deleted-user:' || ?) WHERE details LIKE 'actor user:' || ? || '%'",
    ))
    .bind::<Text, _>(&id)
    .bind::<Text, _>(&id)
    .bind::<Text, _>(&id)
    .execute(c)?;
    Ok(())
}

/// The person's sign-ins to colleagues' trainings, by the rule their data download uses (the
/// same normalised name, a training of their own organisation), are erased like names past the
/// retention period: name and unit emptied, the row kept for the figures.
fn erase_own_sign_ins(
    c: &mut AnyConnection,
    name: &str,
    organisation: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<()> {
    use crate::db::schema::trainings_held as th;
    use crate::db::schema_trainings::training_attendances as ta;
    let Some(organisation) = organisation else {
        return Ok(());
    };
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let wanted = norm(name);
    let rows: Vec<(i64, String)> = ta::table
        .inner_join(th::table)
        .filter(th::organisation_id.eq(organisation))
        .filter(ta::erased_at.is_null())
        .select((ta::id, ta::name))
        .load(c)?;
    let ids: Vec<i64> = rows
        .into_iter()
        .filter(|(_, n)| !wanted.is_empty() && norm(n) == wanted)
        .map(|(id, _)| id)
        .collect();
    diesel::update(ta::table.filter(ta::id.eq_any(&ids)))
        .set((
            ta::name.eq(""),
            ta::unit.eq(""),
            ta::erased_at.eq(Some(now)),
        ))
        .execute(c)?;
    Ok(())
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn other_active_admins(c: &mut AnyConnection, user_id: i64) -> QueryResult<i64> {
    let row: Count = diesel::sql_query(portable_sql(
        c,
        "SELECT COUNT(DISTINCT u.id) AS n FROM users u \
         JOIN role_assignments r ON r.user_id = u.id \
         WHERE r.role = 'admin' AND u.active AND u.id <> ?",
    ))
    .bind::<BigInt, _>(user_id)
    .get_result(c)?;
    Ok(row.n)
}

/// Whether the user is the last active admin (the account page says so before they try).
pub fn is_last_admin(c: &mut AnyConnection, user_id: i64) -> AppResult<bool> {
    let is_admin = model::roles_of(c, user_id)?
        .iter()
        .any(|r| Role::from_row(&r.role, r.region_id, r.county_id) == Some(Role::Admin));
    Ok(is_admin && other_active_admins(c, user_id)? == 0)
}
