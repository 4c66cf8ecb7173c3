//! Confirmation pages before an admin changes a role or deletes an account: they say whom it
//! concerns and what will happen, change nothing (GET), and their button POSTs to the action;
//! "cancel" leads back to the user page.

use super::ctx::Auth;
use super::users::{area_name, parse_role, render_show, role_value, RoleForm};
use crate::accounts::{self, Role};
use crate::db::schema::{enrolments, memberships, trainings_held};
use crate::db::schema_discussions::discussion_posts;
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use serde::Deserialize;

/// The confirmation pages' routes, and the deletion itself (the other actions are in `users`).
pub fn register(t: &mut super::route_table::RouteTable) {
    t.get("/hallinta/kayttajat/{id}/roolit", grant_page);
    t.get("/hallinta/kayttajat/{id}/roolit/poista", revoke_page);
    t.get("/hallinta/kayttajat/{id}/poista", delete_page);
    t.post("/hallinta/kayttajat/{id}/poista", delete);
}

/// The role and what it concerns, for the page.
fn role_context(
    conn: &mut crate::db::AnyConnection,
    id: i64,
    role: &Role,
    lang: crate::i18n::Lang,
) -> AppResult<(accounts::User, Option<String>, bool)> {
    let user = accounts::model::find(conn, id)?;
    let area = area_name(conn, role, lang)?;
    let held = accounts::model::roles_of(conn, id)?
        .iter()
        .filter_map(|r| Role::from_row(&r.role, r.region_id, r.county_id))
        .any(|r| &r == role);
    Ok((user, area, held))
}

async fn role_page(
    auth: &Auth,
    id: i64,
    form: &RoleForm,
    role: AppResult<Role>,
    revoking: bool,
) -> AppResult<HttpResponse> {
    let actor = auth.require_admin()?.user_id;
    let role = match role {
        Ok(r) => r,
        Err(AppError::Invalid(k)) => {
            return render_show(auth, id, StatusCode::BAD_REQUEST, Some(form), &[k.as_str()]).await
        }
        Err(e) => return Err(e),
    };
    if revoking && id == actor && role == Role::Admin {
        return render_show(
            auth,
            id,
            StatusCode::BAD_REQUEST,
            None,
            &["users.keep_own_admin"],
        )
        .await;
    }
    let r2 = role.clone();
    let lang = auth.0.lang;
    let found = auth
        .0
        .state
        .db(move |conn| role_context(conn, id, &r2, lang))
        .await;
    let (user, area, held) = match found {
        Ok(x) => x,
        Err(AppError::Invalid(k)) => {
            return render_show(auth, id, StatusCode::BAD_REQUEST, Some(form), &[k.as_str()]).await
        }
        Err(e) => return Err(e),
    };
    let mut c = tera::Context::new();
    c.insert("person", &user);
    c.insert("role_kind", role.name());
    c.insert("role_value", &role_value(&role));
    c.insert("area", &area);
    c.insert("held", &held);
    c.insert("revoking", &revoking);
    c.insert("is_self", &(id == actor));
    auth.0.render("admin/role_confirm.html", c)
}

/// Giving a role: whom, which role and area, and that their sessions end.
pub async fn grant_page(
    auth: Auth,
    path: web::Path<i64>,
    q: web::Query<RoleForm>,
) -> AppResult<HttpResponse> {
    let form = q.into_inner();
    role_page(&auth, path.into_inner(), &form, form.role(), false).await
}

#[derive(Deserialize)]
pub struct RevokeQuery {
    #[serde(default)]
    pub role: String,
}

/// Taking a role away.
pub async fn revoke_page(
    auth: Auth,
    path: web::Path<i64>,
    q: web::Query<RevokeQuery>,
) -> AppResult<HttpResponse> {
    let role = parse_role(&q.role);
    role_page(&auth, path.into_inner(), &RoleForm::default(), role, true).await
}

/// What the person has in the service, so the admin sees whom they are about to delete.
#[derive(serde::Serialize)]
struct Footprint {
    enrolments: i64,
    memberships: i64,
    posts: i64,
    trainings: i64,
}

/// The account deletion page: the person, their roles and footprint, the reason field.
pub(super) async fn render_delete(
    auth: &Auth,
    id: i64,
    status: StatusCode,
    reason: &str,
    errors: &[&str],
) -> AppResult<HttpResponse> {
    auth.require_admin()?;
    let (user, roles, footprint, last_admin) = auth
        .0
        .state
        .db(move |conn| {
            let user = accounts::model::find(conn, id)?;
            let roles: Vec<String> = accounts::model::roles_of(conn, id)?
                .iter()
                .filter_map(|r| Role::from_row(&r.role, r.region_id, r.county_id))
                .map(|r| r.name().to_string())
                .collect();
            let count = |n: QueryResult<i64>| n.unwrap_or(0);
            let footprint = Footprint {
                enrolments: count(
                    enrolments::table
                        .filter(enrolments::user_id.eq(id))
                        .count()
                        .get_result(conn),
                ),
                memberships: count(
                    memberships::table
                        .filter(memberships::user_id.eq(id))
                        .count()
                        .get_result(conn),
                ),
                posts: count(
                    discussion_posts::table
                        .filter(discussion_posts::author_id.eq(id))
                        .count()
                        .get_result(conn),
                ),
                trainings: count(
                    trainings_held::table
                        .filter(trainings_held::user_id.eq(id))
                        .count()
                        .get_result(conn),
                ),
            };
            Ok((
                user,
                roles,
                footprint,
                crate::privacy::erasure::is_last_admin(conn, id)?,
            ))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("person", &user);
    c.insert("roles", &roles);
    c.insert("footprint", &footprint);
    c.insert("last_admin", &last_admin);
    c.insert("reason", reason);
    c.insert("errors", errors);
    auth.0.render_status(status, "admin/delete_confirm.html", c)
}

pub async fn delete_page(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    render_delete(&auth, path.into_inner(), StatusCode::OK, "", &[]).await
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    pub reason: String,
}

/// Deletes a user and every trace of them; the reason goes to the audit log.
pub async fn delete(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<DeleteForm>,
) -> AppResult<HttpResponse> {
    let actor = auth.require_admin()?.user_id;
    let id = path.into_inner();
    let typed = form.into_inner().reason;
    let reason: String = typed
        .chars()
        .filter(|c| !c.is_control())
        .take(500)
        .collect::<String>()
        .trim()
        .to_string();
    let now = auth.0.now();
    let secret = auth.0.state.config.secret.clone();
    let result = auth
        .0
        .state
        .db(move |conn| {
            accounts::model::find(conn, id)?;
            crate::privacy::erasure::delete_account(
                conn,
                &secret,
                id,
                &crate::privacy::erasure::DeletedBy::Admin { actor, reason },
                now,
            )
        })
        .await;
    match result {
        Ok(()) => Ok(auth
            .0
            .see_other_notice("/hallinta/kayttajat", "notice.user_deleted")),
        // The confirmation page again, with the problem and the reason as typed.
        Err(AppError::Invalid(k)) => {
            render_delete(&auth, id, StatusCode::BAD_REQUEST, &typed, &[k.as_str()]).await
        }
        Err(e) => Err(e),
    }
}
