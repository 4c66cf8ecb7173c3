//! A user's discussion e-mail mode (`discussion_settings.email_mode`): at once, a daily digest,
//! or none; and when their last digest went out.

use crate::db::schema_discussions::discussion_settings as ds;
use crate::db::{portable_sql, AnyConnection};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

pub const MODES: [&str; 3] = ["immediate", "daily", "off"];

/// A user's e-mail mode and when their last digest went out.
pub fn settings(
    conn: &mut AnyConnection,
    user_id: i64,
) -> QueryResult<(String, Option<NaiveDateTime>)> {
    Ok(ds::table
        .find(user_id)
        .select((ds::email_mode, ds::last_digest_at))
        .first(conn)
        .optional()?
        .unwrap_or_else(|| ("immediate".to_string(), None)))
}

pub fn set_email_mode(conn: &mut AnyConnection, user_id: i64, mode: &str) -> AppResult<()> {
    if !MODES.contains(&mode) {
        return Err(AppError::invalid("disc.mode_invalid"));
    }
    let sql = portable_sql(
        conn,
        "INSERT INTO discussion_settings (user_id, email_mode) VALUES (?, ?) \
         ON CONFLICT (user_id) DO UPDATE SET email_mode = excluded.email_mode",
    );
    diesel::sql_query(sql)
        .bind::<BigInt, _>(user_id)
        .bind::<Text, _>(mode)
        .execute(conn)?;
    Ok(())
}
