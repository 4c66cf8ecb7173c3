//! Admins' user pages: find a user, give or take a role, deactivate or reactivate. Every change
//! ends the user's sessions and is audit-logged (in `accounts`).

use super::ctx::Auth;
use crate::accounts::{self, Role};
use crate::db::schema::{counties, regions, users};
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use serde::Deserialize;

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

pub fn register(t: &mut super::route_table::RouteTable) {
    t.get("/hallinta/kayttajat", list);
    t.get("/hallinta/kayttajat/{id}", show);
    t.post("/hallinta/kayttajat/{id}/roolit", grant);
    t.post("/hallinta/kayttajat/{id}/roolit/poista", revoke);
    t.post("/hallinta/kayttajat/{id}/tila", set_active);
}

#[derive(Deserialize)]
pub struct Search {
    #[serde(default)]
    pub q: String,
}

pub async fn list(auth: Auth, q: web::Query<Search>) -> AppResult<HttpResponse> {
    auth.require_admin()?;
    let q = q
        .into_inner()
        .q
        .trim()
        .chars()
        .take(100)
        .collect::<String>();
    let q2 = q.clone();
    let rows = auth
        .0
        .state
        .db(move |conn| {
            let mut query = users::table.order(users::name).limit(200).into_boxed();
            // `%` and backslashes are dropped rather than escaped (ESCAPE differs between the
            // engines); a `_` matching any one letter only widens a search.
            let words: String = q2
                .to_lowercase()
                .chars()
                .filter(|c| *c != '%' && *c != '\\')
                .collect();
            if !words.is_empty() {
                let pattern = format!("%{words}%");
                query = query.filter(
                    users::email
                        .like(pattern.clone())
                        .or(lower(users::name).like(pattern)),
                );
            }
            Ok(query
                .select((users::id, users::name, users::email, users::active))
                .load::<(i64, String, String, bool)>(conn)?)
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("users", &rows);
    c.insert("q", &q);
    auth.0.render("admin/users.html", c)
}

pub async fn show(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    render_show(&auth, path.into_inner(), StatusCode::OK, None, &[]).await
}

/// The user page; after a refused role change, with the problem beside the role form and the
/// choices kept.
pub(super) async fn render_show(
    auth: &Auth,
    id: i64,
    status: StatusCode,
    form: Option<&RoleForm>,
    errors: &[&str],
) -> AppResult<HttpResponse> {
    auth.require_admin()?;
    let lang = auth.0.lang;
    let (user, roles, regions, counties) = auth
        .0
        .state
        .db(move |conn| {
            let user = accounts::model::find(conn, id)?;
            let regions: Vec<(i64, String)> = regions::table
                .order(regions::position)
                .select((regions::id, crate::network::names::region(lang)))
                .load(conn)?;
            let counties: Vec<(i64, String)> = counties::table
                .order(crate::network::names::county(lang))
                .select((counties::id, crate::network::names::county(lang)))
                .load(conn)?;
            // Each role in words with its area: "Aluekoordinaattori, Socca".
            let area = |list: &[(i64, String)], id: i64| {
                list.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone())
            };
            let roles: Vec<(String, String, Option<String>)> = accounts::model::roles_of(conn, id)?
                .iter()
                .filter_map(|r| Role::from_row(&r.role, r.region_id, r.county_id))
                .map(|r| {
                    let place = match r {
                        Role::RegionalCoordinator { region_id } => area(&regions, region_id),
                        Role::CountyCoordinator { county_id } => area(&counties, county_id),
                        _ => None,
                    };
                    (role_value(&r), r.name().to_string(), place)
                })
                .collect();
            Ok((user, roles, regions, counties))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("person", &user);
    c.insert("roles", &roles);
    c.insert("regions", &regions);
    c.insert("counties", &counties);
    c.insert("form", &form);
    c.insert("errors", errors);
    auth.0.render_status(status, "admin/user.html", c)
}

/// A role as a form value: `trainer`, `admin`, `regional_coordinator:3`, `county_coordinator:7`.
pub(super) fn role_value(r: &Role) -> String {
    match r {
        Role::RegionalCoordinator { region_id } => format!("regional_coordinator:{region_id}"),
        Role::CountyCoordinator { county_id } => format!("county_coordinator:{county_id}"),
        other => other.name().to_string(),
    }
}

pub(super) fn parse_role(v: &str) -> AppResult<Role> {
    let (kind, id) = v.split_once(':').unwrap_or((v, ""));
    let id = id.parse::<i64>().ok();
    match (kind, id) {
        ("trainer", _) => Ok(Role::Trainer),
        ("admin", _) => Ok(Role::Admin),
        ("regional_coordinator", Some(r)) => Ok(Role::RegionalCoordinator { region_id: r }),
        ("county_coordinator", Some(c)) => Ok(Role::CountyCoordinator { county_id: c }),
        _ => Err(AppError::invalid("users.role_invalid")),
    }
}

#[derive(Deserialize, serde::Serialize, Default)]
pub struct RoleForm {
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub region_id: String,
    #[serde(default)]
    pub county_id: String,
}

impl RoleForm {
    pub(super) fn role(&self) -> AppResult<Role> {
        match self.role.as_str() {
            "regional_coordinator" => {
                parse_role(&format!("regional_coordinator:{}", self.region_id.trim()))
            }
            "county_coordinator" => {
                parse_role(&format!("county_coordinator:{}", self.county_id.trim()))
            }
            other => parse_role(other),
        }
    }
}

pub async fn grant(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<RoleForm>,
) -> AppResult<HttpResponse> {
    let actor = auth.require_admin()?.user_id;
    let (id, role, now) = (path.into_inner(), form.role()?, auth.0.now());
    auth.0
        .state
        .db(move |conn| {
            accounts::model::find(conn, id)?;
            area_name(conn, &role, crate::i18n::Lang::Fi)?;
            accounts::roles::grant_role(conn, id, &role, Some(actor), now)
        })
        .await?;
    Ok(auth
        .0
        .see_other_notice(&format!("/hallinta/kayttajat/{id}"), "notice.role_granted"))
}

/// The name of a coordinator role's area (which must exist); `None` for other roles.
pub(super) fn area_name(
    conn: &mut crate::db::AnyConnection,
    role: &Role,
    lang: crate::i18n::Lang,
) -> AppResult<Option<String>> {
    let name = match role {
        Role::RegionalCoordinator { region_id } => regions::table
            .find(region_id)
            .select(crate::network::names::region(lang))
            .first::<String>(conn)
            .map_err(|_| AppError::invalid("users.role_invalid"))?,
        Role::CountyCoordinator { county_id } => counties::table
            .find(county_id)
            .select(crate::network::names::county(lang))
            .first::<String>(conn)
            .map_err(|_| AppError::invalid("users.role_invalid"))?,
        _ => return Ok(None),
    };
    Ok(Some(name))
}

pub async fn revoke(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<RoleForm>,
) -> AppResult<HttpResponse> {
    let actor = auth.require_admin()?.user_id;
    let (id, role, now) = (path.into_inner(), form.role()?, auth.0.now());
    if id == actor && role == Role::Admin {
        return Err(AppError::invalid("users.keep_own_admin"));
    }
    auth.0
        .state
        .db(move |conn| accounts::roles::revoke_role(conn, id, &role, Some(actor), now))
        .await?;
    Ok(auth
        .0
        .see_other_notice(&format!("/hallinta/kayttajat/{id}"), "notice.role_revoked"))
}

#[derive(Deserialize)]
pub struct ActiveForm {
    pub active: String,
}

pub async fn set_active(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<ActiveForm>,
) -> AppResult<HttpResponse> {
    let actor = auth.require_admin()?.user_id;
    let id = path.into_inner();
    let active = form.active == "1";
    if id == actor && !active {
        return Err(AppError::invalid("users.keep_own_admin"));
    }
    let now = auth.0.now();
    auth.0
        .state
        .db(move |conn| {
            accounts::model::find(conn, id)?;
            accounts::set_active(conn, id, active, Some(actor), now)
        })
        .await?;
    let notice = if active {
        "notice.user_activated"
    } else {
        "notice.user_deactivated"
    };
    Ok(auth
        .0
        .see_other_notice(&format!("/hallinta/kayttajat/{id}"), notice))
}
