//! The audit log: who did what to what, for actions that must be accountable (role changes,
//! exports, registry transfers, manual enrolments).

use crate::db::schema::audit_log;
use crate::db::AnyConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

pub fn record(
    conn: &mut AnyConnection,
    actor: Option<i64>,
    action: &str,
    subject: &str,
    details: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::actor_user_id.eq(actor),
            audit_log::action.eq(action),
            audit_log::subject.eq(subject),
            audit_log::details.eq(details),
            audit_log::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
