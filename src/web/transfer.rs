//! Registry transfer pages: the form, a confirmation page that says what will happen (how many
//! experts, which county, to whom, whether an account is created) before anything does, and
//! an admin's handing a county back to its region (confirmed the same way). Confirmation pages
//! only show (GET); their button POSTs; "cancel" leads back to the form as it was.

use super::ctx::Auth;
use crate::network::transfer;
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

pub fn register(t: &mut super::route_table::RouteTable) {
    t.get("/verkosto/siirto", transfer_page);
    t.post("/verkosto/siirto", transfer);
    t.get("/verkosto/siirto/vahvista", confirm_page);
    t.get("/verkosto/siirto/{county}/palauta", back_page);
    t.post("/verkosto/siirto/{county}/palauta", transfer_back);
}

#[derive(Deserialize, Default, Serialize, Clone)]
pub struct TransferForm {
    #[serde(default)]
    pub county_id: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
}

impl TransferForm {
    /// The form's fields as a query string, for "cancel" back to the form as it was.
    fn query(&self) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("county_id", self.county_id.as_str()),
                ("email", self.email.as_str()),
                ("name", self.name.as_str()),
            ])
            .finish()
    }
}

type CountyRow = (i64, i64, String, Option<NaiveDateTime>);

async fn render_transfer(
    auth: &Auth,
    status: StatusCode,
    form: &TransferForm,
    errors: &[&str],
) -> AppResult<HttpResponse> {
    let who = auth.principal().clone();
    let lang = auth.0.lang;
    let counties = auth
        .0
        .state
        .db(move |conn| {
            use crate::db::schema::counties;
            use diesel::prelude::*;
            let rows: Vec<CountyRow> = counties::table
                .order(crate::network::names::county(lang))
                .select((
                    counties::id,
                    counties::region_id,
                    crate::network::names::county(lang),
                    counties::transferred_at,
                ))
                .load(conn)?;
            Ok(rows
                .into_iter()
                .filter(|r| who.manages_region(r.1))
                .collect::<Vec<_>>())
        })
        .await?;
    if counties.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut c = tera::Context::new();
    c.insert("counties", &counties);
    c.insert("form", form);
    c.insert("errors", errors);
    c.insert("is_admin", &auth.principal().is_admin());
    auth.0.render_status(status, "network/transfer.html", c)
}

/// The form; its fields may come back from a cancelled confirmation.
pub async fn transfer_page(auth: Auth, q: web::Query<TransferForm>) -> AppResult<HttpResponse> {
    render_transfer(&auth, StatusCode::OK, &q.into_inner(), &[]).await
}

/// The form again with the problem, or the problem as the error it is.
async fn refuse(auth: &Auth, form: &TransferForm, e: AppError) -> AppResult<HttpResponse> {
    match e {
        AppError::Invalid(k) | AppError::Conflict(k) => {
            render_transfer(auth, StatusCode::BAD_REQUEST, form, &[k.as_str()]).await
        }
        e => Err(e),
    }
}

/// What the transfer will do; nothing changes until its button is pressed.
pub async fn confirm_page(auth: Auth, q: web::Query<TransferForm>) -> AppResult<HttpResponse> {
    let form = q.into_inner();
    let Ok(county_id) = form.county_id.trim().parse::<i64>() else {
        return refuse(&auth, &form, AppError::invalid("transfer.county_invalid")).await;
    };
    let who = auth.principal().clone();
    let (email, name) = (form.email.clone(), form.name.clone());
    let preview = auth
        .0
        .state
        .db(move |conn| transfer::preview(conn, &who, county_id, &email, &name))
        .await;
    match preview {
        Ok(p) => {
            let mut c = tera::Context::new();
            c.insert("p", &p);
            c.insert("form", &form);
            c.insert("back", &form.query());
            auth.0.render("network/transfer_confirm.html", c)
        }
        Err(e) => refuse(&auth, &form, e).await,
    }
}

pub async fn transfer(auth: Auth, form: web::Form<TransferForm>) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let Ok(county_id) = form.county_id.trim().parse::<i64>() else {
        return refuse(&auth, &form, AppError::invalid("transfer.county_invalid")).await;
    };
    let who = auth.principal().clone();
    let now = auth.0.now();
    let state = auth.0.state.clone();
    let (email, name) = (form.email.clone(), form.name.clone());
    let result = auth
        .0
        .state
        .db(move |conn| {
            let msg = state.messaging();
            transfer::transfer(conn, &msg, &who, county_id, &email, &name, now)
        })
        .await;
    match result {
        Ok(_) => Ok(auth
            .0
            .see_other_notice("/verkosto/siirto", "notice.transfer_done")),
        Err(e) => refuse(&auth, &form, e).await,
    }
}

/// An admin's confirmation page for handing a county back to its region.
pub async fn back_page(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let county_id = path.into_inner();
    let who = auth.principal().clone();
    let p = auth
        .0
        .state
        .db(move |conn| transfer::back::preview_back(conn, &who, county_id))
        .await?;
    let mut c = tera::Context::new();
    c.insert("p", &p);
    auth.0.render("network/transfer_back.html", c)
}

pub async fn transfer_back(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let county_id = path.into_inner();
    let who = auth.principal().clone();
    let now = auth.0.now();
    let state = auth.0.state.clone();
    auth.0
        .state
        .db(move |conn| {
            let msg = state.messaging();
            transfer::back::transfer_back(conn, &msg, &who, county_id, now)
        })
        .await?;
    Ok(auth
        .0
        .see_other_notice("/verkosto/siirto", "notice.transfer_back_done"))
}
