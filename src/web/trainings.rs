//! The expert's trainings: planning one (`/asiantuntija/koulutukset/uusi`), logging one held
//! without the app (`POST /asiantuntija/koulutukset`), and a training's own page
//! (`/koulutukset/{id}`) for its expert and the area's coordinators: the attendance code and
//! its QR code, the sign-ins, the feedback, inviting colleagues, correcting and deleting.

use super::ctx::{Auth, Ctx};
use crate::accounts::audit;
use crate::network::trainings::lists::Listed;
use crate::network::trainings::{self, attendance, code, Actor, Draft, Training, PROFESSIONS};
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

pub fn register(t: &mut super::route_table::RouteTable) {
    t.post("/asiantuntija/koulutukset", log);
    t.get("/asiantuntija/koulutukset/uusi", new_form);
    t.post("/asiantuntija/koulutukset/uusi", plan);
    t.get("/koulutukset/{id}", show);
    t.get("/koulutukset/{id}/naytto", display);
    t.get("/koulutukset/{id}/muokkaa", edit_form);
    t.post("/koulutukset/{id}/muokkaa", edit);
    t.get("/koulutukset/{id}/poista", delete_form);
    t.post("/koulutukset/{id}/poista", delete);
    t.post("/koulutukset/{id}/koodi", toggle_code);
    t.post("/koulutukset/{id}/kutsu", invite);
    t.get("/koulutukset/{id}/osallistujat.csv", attendees_csv);
    t.post(
        "/koulutukset/{id}/osallistujat/{attendance}/poista",
        remove_attendee,
    );
}

/// The form as typed, kept to show again with the problems.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Form {
    pub organisation_id: String,
    pub unit: String,
    pub held_on: String,
    pub starts: String,
    pub ends: String,
    pub themes: Vec<String>,
    pub place: String,
    pub remote: bool,
    pub planned_size: String,
    pub participants: String,
    pub notes: String,
    pub confirm_over_staff: bool,
}

fn first(fields: &[(String, String)], name: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

impl Form {
    pub fn parse(fields: &[(String, String)]) -> Form {
        Form {
            organisation_id: first(fields, "organisation_id"),
            unit: first(fields, "unit"),
            held_on: first(fields, "held_on"),
            starts: first(fields, "starts"),
            ends: first(fields, "ends"),
            // `theme` is the older single-choice form's name.
            themes: fields
                .iter()
                .filter(|(k, _)| k == "themes" || k == "theme")
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect(),
            place: first(fields, "place"),
            remote: first(fields, "remote") == "1",
            planned_size: first(fields, "planned_size"),
            participants: first(fields, "participants"),
            notes: first(fields, "notes"),
            confirm_over_staff: first(fields, "confirm_over_staff") == "1",
        }
    }

    fn of(t: &Training) -> Form {
        let time = |at: Option<chrono::NaiveDateTime>| {
            at.map(|a| crate::i18n::format::helsinki(a).format("%H:%M").to_string())
                .unwrap_or_default()
        };
        Form {
            organisation_id: t.organisation_id.to_string(),
            unit: t.unit.clone(),
            held_on: t.held_on.to_string(),
            starts: time(t.starts_at),
            ends: time(t.ends_at),
            themes: t.theme_list(),
            place: t.place.clone(),
            remote: t.remote,
            planned_size: t.planned_size.map(|n| n.to_string()).unwrap_or_default(),
            participants: if t.is_held() {
                t.participants.to_string()
            } else {
                String::new()
            },
            notes: t.notes.clone(),
            confirm_over_staff: t.over_staff,
        }
    }

    /// The draft, and the fields that could not even be read.
    fn draft(&self) -> (Draft, Vec<&'static str>) {
        let mut errors = Vec::new();
        let held_on = NaiveDate::parse_from_str(self.held_on.trim(), "%Y-%m-%d").ok();
        let time = |s: &str, key: &'static str, errors: &mut Vec<&'static str>| {
            if s.trim().is_empty() {
                return None;
            }
            let t = NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
            if t.is_none() {
                errors.push(key);
            }
            t
        };
        let starts = time(&self.starts, "training.start_invalid", &mut errors);
        let ends = time(&self.ends, "training.end_invalid", &mut errors);
        let number = |s: &str, key: &'static str, errors: &mut Vec<&'static str>| {
            if s.trim().is_empty() {
                return None;
            }
            let n = s.trim().parse::<i32>().ok();
            if n.is_none() {
                errors.push(key);
            }
            n
        };
        let planned_size = number(&self.planned_size, "training.size_invalid", &mut errors);
        let participants = number(
            &self.participants,
            "training.participants_invalid",
            &mut errors,
        );
        (
            Draft {
                organisation_id: self.organisation_id.trim().parse().unwrap_or(0),
                unit: self.unit.clone(),
                held_on,
                starts,
                ends,
                themes: self.themes.clone(),
                place: self.place.clone(),
                remote: self.remote,
                planned_size,
                notes: self.notes.clone(),
                participants,
                confirm_over_staff: self.confirm_over_staff,
            },
            errors,
        )
    }
}

/// Which form: planning ahead, logging one held without the app, or correcting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Mode {
    Plan,
    Log,
    Edit,
}

