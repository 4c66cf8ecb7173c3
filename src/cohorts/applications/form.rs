//! The application form: the organisations and counties an applicant may choose, and the
//! form's checks.

use crate::accounts;
use crate::cohorts::cohort::Cohort;
use crate::db::schema::{counties, organisations};
use crate::db::AnyConnection;
use crate::i18n::Lang;
use crate::network::names;
use crate::AppResult;
use diesel::prelude::*;

/// The application form as submitted.
#[derive(Debug, Clone, Default)]
pub struct ApplicationForm {
    pub name: String,
    pub email: String,
    pub language: Lang,
    pub organisation_id: Option<i64>,
    pub organisation_other: String,
    pub county_id: Option<i64>,
    pub manager_name: String,
    pub manager_email: String,
    pub motivation: String,
}

/// The organisations an applicant may choose: those of the cohort's region (a national cohort:
/// all), with their county (named in `lang`), by county and name.
pub fn organisation_choices(
    conn: &mut AnyConnection,
    cohort: &Cohort,
    lang: Lang,
) -> AppResult<Vec<(i64, String, i64, String)>> {
    let q = organisations::table
        .inner_join(counties::table)
        .filter(organisations::active.eq(true))
        .order((names::county(lang), organisations::name))
        .into_boxed();
    let q = match cohort.region_id {
        Some(r) if !is_national_region(conn, r)? => q.filter(counties::region_id.eq(r)),
        _ => q,
    };
    Ok(q.select((
        organisations::id,
        organisations::name,
        counties::id,
        names::county(lang),
    ))
    .load(conn)?)
}

/// The counties an applicant naming a missing organisation may choose from.
pub fn county_choices(
    conn: &mut AnyConnection,
    cohort: &Cohort,
    lang: Lang,
) -> AppResult<Vec<(i64, String)>> {
    let q = counties::table.order(names::county(lang)).into_boxed();
    let q = match cohort.region_id {
        Some(r) if !is_national_region(conn, r)? => q.filter(counties::region_id.eq(r)),
        _ => q,
    };
    Ok(q.select((counties::id, names::county(lang))).load(conn)?)
}

fn is_national_region(conn: &mut AnyConnection, region_id: i64) -> AppResult<bool> {
    use crate::db::schema::regions;
    Ok(regions::table
        .find(region_id)
        .select(regions::national)
        .first(conn)?)
}

/// Checks the form; every problem as a message key.
pub fn validate(
    conn: &mut AnyConnection,
    cohort: &Cohort,
    f: &ApplicationForm,
) -> AppResult<Vec<&'static str>> {
    let mut errors = Vec::new();
    if accounts::clean_name(&f.name).is_err() {
        errors.push("form.name_invalid");
    }
    let email = accounts::normalize_email(&f.email);
    if email.is_err() {
        errors.push("form.email_invalid");
    }
    let other = f.organisation_other.trim();
    match (f.organisation_id, other.is_empty()) {
        (Some(id), true) => {
            if !organisation_choices(conn, cohort, Lang::Fi)?
                .iter()
                .any(|o| o.0 == id)
            {
                errors.push("application.organisation_invalid");
            }
        }
        (None, false) => {
            if other.chars().count() > 200 || other.chars().any(char::is_control) {
                errors.push("organisation.name_invalid");
            }
            if !f.county_id.is_some_and(|c| {
                county_choices(conn, cohort, Lang::Fi)
                    .map(|cs| cs.iter().any(|x| x.0 == c))
                    .unwrap_or(false)
            }) {
                errors.push("application.county_invalid");
            }
        }
        _ => errors.push("application.organisation_choose"),
    }
    if cohort.manager_approval_required {
        if accounts::clean_name(&f.manager_name).is_err() {
            errors.push("application.manager_name_invalid");
        }
        match accounts::normalize_email(&f.manager_email) {
            Err(_) => errors.push("application.manager_email_invalid"),
            Ok(m) if email.as_ref().is_ok_and(|e| *e == m) => {
                errors.push("application.manager_is_applicant")
            }
            Ok(_) => {}
        }
    }
    if f.motivation.chars().count() > 2000 {
        errors.push("application.motivation_invalid");
    }
    Ok(errors)
}
