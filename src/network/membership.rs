//! Network memberships: a graduate joins the expert network of their organisation's region
//! (and county); a later completion refreshes the membership. Graduates without a known
//! county wait in the placement queue.

use crate::db::schema::{counties, memberships, organisations, placements, users};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Where a user's organisation lies: (organisation, county, region).
pub fn place_of_user(conn: &mut AnyConnection, user_id: i64) -> AppResult<Option<(i64, i64, i64)>> {
    Ok(users::table
        .inner_join(organisations::table.inner_join(counties::table))
        .filter(users::id.eq(user_id))
        .select((organisations::id, counties::id, counties::region_id))
        .first(conn)
        .optional()?)
}

/// What joining did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joined {
    New {
        region_id: i64,
        county_id: i64,
    },
    Refreshed {
        region_id: i64,
        county_id: Option<i64>,
    },
    /// No known county: queued for a coordinator to place.
    Queued,
}

/// Creates or refreshes the membership of the user's region (inside the caller's transaction).
pub fn join_or_refresh(
    conn: &mut AnyConnection,
    user_id: i64,
    completion_id: i64,
    now: NaiveDateTime,
) -> AppResult<Joined> {
    let Some((organisation_id, county_id, region_id)) = place_of_user(conn, user_id)? else {
        // A refresher completion still refreshes existing memberships.
        let refreshed = diesel::update(memberships::table.filter(memberships::user_id.eq(user_id)))
            .set((
                memberships::refreshed_at.eq(now),
                memberships::status.eq("active"),
            ))
            .execute(conn)?;
        if refreshed > 0 {
            let region_id = memberships::table
                .filter(memberships::user_id.eq(user_id))
                .select(memberships::region_id)
                .first(conn)?;
            return Ok(Joined::Refreshed {
                region_id,
                county_id: None,
            });
        }
        let queued: i64 = placements::table
            .filter(placements::user_id.eq(user_id))
            .count()
            .get_result(conn)?;
        if queued == 0 {
            diesel::insert_into(placements::table)
                .values((
                    placements::user_id.eq(user_id),
                    placements::completion_id.eq(completion_id),
                    placements::created_at.eq(now),
                ))
                .execute(conn)?;
        }
        return Ok(Joined::Queued);
    };
    join_region(conn, user_id, region_id, county_id, organisation_id, now)
}

/// Creates the membership of a region, or refreshes it.
pub fn join_region(
    conn: &mut AnyConnection,
    user_id: i64,
    region_id: i64,
    county_id: i64,
    organisation_id: i64,
    now: NaiveDateTime,
) -> AppResult<Joined> {
    let existing: Option<i64> = memberships::table
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::region_id.eq(region_id))
        .select(memberships::id)
        .first(conn)
        .optional()?;
    match existing {
        Some(id) => {
            diesel::update(memberships::table.find(id))
                .set((
                    memberships::refreshed_at.eq(now),
                    memberships::status.eq("active"),
                    memberships::county_id.eq(county_id),
                    memberships::organisation_id.eq(organisation_id),
                ))
                .execute(conn)?;
            Ok(Joined::Refreshed {
                region_id,
                county_id: Some(county_id),
            })
        }
        None => {
            diesel::insert_into(memberships::table)
                .values((
                    memberships::user_id.eq(user_id),
                    memberships::region_id.eq(region_id),
                    memberships::county_id.eq(county_id),
                    memberships::organisation_id.eq(organisation_id),
                    memberships::joined_at.eq(now),
                    memberships::refreshed_at.eq(now),
                    memberships::status.eq("active"),
                ))
                .execute(conn)?;
            Ok(Joined::New {
                region_id,
                county_id,
            })
        }
    }
}