async fn render_form(
    ctx: &Ctx,
    status: StatusCode,
    mode: Mode,
    form: &Form,
    errors: &[&str],
    training: Option<&Training>,
    organisations: Vec<(i64, String)>,
) -> AppResult<HttpResponse> {
    let mut c = tera::Context::new();
    c.insert("mode", &mode);
    c.insert("form", form);
    c.insert("errors", errors);
    c.insert("organisations", &organisations);
    c.insert("themes", &crate::knowledge_bank::THEMES[..5]);
    c.insert(
        "today",
        &crate::i18n::format::helsinki_date(ctx.now()).to_string(),
    );
    c.insert("training", &training);
    c.insert(
        "counted",
        &training.is_some_and(|t| t.is_counted() && t.participants > 0),
    );
    ctx.render_status(status, "trainings/form.html", c)
}

async fn own_organisations(auth: &Auth) -> AppResult<Vec<(i64, String)>> {
    let uid = auth.principal().user_id;
    auth.0
        .state
        .db(move |conn| trainings::organisation_choices(conn, uid))
        .await
}

#[derive(Deserialize)]
pub struct ModeQuery {
    pub tapa: Option<String>,
}

pub async fn new_form(auth: Auth, q: web::Query<ModeQuery>) -> AppResult<HttpResponse> {
    let mode = if q.tapa.as_deref() == Some("kirjaa") {
        Mode::Log
    } else {
        Mode::Plan
    };
    let orgs = own_organisations(&auth).await?;
    let form = Form {
        themes: Vec::new(),
        organisation_id: auth
            .principal()
            .organisation_id
            .map(|o| o.to_string())
            .unwrap_or_default(),
        starts: if mode == Mode::Plan {
            "09:00".into()
        } else {
            String::new()
        },
        ..Form::default()
    };
    render_form(&auth.0, StatusCode::OK, mode, &form, &[], None, orgs).await
}

/// Plans a training and opens its page.
pub async fn plan(auth: Auth, fields: web::Form<Vec<(String, String)>>) -> AppResult<HttpResponse> {
    save_new(auth, Form::parse(&fields), Mode::Plan).await
}

/// Logs a training held without the app (the number is marked reported).
pub async fn log(auth: Auth, fields: web::Form<Vec<(String, String)>>) -> AppResult<HttpResponse> {
    save_new(auth, Form::parse(&fields), Mode::Log).await
}

