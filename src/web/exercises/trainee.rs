//! The trainee's exercise actions: the forms of the lesson page (save, check, submit, revise,
//! self-assess, consent, ask for a review), the list of the trainee's exercises and reviews to
//! do, and exercise e-mail on or off. A writing form that arrives after the session ended keeps
//! its text (`rescue_form`); the peer review page is in `review`.

use super::keys::leak_key;
use super::rescue_form::{clear_rescue, rescue_text};
use super::section::FormState;
use super::Fields;
use crate::accounts::Principal;
use crate::exercises::reviews::{self, Given};
use crate::exercises::{access, entries, model, notify, view};
use crate::web::ctx::{see_other, Auth, Ctx};
use crate::web::lesson_page::render_lesson;
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::HttpResponse;
use chrono::NaiveDateTime;

/// The lesson page's exercise forms: `action` says which.
pub async fn lesson_post(
    ctx: Ctx,
    path: web::Path<(i64, String)>,
    body: Bytes,
) -> AppResult<HttpResponse> {
    let (cohort_id, slug) = path.into_inner();
    let fields = Fields::parse(&body);
    if ctx.principal.is_none() {
        return rescue_text(&ctx, cohort_id, &slug, &fields).await;
    }
    let auth = Auth(ctx);
    let who = auth.principal().clone();
    // A lesson without an exercise, or a cohort the caller has no role in: 404; only the
    // cohort's trainees write.
    let role = {
        let (w, s2) = (who.clone(), slug.clone());
        auth.0
            .state
            .db(move |conn| Ok(access::place(conn, &w, cohort_id, &s2)?.role))
            .await?
    };
    if !crate::exercises::policy::can_write(role) {
        return Err(AppError::Forbidden);
    }
    let lesson = PostedTo {
        auth: &auth,
        cohort_id,
        slug: &slug,
    };
    match fields.text("action").as_str() {
        action @ ("save" | "check" | "submit") => write(&lesson, &fields, action).await,
        "self" => self_assess(&lesson, &fields).await,
        "consent" => consent(&lesson, &fields).await,
        "request_review" => request_review(&lesson).await,
        _ => Err(AppError::invalid("ex.unknown_action")),
    }
}

/// The lesson a trainee's form was posted to.
struct PostedTo<'a> {
    auth: &'a Auth,
    cohort_id: i64,
    slug: &'a str,
}

impl PostedTo<'_> {
    fn url(&self) -> String {
        format!("/ryhmat/{}/{}", self.cohort_id, self.slug)
    }

    /// The lesson page again (400) with the errors on `form`, keeping what was typed. Errors
    /// the context finds (besides those checked here first) show on the page too.
    async fn again(
        &self,
        errors: Vec<&'static str>,
        form: &'static str,
        keep: FormState,
    ) -> AppResult<HttpResponse> {
        let state = FormState {
            errors,
            error_form: Some(form),
            ..keep
        };
        render_lesson(
            self.auth,
            self.cohort_id,
            self.slug,
            None,
            None,
            state,
            StatusCode::BAD_REQUEST,
        )
        .await
    }
}

/// `save` and `check` store the draft (`check` then shows the checker's hints); `submit`
/// submits the entry.
async fn write(lesson: &PostedTo<'_>, fields: &Fields, action: &str) -> AppResult<HttpResponse> {
    let (auth, cohort_id) = (lesson.auth, lesson.cohort_id);
    let url = lesson.url();
    let who = auth.principal().clone();
    let now = auth.0.now();
    let text = fields.text("body");
    let errors = entries::validate_body(&model::normalise(&text));
    let keep = FormState {
        text: Some(text.clone()),
        ..FormState::default()
    };
    if !errors.is_empty() {
        return lesson.again(errors, "write", keep).await;
    }
    let (w, s2, t2) = (who, lesson.slug.to_string(), text);
    let result = if action == "submit" {
        submit_once(auth, w, cohort_id, s2, t2, now).await.map(Some)
    } else {
        auth.0
            .state
            .db(move |conn| entries::save_draft(conn, &w, cohort_id, &s2, &t2, now).map(|_| None))
            .await
    };
    match result {
        Err(AppError::Invalid(key)) => lesson.again(vec![leak_key(&key)], "write", keep).await,
        Err(e) => Err(e),
        Ok(None) if action == "check" => Ok(clear_rescue(
            &auth.0,
            see_other(&format!("{url}?vinkit=1#harjoitus")),
        )),
        Ok(None) => Ok(clear_rescue(
            &auth.0,
            auth.0
                .see_other_notice(&format!("{url}#harjoitus"), "notice.ex_draft_saved"),
        )),
        Ok(Some(answer)) => {
            let (key, location) = answer.split_once(' ').unwrap_or(("", &answer));
            Ok(clear_rescue(
                &auth.0,
                auth.0.see_other_notice(location, key),
            ))
        }
    }
}

/// Submits the entry. A submission sent twice (a double click, a retry after a lost answer)
/// is made once and answered as the first was: "notice-key location".
async fn submit_once(
    auth: &Auth,
    who: Principal,
    cohort_id: i64,
    slug: String,
    text: String,
    now: NaiveDateTime,
) -> AppResult<String> {
    let state = auth.0.state.clone();
    auth.0
        .create_once("exercise-submit", move |conn| {
            let msg = state.messaging();
            let (number, r) = entries::submit(conn, &msg, &who, cohort_id, &slug, &text, now)?;
            let page = format!("/ryhmat/{cohort_id}/{slug}#palaute");
            Ok(match (r.completed, number) {
                (true, _) => {
                    format!("notice.ex_course_completed /ryhmat/{cohort_id}/")
                }
                (false, 1) => format!("notice.ex_submitted {page}"),
                (false, _) => format!("notice.ex_revision_submitted {page}"),
            })
        })
        .await
}

