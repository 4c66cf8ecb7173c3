//! Placing graduates without a known county in an organisation (and so in its region's and
//! county's network).

use crate::accounts::audit;
use crate::network::names;
use crate::web::ctx::Auth;
use crate::{AppError, AppResult};
use actix_web::{web, HttpResponse};
use serde::Deserialize;

/// Graduates without a known county, from cohorts of the caller's regions.
pub async fn placements_page(auth: Auth) -> AppResult<HttpResponse> {
    let who = auth.principal().clone();
    if !who.manages_anything() {
        return Err(AppError::Forbidden);
    }
    let lang = auth.0.lang;
    let (waiting, organisations) = auth
        .0
        .state
        .db(move |conn| {
            use crate::db::schema::{
                cohorts, completions, counties, enrolments, organisations, placements, users,
            };
            use diesel::prelude::*;
            let rows: Vec<(i64, String, String, Option<i64>)> = placements::table
                .inner_join(users::table)
                .inner_join(
                    completions::table.inner_join(enrolments::table.inner_join(cohorts::table)),
                )
                .filter(placements::placed_at.is_null())
                .select((
                    placements::id,
                    users::name,
                    users::email,
                    cohorts::region_id,
                ))
                .load(conn)?;
            let rows: Vec<_> = rows
                .into_iter()
                .filter(|r| r.3.is_some_and(|reg| who.manages_region(reg)) || who.is_admin())
                .collect();
            let orgs: Vec<(i64, String, i64, String)> = organisations::table
                .inner_join(counties::table)
                .filter(organisations::active.eq(true))
                .order((names::county(lang), organisations::name))
                .select((
                    organisations::id,
                    organisations::name,
                    counties::region_id,
                    names::county(lang),
                ))
                .load(conn)?;
            let orgs: Vec<_> = orgs
                .into_iter()
                .filter(|o| who.manages_region(o.2))
                .collect();
            Ok((rows, orgs))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("waiting", &waiting);
    c.insert("organisations", &organisations);
    auth.0.render("network/placements.html", c)
}

#[derive(Deserialize)]
pub struct PlaceForm {
    pub organisation_id: i64,
}

pub async fn place(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<PlaceForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let who = auth.principal().clone();
    let (org, now) = (form.organisation_id, auth.0.now());
    auth.0
        .state
        .db(move |conn| crate::db::write_tx(conn, |c| place_graduate(c, &who, id, org, now)))
        .await?;
    Ok(auth
        .0
        .see_other_notice("/verkosto/sijoitettavat", "notice.placed"))
}

/// Places the graduate of placement `id` in organisation `org`: their organisation, their
/// membership of its region and county, the placement done, the audit entry.
fn place_graduate(
    c: &mut crate::db::AnyConnection,
    who: &crate::accounts::Principal,
    id: i64,
    org: i64,
    now: chrono::NaiveDateTime,
) -> AppResult<()> {
    use crate::db::schema::{organisations, placements, users};
    use diesel::prelude::*;
    let (user_id, placed): (i64, Option<chrono::NaiveDateTime>) = placements::table
        .find(id)
        .select((placements::user_id, placements::placed_at))
        .first(c)?;
    if placed.is_some() {
        return Err(AppError::Conflict("placement.done".into()));
    }
    let county: i64 = organisations::table
        .find(org)
        .select(organisations::county_id)
        .first(c)?;
    let place = crate::network::county_place(c, county)?;
    if !who.manages_region(place.region_id) {
        return Err(AppError::Forbidden);
    }
    diesel::update(users::table.find(user_id))
        .set(users::organisation_id.eq(org))
        .execute(c)?;
    crate::network::membership::join_region(c, user_id, place.region_id, county, org, now)?;
    diesel::update(placements::table.find(id))
        .set((
            placements::placed_at.eq(now),
            placements::placed_by.eq(who.user_id),
        ))
        .execute(c)?;
    audit::record_in(
        c,
        audit::Area::county(place.region_id, county),
        Some(who.user_id),
        "network.place",
        &format!("user:{user_id}"),
        &format!("organisation:{org}"),
        now,
    )?;
    Ok(())
}