async fn save_new(auth: Auth, form: Form, mode: Mode) -> AppResult<HttpResponse> {
    let (draft, mut errors) = form.draft();
    let (uid, today, now) = (
        auth.principal().user_id,
        crate::i18n::format::helsinki_date(auth.0.now()),
        auth.0.now(),
    );
    if errors.is_empty() {
        let purpose = if mode == Mode::Plan {
            trainings::Purpose::Plan
        } else {
            trainings::Purpose::Log
        };
        let d = draft.clone();
        let problems = auth
            .0
            .state
            .db(move |conn| trainings::validate(conn, &Actor::Expert(uid), &d, purpose, today))
            .await?;
        if problems.is_empty() {
            // Once per form: a retry after a lost answer plans or logs the training once.
            let location = auth
                .0
                .create_once("training", move |conn| {
                    Ok(if mode == Mode::Plan {
                        let id = trainings::plan(conn, uid, &draft, today, now)?;
                        format!("/koulutukset/{id}")
                    } else {
                        trainings::log(conn, uid, &draft, today, now)?;
                        "/asiantuntija#koulutukset".to_string()
                    })
                })
                .await?;
            let key = if mode == Mode::Plan {
                "notice.training_planned"
            } else {
                "notice.training_logged"
            };
            return Ok(auth.0.see_other_notice(&location, key));
        }
        errors.extend(problems);
    }
    let orgs = own_organisations(&auth).await?;
    render_form(
        &auth.0,
        StatusCode::BAD_REQUEST,
        mode,
        &form,
        &errors,
        None,
        orgs,
    )
    .await
}

/// The training, if `auth` may see it (its expert, a coordinator of its area); 404 otherwise,
/// so guessed ids tell nothing.
async fn visible(auth: &Auth, id: i64) -> AppResult<(Training, bool)> {
    let who = auth.principal().clone();
    auth.0
        .state
        .db(move |conn| {
            let t = trainings::find(conn, id)?;
            match trainings::actor_for(conn, &who, &t)? {
                Some(Actor::Expert(_)) => Ok((t, true)),
                Some(Actor::Coordinator(_)) => Ok((t, false)),
                None => Err(AppError::NotFound),
            }
        })
        .await
}

/// The attendance page address of a code.
fn sign_in_url(ctx: &Ctx, code: &str) -> String {
    format!("{}/osallistu/{code}", ctx.state.config.base_url)
}

pub async fn show(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (t, own) = visible(&auth, id).await?;
    let (today, now) = (
        crate::i18n::format::helsinki_date(auth.0.now()),
        auth.0.now(),
    );
    let t2 = t.clone();
    let (listed, attendees, staff, survey) = auth
        .0
        .state
        .db(move |conn| {
            let listed = listed_one(conn, &t2)?;
            let attendees = attendance::attendees(conn, t2.id)?;
            let staff = attendance::staff_of(conn, &t2)?;
            // The feedback survey exists from the training's day on.
            let survey = if today >= t2.held_on && t2.code.is_some() {
                let s = crate::surveys::training::ensure(conn, &t2, now)?;
                let n = crate::surveys::training::responses(conn, s.id)?;
                Some((s, n))
            } else {
                None
            };
            Ok((listed, attendees, staff, survey))
        })
        .await?;
    let mut c = tera::Context::new();
    let state = t.code.as_ref().map(|_| code::code_state(&t, today));
    if let Some(code) = &t.code {
        let url = sign_in_url(&auth.0, code);
        c.insert(
            "qr",
            &super::qr::svg(&url, &auth.0.t("training.qr_label")).unwrap_or_default(),
        );
        c.insert("sign_in_url", &url);
    }
    c.insert("code_state", &state);
    c.insert("item", &listed);
    c.insert("t", &t);
    c.insert("own", &own);
    c.insert("attendees", &attendees);
    c.insert("staff", &staff);
    c.insert("survey", &survey.as_ref().map(|s| &s.0));
    c.insert("responses", &survey.as_ref().map(|s| s.1).unwrap_or(0));
    c.insert("min_group", &crate::surveys::results::MIN_GROUP);
    c.insert("is_today", &(t.held_on == today));
    c.insert("not_past", &(t.held_on >= today));
    c.insert(
        "themes_text",
        &listed
            .themes
            .iter()
            .map(|th| auth.0.t(&format!("theme.{th}")))
            .collect::<Vec<_>>()
            .join(", "),
    );
    auth.0.render("trainings/show.html", c)
}

