//! Roles given and taken: each change ends the user's sessions (their rights changed) and is
//! written to the audit log with the area it concerns, in one transaction.

use super::policy::Role;
use super::{audit, model};
use crate::db::schema::role_assignments;
use crate::db::{write_tx, AnyConnection};
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Gives a role, ends the user's sessions (their rights changed) and writes the audit log.
pub fn grant_role(
    conn: &mut AnyConnection,
    user_id: i64,
    role: &Role,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<()> {
    write_tx(conn, |c| grant_role_in(c, user_id, role, actor, now))
}

/// [`grant_role`] inside the caller's transaction.
pub fn grant_role_in(
    c: &mut AnyConnection,
    user_id: i64,
    role: &Role,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<()> {
    let (region_id, county_id) = match role {
        Role::RegionalCoordinator { region_id } => (Some(*region_id), None),
        Role::CountyCoordinator { county_id } => (None, Some(*county_id)),
        _ => (None, None),
    };
    let held = model::roles_of(c, user_id)?
        .iter()
        .filter_map(|r| Role::from_row(&r.role, r.region_id, r.county_id))
        .any(|r| &r == role);
    if held {
        return Ok(());
    }
    diesel::insert_into(role_assignments::table)
        .values(model::NewRoleAssignment {
            user_id,
            role: role.name(),
            region_id,
            county_id,
            created_at: now,
        })
        .execute(c)?;
    model::revoke_sessions(c, user_id, now)?;
    let area = role_area(c, role)?;
    audit::record_in(
        c,
        area,
        actor,
        "role.grant",
        &format!("user:{user_id}"),
        &format!("{role:?}"),
        now,
    )?;
    Ok(())
}

/// The audit log's area of a role: a coordinator's region or county; none for the others.
fn role_area(c: &mut AnyConnection, role: &Role) -> QueryResult<audit::Area> {
    match role {
        Role::RegionalCoordinator { region_id } => Ok(audit::Area::region(*region_id)),
        Role::CountyCoordinator { county_id } => audit::Area::of_county(c, *county_id),
        _ => Ok(audit::Area::NONE),
    }
}

pub fn revoke_role(
    conn: &mut AnyConnection,
    user_id: i64,
    role: &Role,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<()> {
    write_tx(conn, |c| {
        revoke_role_in(c, user_id, role, actor, now).map(|_| ())
    })
}

/// [`revoke_role`] inside the caller's transaction. Returns whether the user held the role.
pub fn revoke_role_in(
    c: &mut AnyConnection,
    user_id: i64,
    role: &Role,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let ids: Vec<i64> = model::roles_of(c, user_id)?
        .into_iter()
        .filter(|r| Role::from_row(&r.role, r.region_id, r.county_id).as_ref() == Some(role))
        .map(|r| r.id)
        .collect();
    if ids.is_empty() {
        return Ok(false);
    }
    diesel::delete(role_assignments::table.filter(role_assignments::id.eq_any(ids))).execute(c)?;
    model::revoke_sessions(c, user_id, now)?;
    let area = role_area(c, role)?;
    audit::record_in(
        c,
        area,
        actor,
        "role.revoke",
        &format!("user:{user_id}"),
        &format!("{role:?}"),
        now,
    )?;
    Ok(true)
}
