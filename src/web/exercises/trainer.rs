//! The trainer's and overseer's exercise pages: a cohort's exercises with their figures and
//! entries, one entry with its versions and every review (with names), the trainer's
//! assessment, hiding an unhelpful peer review with a reason, and publishing an assessed entry
//! as an example in the knowledge bank (with the writer's consent).

use super::keys::static_key;
use super::Fields;
use crate::cohorts;
use crate::exercises::figures;
use crate::exercises::reviews::{self, Given};
use crate::exercises::rubric_chart::{self, ChartText};
use crate::exercises::{access, checker, examples, policy, view};
use crate::web::ctx::{see_other, Auth};
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::HttpResponse;

/// A cohort's exercises in figures, with every entry and its writer.
pub async fn cohort_page(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let cohort_id = path.into_inner();
    let who = auth.principal().clone();
    let (cohort, role, list) = auth
        .0
        .state
        .db(move |conn| {
            let cohort = cohorts::find(conn, cohort_id)?;
            let role = cohorts::role_in(conn, &who, &cohort)?.ok_or(AppError::NotFound)?;
            if !policy::can_oversee(role) {
                return Err(AppError::Forbidden);
            }
            let list = figures::for_cohort(conn, cohort.id, cohort.course_id)?;
            Ok((cohort, role, list))
        })
        .await?;
    let text = ChartText {
        title: &auth.0.t("ex.chart_title"),
        lowest: &auth.0.t("ex.chart_lowest"),
        highest: &auth.0.t("ex.chart_highest"),
        ratings: &auth.0.t("ex.chart_ratings"),
    };
    let charts: Vec<String> = list
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let title = format!("{}: {}", text.title, f.lesson_title);
            let t = ChartText {
                title: &title,
                ..text
            };
            rubric_chart::chart(&f.criteria, &t, auth.0.lang, &format!("chart-{i}"))
        })
        .collect();
    let mut c = tera::Context::new();
    c.insert("cohort", &cohort);
    c.insert("role", &role);
    c.insert("exercises", &list);
    c.insert("charts", &charts);
    c.insert("manages", &cohorts::manages(auth.principal(), &cohort));
    auth.0.render("exercises/cohort.html", c)
}

/// What the entry page needs.
struct EntryPage {
    place: access::Place,
    shown: view::entry::ForTrainer,
    sentences: Vec<String>,
}

