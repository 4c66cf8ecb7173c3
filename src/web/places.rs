//! Admins' pages for the regions and counties: their names in Finnish and Swedish, and moving
//! a county to another region from a given day (`network::places`). Every form shows its
//! errors next to the fields with the input kept; every change ends in a one-time notice.

use super::ctx::Auth;
use crate::network::places::overview::{self, CountyRow, RegionRow};
use crate::network::places::{self, moves, renaming};
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

fn require(auth: &Auth) -> AppResult<()> {
    if places::may_edit(auth.principal()) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn list(auth: Auth) -> AppResult<HttpResponse> {
    require(&auth)?;
    let lang = auth.0.lang;
    let regions = auth
        .0
        .state
        .db(move |conn| overview::overview(conn, lang))
        .await?;
    let mut c = tera::Context::new();
    c.insert("regions", &regions);
    auth.0.render("admin/places.html", c)
}

#[derive(Deserialize, Serialize, Default, Clone)]
pub struct NamesForm {
    #[serde(default)]
    pub name_fi: String,
    #[serde(default)]
    pub name_sv: String,
}

/// Field → message key.
type FieldErrors = Vec<(&'static str, &'static str)>;

async fn find_region(auth: &Auth, id: i64) -> AppResult<RegionRow> {
    let lang = auth.0.lang;
    auth.0
        .state
        .db(move |conn| {
            overview::overview(conn, lang)?
                .into_iter()
                .find(|r| r.id == id)
                .ok_or(AppError::NotFound)
        })
        .await
}

fn render_region(
    auth: &Auth,
    status: StatusCode,
    region: &RegionRow,
    form: &NamesForm,
    errors: &FieldErrors,
) -> AppResult<HttpResponse> {
    let mut c = tera::Context::new();
    c.insert("region", region);
    c.insert("form", form);
    c.insert("errors", &errors.iter().map(|e| e.1).collect::<Vec<_>>());
    c.insert("field_errors", &field_map(errors));
    auth.0.render_status(status, "admin/region.html", c)
}

fn field_map(errors: &FieldErrors) -> std::collections::HashMap<&'static str, &'static str> {
    errors.iter().copied().collect()
}

pub async fn region_form(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    require(&auth)?;
    let region = find_region(&auth, path.into_inner()).await?;
    let form = NamesForm {
        name_fi: region.name_fi.clone(),
        name_sv: region.name_sv.clone(),
    };
    render_region(&auth, StatusCode::OK, &region, &form, &Vec::new())
}

pub async fn save_region(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<NamesForm>,
) -> AppResult<HttpResponse> {
    require(&auth)?;
    let region = find_region(&auth, path.into_inner()).await?;
    let form = form.into_inner();
    let errors = renaming::check_names(&form.name_fi, &form.name_sv);
    if !errors.is_empty() {
        return render_region(&auth, StatusCode::BAD_REQUEST, &region, &form, &errors);
    }
    let (who, now, id) = (auth.principal().clone(), auth.0.now(), region.id);
    let f = form.clone();
    auth.0
        .state
        .db(move |conn| renaming::rename_region(conn, &who, id, &f.name_fi, &f.name_sv, now))
        .await?;
    Ok(auth
        .0
        .see_other_notice("/hallinta/alueet", "notice.region_saved"))
}

#[derive(Deserialize, Serialize, Default, Clone)]
pub struct MoveForm {
    #[serde(default)]
    pub region_id: String,
    #[serde(default)]
    pub valid_from: String,
}

/// What the county page shows, with the forms' input and errors.
struct CountyForms<'a> {
    names: &'a NamesForm,
    names_errors: &'a FieldErrors,
    moving: &'a MoveForm,
    move_errors: &'a FieldErrors,
}

