//! Maintaining organisations (`/hallinta/organisaatiot`): the list of the caller's area with a
//! county filter, the create and edit forms, and the CSV import (upload → preview → confirm,
//! all or nothing). Admins reach every county, a regional coordinator the counties of their
//! region, a county coordinator their county; the rules are in `network::organisations`.

use super::ctx::Auth;
use super::route_table::RouteTable;
use crate::network::organisations::{self as orgs, FormInput};
use crate::network::{County, Organisation, ORGANISATION_KINDS};
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

pub fn register(t: &mut RouteTable) {
    t.get("/hallinta/organisaatiot", list);
    t.post("/hallinta/organisaatiot", create);
    t.get("/hallinta/organisaatiot/uusi", new_form);
    t.get("/hallinta/organisaatiot/{id}/muokkaa", edit_form);
    t.post("/hallinta/organisaatiot/{id}/muokkaa", update);
    t.get("/hallinta/organisaatiot/tuonti", import_form);
    t.post("/hallinta/organisaatiot/tuonti", import_preview);
    t.post("/hallinta/organisaatiot/tuonti/vahvista", import_confirm);
}

/// Coordinators (regional or county) and admins only.
fn require_manager(auth: &Auth) -> AppResult<()> {
    if auth.principal().manages_anything() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn area(auth: &Auth) -> AppResult<Vec<County>> {
    let who = auth.principal().clone();
    auth.0
        .state
        .db(move |conn| orgs::counties_in_area(conn, &who))
        .await
}

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub county: String,
}