async fn load_entry(auth: &Auth, entry_id: i64) -> AppResult<EntryPage> {
    let who = auth.principal().clone();
    auth.0
        .state
        .db(move |conn| {
            let (place, entry) = access::entry(conn, &who, entry_id)?;
            if !policy::can_oversee(place.role) {
                return Err(AppError::NotFound);
            }
            let shown = view::entry::for_trainer(conn, &place, &entry)?;
            let sentences = shown
                .versions
                .last()
                .map(|v| {
                    checker::sentences(&v.body)
                        .into_iter()
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            Ok(EntryPage {
                place,
                shown,
                sentences,
            })
        })
        .await
}

/// Form values to show again after an error.
#[derive(Default)]
struct Kept {
    given: Option<Given>,
    errors: Vec<&'static str>,
    /// The review whose hiding failed, and the reason typed.
    hide: Option<(i64, String)>,
}

fn render_entry(
    auth: &Auth,
    status: StatusCode,
    page: EntryPage,
    kept: Kept,
) -> AppResult<HttpResponse> {
    let assessment = page.shown.assessment.as_ref();
    let levels = kept.given.as_ref().map_or_else(
        || {
            assessment.map_or_else(
                || vec![None; page.place.exercise.rubric.len()],
                |a| a.levels.clone(),
            )
        },
        |g| g.levels.clone(),
    );
    let comment = kept.given.as_ref().map_or_else(
        || assessment.map(|a| a.comment.clone()).unwrap_or_default(),
        |g| g.comment.clone(),
    );
    let quote = kept.given.as_ref().map_or_else(
        || assessment.map(|a| a.quote.clone()).unwrap_or_default(),
        |g| g.quote.clone(),
    );
    let mut c = tera::Context::new();
    c.insert(
        "may_assess",
        &(policy::can_assess(page.place.role) && page.place.exercise.review.trainer()),
    );
    c.insert("may_moderate", &policy::can_moderate(page.place.role));
    c.insert("place", &page.place);
    c.insert("shown", &page.shown);
    c.insert("sentences", &page.sentences);
    c.insert("levels", &levels);
    c.insert("comment", &comment);
    c.insert("quote", &quote);
    c.insert("errors", &kept.errors);
    c.insert("hide_review", &kept.hide.as_ref().map(|h| h.0));
    c.insert("hide_reason", &kept.hide.map(|h| h.1).unwrap_or_default());
    auth.0.render_status(status, "exercises/entry.html", c)
}

/// One entry: who wrote it, its versions, every review with names, the assessment form.
pub async fn entry_page(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let page = load_entry(&auth, path.into_inner()).await?;
    render_entry(&auth, StatusCode::OK, page, Kept::default())
}

/// The trainer's assessment.
pub async fn assess(auth: Auth, path: web::Path<i64>, body: Bytes) -> AppResult<HttpResponse> {
    let entry_id = path.into_inner();
    let fields = Fields::parse(&body);
    let page = load_entry(&auth, entry_id).await?;
    if !policy::can_assess(page.place.role) || !page.place.exercise.review.trainer() {
        return Err(AppError::Forbidden);
    }
    let given = Given {
        levels: fields.levels(page.place.exercise.rubric.len()),
        comment: fields.text("comment"),
        quote: fields.text("quote"),
    };
    let latest = page
        .shown
        .versions
        .last()
        .map(|v| v.body.clone())
        .unwrap_or_default();
    let (_, errors) = reviews::validate_assessment(&page.place.exercise, &given, &latest);
    if !errors.is_empty() {
        let kept = Kept {
            given: Some(given),
            errors,
            hide: None,
        };
        return render_entry(&auth, StatusCode::BAD_REQUEST, page, kept);
    }
    let who = auth.principal().clone();
    let now = auth.0.now();
    let state = auth.0.state.clone();
    let g2 = given.clone();
    let result = auth
        .0
        .state
        .db(move |conn| {
            let msg = state.messaging();
            reviews::trainer_assess(conn, &msg, &who, entry_id, &g2, now)
        })
        .await;
    match result {
        Ok(_) => Ok(auth.0.see_other_notice(
            &format!("/harjoitukset/vastaus/{entry_id}#arvio"),
            "notice.ex_assessment_saved",
        )),
        Err(AppError::Invalid(key)) => {
            let kept = Kept {
                given: Some(given),
                errors: vec![static_key(&key)],
                hide: None,
            };
            render_entry(&auth, StatusCode::BAD_REQUEST, page, kept)
        }
        Err(e) => Err(e),
    }
}

/// Hides a peer review with a reason (`action=hide`) or shows it again (`action=restore`).
pub async fn moderate_review(
    auth: Auth,
    path: web::Path<(i64, String)>,
    body: Bytes,
) -> AppResult<HttpResponse> {
    let (review_id, action) = path.into_inner();
    let fields = Fields::parse(&body);
    let reason = fields.text("reason");
    let hide = match action.as_str() {
        "piilota" => Some(reason.clone()),
        "palauta" => None,
        _ => return Err(AppError::NotFound),
    };
    if hide.is_some() {
        let errors = reviews::check_reason(&crate::exercises::model::normalise(&reason));
        if !errors.is_empty() {
            let who = auth.principal().clone();
            let entry_id = auth
                .0
                .state
                .db(move |conn| {
                    use crate::db::schema_exercises::exercise_reviews as er;
                    use diesel::prelude::*;
                    let entry_id: i64 =
                        er::table.find(review_id).select(er::entry_id).first(conn)?;
                    access::entry(conn, &who, entry_id)?;
                    Ok(entry_id)
                })
                .await?;
            let page = load_entry(&auth, entry_id).await?;
            if !policy::can_moderate(page.place.role) {
                return Err(AppError::Forbidden);
            }
            let kept = Kept {
                given: None,
                errors,
                hide: Some((review_id, reason)),
            };
            return render_entry(&auth, StatusCode::BAD_REQUEST, page, kept);
        }
    }
    let who = auth.principal().clone();
    let now = auth.0.now();
    let entry_id = auth
        .0
        .state
        .db(move |conn| reviews::set_hidden(conn, &who, review_id, hide.as_deref(), now))
        .await?;
    let key = if action == "piilota" {
        "notice.ex_review_hidden"
    } else {
        "notice.ex_review_restored"
    };
    Ok(auth
        .0
        .see_other_notice(&format!("/harjoitukset/vastaus/{entry_id}#arviot"), key))
}

#[expect(
    clippy::too_many_arguments,
    reason = "the publish form's parts, private"
)]
fn render_publish(
    auth: &Auth,
    status: StatusCode,
    entry_id: i64,
    place: &access::Place,
    draft: &examples::Draft,
    live: Option<(i64, bool)>,
    errors: &[&str],
    preview: bool,
) -> AppResult<HttpResponse> {
    let mut c = tera::Context::new();
    c.insert("entry_id", &entry_id);
    c.insert("place", place);
    c.insert("draft", draft);
    c.insert("example", &live);
    c.insert("errors", errors);
    c.insert(
        "preview_html",
        &preview.then(|| crate::courses::markdown::render_user(&draft.feedback)),
    );
    auth.0.render_status(status, "exercises/publish.html", c)
}