async fn render_county(
    auth: &Auth,
    status: StatusCode,
    id: i64,
    forms: CountyForms<'_>,
) -> AppResult<HttpResponse> {
    let lang = auth.0.lang;
    let (regions, history) = auth
        .0
        .state
        .db(move |conn| {
            Ok((
                overview::overview(conn, lang)?,
                overview::history(conn, id, lang)?,
            ))
        })
        .await?;
    let county: CountyRow = regions
        .iter()
        .flat_map(|r| r.counties.iter())
        .find(|c| c.id == id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let region = regions.iter().find(|r| r.id == county.region_id);
    let today = crate::i18n::format::helsinki_date(auth.0.now());
    let mut c = tera::Context::new();
    c.insert("county", &county);
    c.insert("region", &region);
    c.insert(
        "choices",
        &regions
            .iter()
            .filter(|r| !r.national)
            .map(|r| (r.id, r.name.clone()))
            .collect::<Vec<_>>(),
    );
    c.insert("history", &history);
    c.insert("can_undo", &(history.len() > 1));
    c.insert("today", &today.to_string());
    c.insert("earliest", &moves::earliest_day().to_string());
    c.insert("form", forms.names);
    c.insert("move", forms.moving);
    let mut all: Vec<&str> = forms.names_errors.iter().map(|e| e.1).collect();
    all.extend(forms.move_errors.iter().map(|e| e.1));
    c.insert("errors", &all);
    c.insert("field_errors", &field_map(forms.names_errors));
    c.insert("move_errors", &field_map(forms.move_errors));
    auth.0.render_status(status, "admin/county.html", c)
}

async fn county_names(auth: &Auth, id: i64) -> AppResult<NamesForm> {
    let lang = auth.0.lang;
    auth.0
        .state
        .db(move |conn| {
            overview::overview(conn, lang)?
                .into_iter()
                .flat_map(|r| r.counties)
                .find(|c| c.id == id)
                .map(|c| NamesForm {
                    name_fi: c.name_fi,
                    name_sv: c.name_sv,
                })
                .ok_or(AppError::NotFound)
        })
        .await
}

pub async fn county_page(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    require(&auth)?;
    let id = path.into_inner();
    let names = county_names(&auth, id).await?;
    let forms = CountyForms {
        names: &names,
        names_errors: &Vec::new(),
        moving: &MoveForm::default(),
        move_errors: &Vec::new(),
    };
    render_county(&auth, StatusCode::OK, id, forms).await
}

pub async fn save_county(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<NamesForm>,
) -> AppResult<HttpResponse> {
    require(&auth)?;
    let id = path.into_inner();
    county_names(&auth, id).await?;
    let form = form.into_inner();
    let errors = renaming::check_names(&form.name_fi, &form.name_sv);
    if !errors.is_empty() {
        let forms = CountyForms {
            names: &form,
            names_errors: &errors,
            moving: &MoveForm::default(),
            move_errors: &Vec::new(),
        };
        return render_county(&auth, StatusCode::BAD_REQUEST, id, forms).await;
    }
    let (who, now) = (auth.principal().clone(), auth.0.now());
    let f = form.clone();
    auth.0
        .state
        .db(move |conn| renaming::rename_county(conn, &who, id, &f.name_fi, &f.name_sv, now))
        .await?;
    Ok(auth.0.see_other_notice(
        &format!("/hallinta/hyvinvointialueet/{id}"),
        "notice.county_saved",
    ))
}

/// The move form's fields, read strictly: a region id and a date (YYYY-MM-DD, as the date
/// input sends it; 6.12.2026 typed by hand is read too).
fn parse_move(form: &MoveForm) -> Result<(i64, NaiveDate), FieldErrors> {
    let mut errors = Vec::new();
    let region = form.region_id.trim().parse::<i64>().ok();
    if region.is_none() {
        errors.push(("region_id", "regions.region_invalid"));
    }
    let day = parse_day(&form.valid_from);
    if day.is_none() {
        errors.push(("valid_from", "regions.date_invalid"));
    }
    match (region, day) {
        (Some(r), Some(d)) => Ok((r, d)),
        _ => Err(errors),
    }
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y"))
        .ok()
}

pub async fn move_county(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<MoveForm>,
) -> AppResult<HttpResponse> {
    require(&auth)?;
    let id = path.into_inner();
    let names = county_names(&auth, id).await?;
    let form = form.into_inner();
    let refused = |errors: FieldErrors| {
        let (auth, names, form) = (&auth, &names, &form);
        async move {
            let forms = CountyForms {
                names,
                names_errors: &Vec::new(),
                moving: form,
                move_errors: &errors,
            };
            render_county(auth, StatusCode::BAD_REQUEST, id, forms).await
        }
    };
    let (region_id, day) = match parse_move(&form) {
        Ok(v) => v,
        Err(errors) => return refused(errors).await,
    };
    let (who, now) = (auth.principal().clone(), auth.0.now());
    let result = auth
        .0
        .state
        .db(move |conn| moves::move_county(conn, &who, id, region_id, day, now))
        .await;
    match result {
        Ok(()) => Ok(auth.0.see_other_notice(
            &format!("/hallinta/hyvinvointialueet/{id}"),
            "notice.county_moved",
        )),
        Err(AppError::Invalid(key)) | Err(AppError::Conflict(key)) => {
            let field = if key.starts_with("regions.region") {
                "region_id"
            } else {
                "valid_from"
            };
            let key: &'static str = match key.as_str() {
                "regions.move_future" => "regions.move_future",
                "regions.move_too_early" => "regions.move_too_early",
                "regions.region_invalid" => "regions.region_invalid",
                "regions.region_national" => "regions.region_national",
                "regions.move_same_day" => "regions.move_same_day",
                "regions.move_no_change" => "regions.move_no_change",
                _ => "regions.date_invalid",
            };
            refused(vec![(field, key)]).await
        }
        Err(e) => Err(e),
    }
}

pub async fn undo_change(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    require(&auth)?;
    let change = path.into_inner();
    let (who, now) = (auth.principal().clone(), auth.0.now());
    let id = auth
        .0
        .state
        .db(move |conn| moves::county_of_change(conn, change))
        .await?;
    let result = auth
        .0
        .state
        .db(move |conn| moves::undo_change(conn, &who, change, now))
        .await;
    match result {
        Ok(_) => Ok(auth.0.see_other_notice(
            &format!("/hallinta/hyvinvointialueet/{id}"),
            "notice.county_move_undone",
        )),
        Err(AppError::Invalid(_)) => {
            let names = county_names(&auth, id).await?;
            let forms = CountyForms {
                names: &names,
                names_errors: &Vec::new(),
                moving: &MoveForm::default(),
                move_errors: &vec![("history", "regions.undo_only")],
            };
            render_county(&auth, StatusCode::BAD_REQUEST, id, forms).await
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_move_form_is_read_strictly() {
        let ok = MoveForm {
            region_id: "4".into(),
            valid_from: "2025-07-01".into(),
        };
        assert_eq!(
            parse_move(&ok).unwrap(),
            (4, NaiveDate::from_ymd_opt(2025, 7, 1).unwrap())
        );
        let typed = MoveForm {
            region_id: " 4 ".into(),
            valid_from: "1.7.2025".into(),
        };
        assert!(parse_move(&typed).is_ok());
        let bad = MoveForm {
            region_id: "x".into(),
            valid_from: "2025-13-01".into(),
        };
        assert_eq!(
            parse_move(&bad).unwrap_err(),
            vec![
                ("region_id", "regions.region_invalid"),
                ("valid_from", "regions.date_invalid")
            ]
        );
    }
}