fn listed_one(conn: &mut crate::db::AnyConnection, t: &Training) -> AppResult<Listed> {
    use crate::db::schema::{counties, organisations, users};
    use diesel::prelude::*;
    let (organisation, county): (String, String) = organisations::table
        .inner_join(counties::table)
        .filter(organisations::id.eq(t.organisation_id))
        .select((organisations::name, counties::name_fi))
        .first(conn)?;
    let expert: Option<String> = match t.user_id {
        Some(u) => users::table
            .find(u)
            .select(users::name)
            .first(conn)
            .optional()?,
        None => None,
    };
    Ok(Listed {
        themes: t.theme_list(),
        training: t.clone(),
        organisation,
        county,
        expert,
    })
}

/// The code and QR code large, for a projector at the start of the training.
pub async fn display(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let (t, _) = visible(&auth, path.into_inner()).await?;
    let Some(code) = t.code.clone() else {
        return Err(AppError::NotFound);
    };
    let url = sign_in_url(&auth.0, &code);
    let mut c = tera::Context::new();
    c.insert(
        "qr",
        &super::qr::svg(&url, &auth.0.t("training.qr_label")).unwrap_or_default(),
    );
    c.insert("code", &code);
    c.insert("sign_in_url", &url);
    c.insert(
        "short_url",
        &format!(
            "{}/osallistu",
            auth.0
                .state
                .config
                .base_url
                .trim_start_matches("https://")
                .trim_start_matches("http://")
        ),
    );
    c.insert("t", &t);
    c.insert(
        "code_state",
        &code::code_state(&t, crate::i18n::format::helsinki_date(auth.0.now())),
    );
    auth.0.render("trainings/display.html", c)
}

pub async fn edit_form(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let (t, _) = visible(&auth, path.into_inner()).await?;
    let orgs = editable_organisations(&auth, &t).await?;
    render_form(
        &auth.0,
        StatusCode::OK,
        Mode::Edit,
        &Form::of(&t),
        &[],
        Some(&t),
        orgs,
    )
    .await
}

/// The organisations a training may be moved to: the expert's own; for a coordinator, the
/// organisations of the counties they manage (with the training's own first).
async fn editable_organisations(auth: &Auth, t: &Training) -> AppResult<Vec<(i64, String)>> {
    let who = auth.principal().clone();
    let t = t.clone();
    auth.0
        .state
        .db(move |conn| {
            use crate::db::schema::{counties, organisations};
            use diesel::prelude::*;
            if t.user_id == Some(who.user_id) {
                let mut own = trainings::organisation_choices(conn, who.user_id)?;
                if !own.iter().any(|o| o.0 == t.organisation_id) {
                    let name: String = organisations::table
                        .find(t.organisation_id)
                        .select(organisations::name)
                        .first(conn)?;
                    own.insert(0, (t.organisation_id, name));
                }
                return Ok(own);
            }
            let rows: Vec<(i64, String, i64, i64)> = organisations::table
                .inner_join(counties::table)
                .filter(
                    organisations::active
                        .eq(true)
                        .or(organisations::id.eq(t.organisation_id)),
                )
                .order(organisations::name)
                .select((
                    organisations::id,
                    organisations::name,
                    counties::id,
                    counties::region_id,
                ))
                .load(conn)?;
            Ok(rows
                .into_iter()
                .filter(|r| {
                    who.manages_county(crate::accounts::policy::CountyPlace {
                        county_id: r.2,
                        region_id: r.3,
                    })
                })
                .map(|r| (r.0, r.1))
                .collect())
        })
        .await
}