pub async fn publish_form(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let entry_id = path.into_inner();
    let who = auth.principal().clone();
    let (place, draft, live) = auth
        .0
        .state
        .db(move |conn| {
            let (place, entry, review) = examples::publishable(conn, &who, entry_id)?;
            let draft = examples::draft(conn, &place, &entry, &review)?;
            let live = examples::for_entry(conn, entry.id)?;
            Ok((place, draft, live))
        })
        .await?;
    render_publish(
        &auth,
        StatusCode::OK,
        entry_id,
        &place,
        &draft,
        live,
        &[],
        false,
    )
}

pub async fn publish(auth: Auth, path: web::Path<i64>, body: Bytes) -> AppResult<HttpResponse> {
    let entry_id = path.into_inner();
    let fields = Fields::parse(&body);
    let draft = examples::Draft {
        title: fields.text("title").trim().to_string(),
        entry_text: crate::exercises::model::normalise(&fields.text("entry_text")),
        feedback: crate::exercises::model::normalise(&fields.text("feedback")),
    };
    let who = auth.principal().clone();
    let w2 = who.clone();
    let (place, live) = auth
        .0
        .state
        .db(move |conn| {
            let (place, entry, _) = examples::publishable(conn, &w2, entry_id)?;
            Ok((place, examples::for_entry(conn, entry.id)?))
        })
        .await?;
    let errors = draft.validate();
    let preview = fields.get("action") == Some("preview");
    if preview || !errors.is_empty() {
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        };
        return render_publish(&auth, status, entry_id, &place, &draft, live, &errors, true);
    }
    let now = auth.0.now();
    let id = auth
        .0
        .state
        .db(move |conn| examples::publish(conn, &who, entry_id, &draft, now))
        .await?;
    Ok(auth.0.see_other_notice(
        &format!("/tietopankki/esimerkit/{id}"),
        "notice.ex_example_published",
    ))
}

pub async fn withdraw(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let entry_id = path.into_inner();
    let who = auth.principal().clone();
    let now = auth.0.now();
    auth.0
        .state
        .db(move |conn| examples::withdraw(conn, &who, entry_id, now))
        .await?;
    Ok(see_other(&format!(
        "/harjoitukset/vastaus/{entry_id}#julkaisu"
    )))
}