pub async fn list(auth: Auth, query: web::Query<ListQuery>) -> AppResult<HttpResponse> {
    require_manager(&auth)?;
    // A filter that is not a number is no filter.
    let county: Option<i64> = query.county.trim().parse().ok();
    let who = auth.principal().clone();
    let lang = auth.0.lang;
    let (counties, rows) = auth
        .0
        .state
        .db(move |conn| {
            Ok((
                orgs::counties_in_area(conn, &who)?,
                orgs::list(conn, &who, county, lang)?,
            ))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("counties", &counties);
    c.insert("county_filter", &county);
    c.insert("rows", &rows);
    auth.0.render("organisations/list.html", c)
}

#[derive(Deserialize, Default, Clone)]
pub struct OrganisationForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub county_id: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub staff_count: String,
    #[serde(default)]
    pub active: Option<String>,
}

impl OrganisationForm {
    fn input(&self) -> FormInput {
        FormInput {
            name: self.name.clone(),
            county_id: self.county_id.clone(),
            kind: self.kind.clone(),
            staff_count: self.staff_count.clone(),
            active: self.active.is_some(),
        }
    }

    fn from_organisation(o: &Organisation) -> OrganisationForm {
        OrganisationForm {
            name: o.name.clone(),
            county_id: o.county_id.to_string(),
            kind: o.kind.clone(),
            staff_count: o.staff_count.to_string(),
            active: o.active.then(|| "on".into()),
        }
    }
}

async fn render_form(
    auth: &Auth,
    status: StatusCode,
    form: &OrganisationForm,
    errors: &[&str],
    organisation: Option<&Organisation>,
) -> AppResult<HttpResponse> {
    let counties = area(auth).await?;
    let mut c = tera::Context::new();
    c.insert(
        "form",
        &serde_json::json!({
            "name": form.name, "county_id": form.county_id, "kind": form.kind,
            "staff_count": form.staff_count, "active": form.active.is_some(),
        }),
    );
    c.insert("errors", errors);
    c.insert("counties", &counties);
    c.insert("kinds", &ORGANISATION_KINDS);
    c.insert("organisation", &organisation);
    auth.0.render_status(status, "organisations/form.html", c)
}

pub async fn new_form(auth: Auth) -> AppResult<HttpResponse> {
    require_manager(&auth)?;
    let counties = area(&auth).await?;
    let form = OrganisationForm {
        kind: "public".into(),
        active: Some("on".into()),
        // With one county in the area, it is chosen already.
        county_id: match counties.as_slice() {
            [only] => only.id.to_string(),
            _ => String::new(),
        },
        ..Default::default()
    };
    render_form(&auth, StatusCode::OK, &form, &[], None).await
}

pub async fn create(auth: Auth, form: web::Form<OrganisationForm>) -> AppResult<HttpResponse> {
    require_manager(&auth)?;
    let mut form = form.into_inner();
    // A new organisation is active.
    form.active = Some("on".into());
    let input = form.input();
    let who = auth.principal().clone();
    let now = auth.0.now();
    let saved = auth
        .0
        .state
        .db(move |conn| orgs::create(conn, &who, &input, now))
        .await;
    match saved {
        Ok(Ok(_)) => Ok(auth
            .0
            .see_other_notice("/hallinta/organisaatiot", "notice.organisation_created")),
        Ok(Err(problems)) => {
            render_form(&auth, StatusCode::BAD_REQUEST, &form, &problems, None).await
        }
        Err(AppError::Conflict(key)) => {
            render_form(&auth, StatusCode::CONFLICT, &form, &[key.as_str()], None).await
        }
        Err(e) => Err(e),
    }
}

/// The organisation, if the caller maintains it; otherwise 404.
async fn managed(auth: &Auth, id: i64) -> AppResult<Organisation> {
    let who = auth.principal().clone();
    auth.0
        .state
        .db(move |conn| orgs::managed(conn, &who, id))
        .await
}

pub async fn edit_form(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    require_manager(&auth)?;
    let org = managed(&auth, path.into_inner()).await?;
    let form = OrganisationForm::from_organisation(&org);
    render_form(&auth, StatusCode::OK, &form, &[], Some(&org)).await
}

pub async fn update(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<OrganisationForm>,
) -> AppResult<HttpResponse> {
    require_manager(&auth)?;
    let org = managed(&auth, path.into_inner()).await?;
    let form = form.into_inner();
    let input = form.input();
    let who = auth.principal().clone();
    let (id, now) = (org.id, auth.0.now());
    let saved = auth
        .0
        .state
        .db(move |conn| orgs::update(conn, &who, id, &input, now))
        .await;
    match saved {
        Ok(Ok(_)) => Ok(auth
            .0
            .see_other_notice("/hallinta/organisaatiot", "notice.organisation_saved")),
        Ok(Err(problems)) => {
            render_form(&auth, StatusCode::BAD_REQUEST, &form, &problems, Some(&org)).await
        }
        Err(AppError::Conflict(key)) => {
            render_form(
                &auth,
                StatusCode::CONFLICT,
                &form,
                &[key.as_str()],
                Some(&org),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn import_form(auth: Auth) -> AppResult<HttpResponse> {
    require_manager(&auth)?;
    let mut c = tera::Context::new();
    c.insert("max_rows", &orgs::import::MAX_ROWS);
    auth.0.render("organisations/import.html", c)
}

/// The largest file accepted. The confirmation sends the text back as a form field, so the
/// file stays well under the form limit even when every letter is percent-encoded.
const CSV_LIMIT: usize = 256 * 1024;

/// Reads the uploaded file and shows what the import would do; nothing is saved yet.
pub async fn import_preview(
    auth: Auth,
    mut payload: actix_multipart::Multipart,
) -> AppResult<HttpResponse> {
    require_manager(&auth)?;
    let bytes = match super::upload::read_file(&mut payload, "file", CSV_LIMIT).await {
        Ok(bytes) => bytes,
        Err(problem) => {
            let mut c = tera::Context::new();
            c.insert("max_rows", &orgs::import::MAX_ROWS);
            c.insert("file_error", problem.key());
            c.insert("limit", &super::upload::limit_text(auth.0.lang, CSV_LIMIT));
            return auth
                .0
                .render_status(problem.status(), "organisations/import.html", c);
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return render_file_error(&auth, "organisations.import_not_utf8");
    };
    render_preview(&auth, text).await
}

fn render_file_error(auth: &Auth, key: &str) -> AppResult<HttpResponse> {
    let mut c = tera::Context::new();
    c.insert("max_rows", &orgs::import::MAX_ROWS);
    c.insert("file_error", key);
    auth.0
        .render_status(StatusCode::BAD_REQUEST, "organisations/import.html", c)
}

async fn render_preview(auth: &Auth, text: String) -> AppResult<HttpResponse> {
    let who = auth.principal().clone();
    let t2 = text.clone();
    let preview = auth
        .0
        .state
        .db(move |conn| orgs::import::preview(conn, &who, &t2))
        .await?;
    let status = if preview.ok {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut c = tera::Context::new();
    c.insert("max_rows", &orgs::import::MAX_ROWS);
    c.insert("preview", &preview);
    c.insert("changes", &(preview.creates + preview.updates));
    c.insert("csv", &text);
    auth.0.render_status(status, "organisations/import.html", c)
}

#[derive(Deserialize)]
pub struct ImportConfirm {
    #[serde(default)]
    pub csv: String,
}

/// Imports the previewed file, all or nothing; a file with problems is shown again.
pub async fn import_confirm(auth: Auth, form: web::Form<ImportConfirm>) -> AppResult<HttpResponse> {
    require_manager(&auth)?;
    let text = form.into_inner().csv;
    if text.len() > CSV_LIMIT {
        return render_file_error(&auth, "organisations.import_too_large");
    }
    let who = auth.principal().clone();
    let now = auth.0.now();
    let t2 = text.clone();
    let result = auth
        .0
        .state
        .db(move |conn| orgs::import::import_all(conn, &who, &t2, now))
        .await;
    match result {
        Ok(done) => Ok(auth.0.see_other_notice_n(
            "/hallinta/organisaatiot",
            "notice.organisations_imported",
            (done.creates + done.updates) as i64,
        )),
        Err(AppError::Invalid(_)) | Err(AppError::Conflict(_)) => render_preview(&auth, text).await,
        Err(e) => Err(e),
    }
}