pub async fn edit(
    auth: Auth,
    path: web::Path<i64>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (t, _) = visible(&auth, id).await?;
    let form = Form::parse(&fields);
    let (draft, mut errors) = form.draft();
    if errors.is_empty() {
        let who = auth.principal().clone();
        let (today, now) = (
            crate::i18n::format::helsinki_date(auth.0.now()),
            auth.0.now(),
        );
        let result = auth
            .0
            .state
            .db(move |conn| {
                let t = trainings::find(conn, id)?;
                let actor = trainings::actor_for(conn, &who, &t)?.ok_or(AppError::NotFound)?;
                trainings::correct(conn, &actor, id, &draft, today, now)
            })
            .await;
        match result {
            Ok(()) => {
                return Ok(auth
                    .0
                    .see_other_notice(&format!("/koulutukset/{id}"), "notice.training_saved"))
            }
            Err(AppError::Invalid(k)) => errors.push(message_key(&k)),
            Err(e) => return Err(e),
        }
    }
    let orgs = editable_organisations(&auth, &t).await?;
    render_form(
        &auth.0,
        StatusCode::BAD_REQUEST,
        Mode::Edit,
        &form,
        &errors,
        Some(&t),
        orgs,
    )
    .await
}

/// The catalogue key for a context's error (only keys it may produce).
fn message_key(k: &str) -> &'static str {
    const KEYS: [&str; 15] = [
        "training.date_invalid",
        "training.plan_date_invalid",
        "training.start_invalid",
        "training.end_invalid",
        "training.theme_invalid",
        "training.participants_invalid",
        "training.size_invalid",
        "training.unit_invalid",
        "training.place_invalid",
        "training.notes_invalid",
        "training.organisation_invalid",
        "training.over_staff_confirm",
        "training.counted_fixed",
        "training.number_before_day",
        "invite.invalid",
    ];
    KEYS.iter()
        .find(|x| **x == k)
        .copied()
        .unwrap_or("training.form_invalid")
}

pub async fn delete_form(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let (t, own) = visible(&auth, path.into_inner()).await?;
    let mut c = tera::Context::new();
    c.insert("t", &t);
    c.insert("own", &own);
    c.insert("errors", &Vec::<&str>::new());
    auth.0.render("trainings/delete.html", c)
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    pub confirm: String,
}

pub async fn delete(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<ConfirmForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (t, own) = visible(&auth, id).await?;
    if form.confirm != "1" {
        let mut c = tera::Context::new();
        c.insert("t", &t);
        c.insert("own", &own);
        c.insert("errors", &["training.delete_confirm"]);
        return auth
            .0
            .render_status(StatusCode::BAD_REQUEST, "trainings/delete.html", c);
    }
    let who = auth.principal().clone();
    let now = auth.0.now();
    auth.0
        .state
        .db(move |conn| {
            let t = trainings::find(conn, id)?;
            let actor = trainings::actor_for(conn, &who, &t)?.ok_or(AppError::NotFound)?;
            trainings::delete(conn, &actor, id, now)
        })
        .await?;
    let back = if own {
        "/asiantuntija#koulutukset"
    } else {
        "/verkosto"
    };
    Ok(auth.0.see_other_notice(back, "notice.training_deleted"))
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    pub action: String,
}

/// Closes the attendance code, or opens it again (its day only).
pub async fn toggle_code(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<CodeForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (t, _) = visible(&auth, id).await?;
    if t.code.is_none() {
        return Err(AppError::NotFound);
    }
    let close = match form.action.as_str() {
        "close" => true,
        "open" => false,
        _ => return Err(AppError::invalid("training.form_invalid")),
    };
    let now = auth.0.now();
    auth.0
        .state
        .db(move |conn| code::set_closed(conn, id, close, now))
        .await?;
    let key = if close {
        "notice.code_closed"
    } else {
        "notice.code_opened"
    };
    Ok(auth
        .0
        .see_other_notice(&format!("/koulutukset/{id}#osallistuminen"), key))
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    pub emails: String,
    #[serde(default)]
    pub language: String,
}

