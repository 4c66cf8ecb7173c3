//! Account rows and their queries.

use crate::db::schema::{role_assignments, users};
use crate::db::AnyConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub organisation_id: Option<i64>,
    pub language: String,
    #[serde(skip)]
    pub password_hash: Option<String>,
    #[serde(skip)]
    pub session_version: i32,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_login_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub organisation_id: Option<i64>,
    pub language: &'a str,
    pub password_hash: Option<&'a str>,
    pub session_version: i32,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = role_assignments)]
pub struct RoleAssignment {
    pub id: i64,
    pub user_id: i64,
    pub role: String,
    pub region_id: Option<i64>,
    pub county_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = role_assignments)]
pub struct NewRoleAssignment<'a> {
    pub user_id: i64,
    pub role: &'a str,
    pub region_id: Option<i64>,
    pub county_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<User> {
    users::table.find(id).select(User::as_select()).first(conn)
}

pub fn find_by_email(conn: &mut AnyConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn roles_of(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Vec<RoleAssignment>> {
    role_assignments::table
        .filter(role_assignments::user_id.eq(user_id))
        .order(role_assignments::id)
        .select(RoleAssignment::as_select())
        .load(conn)
}

/// Bumps the session version: every session token issued before stops working.
pub fn revoke_sessions(
    conn: &mut AnyConnection,
    user_id: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::session_version.eq(users::session_version + 1),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