/// The trainee's self-assessment on the rubric.
async fn self_assess(lesson: &PostedTo<'_>, fields: &Fields) -> AppResult<HttpResponse> {
    let (auth, cohort_id) = (lesson.auth, lesson.cohort_id);
    let exercise = exercise_of(auth, cohort_id, lesson.slug).await?;
    let given = Given {
        levels: fields.levels(exercise.rubric.len()),
        comment: fields.text("comment"),
        quote: String::new(),
    };
    let keep = FormState {
        self_levels: given.levels.clone(),
        self_comment: Some(given.comment.clone()),
        ..FormState::default()
    };
    let (_, errors) = reviews::validate(&exercise, &given, false);
    if !errors.is_empty() {
        return lesson.again(errors, "self", keep).await;
    }
    let (w, s2) = (auth.principal().clone(), lesson.slug.to_string());
    let now = auth.0.now();
    let state = auth.0.state.clone();
    let result = auth
        .0
        .state
        .db(move |conn| {
            let msg = state.messaging();
            reviews::self_assess(conn, &msg, &w, cohort_id, &s2, &given, now)
        })
        .await;
    match result {
        Err(AppError::Invalid(key)) => lesson.again(vec![leak_key(&key)], "self", keep).await,
        Err(e) => Err(e),
        Ok(r) if r.completed => Ok(auth.0.see_other_notice(
            &format!("/ryhmat/{cohort_id}/"),
            "notice.ex_course_completed",
        )),
        Ok(_) => Ok(auth.0.see_other_notice(
            &format!("{}#itsearvio", lesson.url()),
            "notice.ex_self_saved",
        )),
    }
}

/// Consent to publish the entry as an example, given or withdrawn.
async fn consent(lesson: &PostedTo<'_>, fields: &Fields) -> AppResult<HttpResponse> {
    let (auth, cohort_id) = (lesson.auth, lesson.cohort_id);
    let on = fields.get("consent") == Some("1");
    let (w, s2) = (auth.principal().clone(), lesson.slug.to_string());
    let now = auth.0.now();
    auth.0
        .state
        .db(move |conn| entries::set_consent(conn, &w, cohort_id, &s2, on, now))
        .await?;
    let key = if on {
        "notice.ex_consent_given"
    } else {
        "notice.ex_consent_withdrawn"
    };
    Ok(auth
        .0
        .see_other_notice(&format!("{}#julkaisulupa", lesson.url()), key))
}

/// The trainee asks for one more entry to review.
async fn request_review(lesson: &PostedTo<'_>) -> AppResult<HttpResponse> {
    let (auth, cohort_id) = (lesson.auth, lesson.cohort_id);
    let (w, s2) = (auth.principal().clone(), lesson.slug.to_string());
    let now = auth.0.now();
    let state = auth.0.state.clone();
    let got = auth
        .0
        .state
        .db(move |conn| {
            let msg = state.messaging();
            entries::request_review(conn, &msg, &w, cohort_id, &s2, now)
        })
        .await;
    let peers = format!("{}#vertaisarviot", lesson.url());
    match got {
        Ok(true) => Ok(auth
            .0
            .see_other_notice(&peers, "notice.ex_review_given_to_you")),
        Ok(false) => Ok(auth
            .0
            .see_other_notice(&peers, "notice.ex_no_entry_to_review")),
        Err(AppError::Invalid(key)) => {
            lesson
                .again(vec![leak_key(&key)], "request", FormState::default())
                .await
        }
        Err(e) => Err(e),
    }
}

async fn exercise_of(
    auth: &Auth,
    cohort_id: i64,
    slug: &str,
) -> AppResult<crate::courses::exercise_model::Exercise> {
    let who = auth.principal().clone();
    let slug = slug.to_string();
    auth.0
        .state
        .db(move |conn| Ok(access::place(conn, &who, cohort_id, &slug)?.exercise))
        .await
}

/// The trainee's exercises: reviews to do (and done), their own entries, exercise e-mail.
pub async fn mine(auth: Auth) -> AppResult<HttpResponse> {
    let uid = auth.principal().user_id;
    let (owed, entries, mail_off) = auth
        .0
        .state
        .db(move |conn| {
            Ok((
                view::trainee::owed_by(conn, uid, None)?,
                view::trainee::my_entries(conn, uid)?,
                notify::opted_out(conn, uid)?,
            ))
        })
        .await?;
    let mut c = tera::Context::new();
    c.insert("owed", &owed);
    c.insert("entries", &entries);
    c.insert("mail_off", &mail_off);
    c.insert("now", &auth.0.now());
    auth.0.render("exercises/mine.html", c)
}

/// Exercise e-mail on or off.
pub async fn set_mail(auth: Auth, body: Bytes) -> AppResult<HttpResponse> {
    let fields = Fields::parse(&body);
    let on = match fields.get("mail") {
        Some("on") => true,
        Some("off") => false,
        _ => return Err(AppError::invalid("ex.mail_choice_invalid")),
    };
    let uid = auth.principal().user_id;
    let now = auth.0.now();
    auth.0
        .state
        .db(move |conn| notify::set_mail(conn, uid, on, now))
        .await?;
    let key = if on {
        "notice.ex_mail_on"
    } else {
        "notice.ex_mail_off"
    };
    Ok(auth.0.see_other_notice("/harjoitukset#sahkoposti", key))
}