/// Invites colleagues by e-mail (through the outbox; no account is made). Each address once.
pub async fn invite(
    auth: Auth,
    path: web::Path<i64>,
    form: web::Form<InviteForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (t, _) = visible(&auth, id).await?;
    let lang = crate::i18n::Lang::parse(&form.language).unwrap_or(auth.0.lang);
    let emails = form.emails.clone();
    let state = auth.0.state.clone();
    let expert = auth.principal().name.clone();
    let now = auth.0.now();
    let result = auth
        .0
        .state
        .db(move |conn| {
            let msg = state.messaging();
            let listed = listed_one(conn, &t)?;
            trainings::invite::invite(conn, &msg, &listed, &expert, &emails, lang, now)
        })
        .await;
    match result {
        Ok(n) => Ok(auth.0.see_other_notice_n(
            &format!("/koulutukset/{id}#kutsu"),
            "notice.invitations_sent",
            n as i64,
        )),
        Err(AppError::Invalid(_)) => Ok(auth.0.see_other_notice(
            &format!("/koulutukset/{id}#kutsu"),
            "notice.invitations_invalid",
        )),
        Err(e) => Err(e),
    }
}

/// A training's sign-ins as CSV (names are personal data: every export is audit-logged).
pub async fn attendees_csv(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    visible(&auth, id).await?;
    let (actor, now) = (auth.principal().user_id, auth.0.now());
    let catalog = auth.0.state.templates.catalog(auth.0.lang).clone();
    let bytes = auth
        .0
        .state
        .db(move |conn| {
            let rows = attendance::attendees(conn, id)?;
            audit::record(
                conn,
                Some(actor),
                "training.attendance.export",
                &format!("training:{id}"),
                &format!("{} rows", rows.len()),
                now,
            )?;
            let mut out = Vec::from("\u{feff}".as_bytes());
            {
                let mut w = csv::WriterBuilder::new()
                    .delimiter(b';')
                    .from_writer(&mut out);
                w.write_record([
                    catalog.get("attendance.name"),
                    catalog.get("attendance.unit"),
                    catalog.get("attendance.profession"),
                    catalog.get("attendance.signed_in_at"),
                ])
                .map_err(anyhow::Error::from)?;
                for r in rows {
                    use crate::network::registry::neutralise;
                    w.write_record([
                        neutralise(&r.name),
                        neutralise(&r.unit),
                        catalog
                            .get(&format!("profession.{}", r.profession))
                            .to_string(),
                        crate::i18n::format::rfc3339(r.created_at),
                    ])
                    .map_err(anyhow::Error::from)?;
                }
                w.flush().map_err(anyhow::Error::from)?;
            }
            Ok(out)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"osallistujat.csv\"",
        ))
        .body(bytes))
}

pub async fn remove_attendee(auth: Auth, path: web::Path<(i64, i64)>) -> AppResult<HttpResponse> {
    let (id, attendance_id) = path.into_inner();
    visible(&auth, id).await?;
    let who = auth.principal().clone();
    let now = auth.0.now();
    auth.0
        .state
        .db(move |conn| {
            let t = trainings::find(conn, id)?;
            let actor = trainings::actor_for(conn, &who, &t)?.ok_or(AppError::NotFound)?;
            attendance::remove(conn, &actor, id, attendance_id, now)
        })
        .await?;
    Ok(auth.0.see_other_notice(
        &format!("/koulutukset/{id}#osallistujat"),
        "notice.attendee_removed",
    ))
}

/// The signed address of a calendar feed for the signed-in user.
pub async fn feed_url(
    auth: &Auth,
    feed: crate::network::trainings::calendar::Feed,
) -> AppResult<String> {
    let uid = auth.principal().user_id;
    let created = auth
        .0
        .state
        .db(move |conn| {
            use crate::db::schema::users;
            use diesel::prelude::*;
            Ok(users::table
                .find(uid)
                .select(users::created_at)
                .first::<chrono::NaiveDateTime>(conn)?)
        })
        .await?;
    let token = crate::network::trainings::calendar::token(
        &auth.0.state.config.secret,
        uid,
        created,
        feed,
        auth.0.lang,
        auth.0.now(),
    );
    Ok(format!(
        "{}/kalenteri/{token}.ics",
        auth.0.state.config.base_url
    ))
}

/// The professions, for the sign-in form.
pub fn professions() -> &'static [&'static str] {
    &PROFESSIONS
}
