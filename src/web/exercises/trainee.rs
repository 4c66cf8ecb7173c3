//! The trainee's exercise actions: the forms of the lesson page (save, check, submit, revise,
//! self-assess, consent, ask for a review, e-mail), the page where a peer reviews an entry,
//! and the list of the trainee's exercises and reviews to do. A writing form that arrives
//! after the session ended keeps its text (`web::rescue`).

use super::section::FormState;
use super::Fields;
use crate::exercises::reviews::{self, Given};
use crate::exercises::{access, entries, model, notify, rescue, view};
use crate::web::ctx::{see_other, Auth, Ctx};
use crate::web::lesson_page::render_lesson;
use crate::{AppError, AppResult};
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::HttpResponse;

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
    let url = format!("/ryhmat/{cohort_id}/{slug}");
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
    let now = auth.0.now();
    let action = fields.text("action");
    let state = auth.0.state.clone();
    // Errors the context finds (besides those checked here first) show on the page too.
    let again = |errors: Vec<&'static str>, form: &'static str, fs: FormState| FormState {
        errors,
        error_form: Some(form),
        ..fs
    };
    match action.as_str() {
        "save" | "check" | "submit" => {
            let text = fields.text("body");
            let errors = entries::validate_body(&model::normalise(&text));
            let keep = FormState {
                text: Some(text.clone()),
                ..FormState::default()
            };
            if !errors.is_empty() {
                return render_lesson(
                    &auth,
                    cohort_id,
                    &slug,
                    None,
                    again(errors, "write", keep),
                    StatusCode::BAD_REQUEST,
                )
                .await;
            }
            let (w, s2, t2) = (who.clone(), slug.clone(), text.clone());
            let result = if action == "submit" {
                // A submission sent twice (a double click, a retry after a lost answer) is
                // made once and answered as the first was: "notice-key location".
                let answer = auth
                    .0
                    .create_once("exercise-submit", move |conn| {
                        let msg = state.messaging();
                        let (number, r) =
                            entries::submit(conn, &msg, &w, cohort_id, &s2, &t2, now)?;
                        let page = format!("/ryhmat/{cohort_id}/{s2}#palaute");
                        Ok(match (r.completed, number) {
                            (true, _) => {
                                format!("notice.ex_course_completed /ryhmat/{cohort_id}/")
                            }
                            (false, 1) => format!("notice.ex_submitted {page}"),
                            (false, _) => format!("notice.ex_revision_submitted {page}"),
                        })
                    })
                    .await;
                answer.map(Some)
            } else {
                auth.0
                    .state
                    .db(move |conn| {
                        entries::save_draft(conn, &w, cohort_id, &s2, &t2, now).map(|_| None)
                    })
                    .await
            };
            match result {
                Err(AppError::Invalid(key)) => {
                    let key = leak_key(&key);
                    render_lesson(
                        &auth,
                        cohort_id,
                        &slug,
                        None,
                        again(vec![key], "write", keep),
                        StatusCode::BAD_REQUEST,
                    )
                    .await
                }
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
        "self" => {
            let exercise = exercise_of(&auth, cohort_id, &slug).await?;
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
                return render_lesson(
                    &auth,
                    cohort_id,
                    &slug,
                    None,
                    again(errors, "self", keep),
                    StatusCode::BAD_REQUEST,
                )
                .await;
            }
            let (w, s2) = (who.clone(), slug.clone());
            let result = auth
                .0
                .state
                .db(move |conn| {
                    let msg = state.messaging();
                    reviews::self_assess(conn, &msg, &w, cohort_id, &s2, &given, now)
                })
                .await;
            match result {
                Err(AppError::Invalid(key)) => {
                    let key = leak_key(&key);
                    render_lesson(
                        &auth,
                        cohort_id,
                        &slug,
                        None,
                        again(vec![key], "self", keep),
                        StatusCode::BAD_REQUEST,
                    )
                    .await
                }
                Err(e) => Err(e),
                Ok(r) if r.completed => Ok(auth.0.see_other_notice(
                    &format!("/ryhmat/{cohort_id}/"),
                    "notice.ex_course_completed",
                )),
                Ok(_) => Ok(auth
                    .0
                    .see_other_notice(&format!("{url}#itsearvio"), "notice.ex_self_saved")),
            }
        }
        "consent" => {
            let on = fields.get("consent") == Some("1");
            let (w, s2) = (who.clone(), slug.clone());
            auth.0
                .state
                .db(move |conn| entries::set_consent(conn, &w, cohort_id, &s2, on, now))
                .await?;
            let key = if on {
                "notice.ex_consent_given"
            } else {
                "notice.ex_consent_withdrawn"
            };
            Ok(auth.0.see_other_notice(&format!("{url}#julkaisulupa"), key))
        }
        "request_review" => {
            let (w, s2) = (who.clone(), slug.clone());
            let got = auth
                .0
                .state
                .db(move |conn| {
                    let msg = state.messaging();
                    entries::request_review(conn, &msg, &w, cohort_id, &s2, now)
                })
                .await;
            match got {
                Ok(true) => Ok(auth.0.see_other_notice(
                    &format!("{url}#vertaisarviot"),
                    "notice.ex_review_given_to_you",
                )),
                Ok(false) => Ok(auth.0.see_other_notice(
                    &format!("{url}#vertaisarviot"),
                    "notice.ex_no_entry_to_review",
                )),
                Err(AppError::Invalid(key)) => {
                    let key = leak_key(&key);
                    render_lesson(
                        &auth,
                        cohort_id,
                        &slug,
                        None,
                        again(vec![key], "request", FormState::default()),
                        StatusCode::BAD_REQUEST,
                    )
                    .await
                }
                Err(e) => Err(e),
            }
        }
        _ => Err(AppError::invalid("ex.unknown_action")),
    }
}

/// The message keys the context returns are `'static` strings; map them back to one.
fn leak_key(key: &str) -> &'static str {
    KNOWN_KEYS
        .iter()
        .copied()
        .find(|k| *k == key)
        .unwrap_or("ex.could_not_save")
}

/// Every key the exercise context refuses with.
const KNOWN_KEYS: &[&str] = &[
    "ex.body_empty",
    "ex.too_long",
    "ex.text_invalid",
    "ex.no_more_versions",
    "ex.revision_same",
    "ex.submit_first",
    "ex.no_review_needed",
    "ex.rate_every_criterion",
    "ex.comment_empty",
    "ex.comment_too_short",
    "ex.review_done",
    "ex.review_expired",
    "ex.quote_too_long",
    "ex.quote_not_in_entry",
    "ex.not_submitted",
    "ex.reason_empty",
    "ex.only_peer_reviews_hide",
    "ex.no_consent",
    "ex.assess_first",
    "ex.example_title_invalid",
    "ex.example_entry_empty",
    "ex.example_feedback_empty",
    "guard.identity_code",
    "guard.phone",
    "guard.email",
];

pub(super) fn static_key(key: &str) -> &'static str {
    leak_key(key)
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

fn rescue_cookie(ctx: &Ctx, value: String, max_age: CookieDuration) -> Cookie<'static> {
    Cookie::build(crate::web::rescue::COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(ctx.state.config.secure_cookies)
        .max_age(max_age)
        .finish()
}

/// After a save or a submission the rescued text has served its purpose.
fn clear_rescue(ctx: &Ctx, mut res: HttpResponse) -> HttpResponse {
    let _ = res.add_removal_cookie(&rescue_cookie(ctx, String::new(), CookieDuration::ZERO));
    res
}

/// The writing form arrived without a session: keep the text (if the form's rescue token is
/// right and the text identifies nobody) and send the writer to sign in; it is back in the
/// form afterwards.
async fn rescue_text(
    ctx: &Ctx,
    cohort_id: i64,
    slug: &str,
    fields: &Fields,
) -> AppResult<HttpResponse> {
    let user_id: i64 = fields
        .get(crate::web::rescue::FIELD_USER)
        .and_then(|v| v.parse().ok())
        .ok_or(AppError::Unauthorized)?;
    let token = fields.text(crate::web::rescue::FIELD_TOKEN);
    if !crate::web::rescue::check(&ctx.state.config.secret, user_id, cohort_id, slug, &token) {
        return Err(AppError::Unauthorized);
    }
    let text = model::normalise(&fields.text("body"));
    let next = format!("/ryhmat/{cohort_id}/{slug}#harjoitus");
    let login = format!(
        "/login?next={}",
        crate::web::frame::response::urlencode(&next)
    );
    let errors = entries::validate_body(&text);
    if !errors.is_empty() {
        // Nothing is kept: the text comes back on this page only, to copy.
        let mut c = tera::Context::new();
        c.insert("text", &text);
        c.insert("errors", &errors);
        c.insert("login", &login);
        return ctx.render_status(StatusCode::UNAUTHORIZED, "exercises/rescue.html", c);
    }
    let now = ctx.now();
    let slug2 = slug.to_string();
    let token = ctx
        .state
        .db(move |conn| {
            let lesson_id = access::lesson_id(conn, cohort_id, &slug2)?;
            rescue::store(conn, user_id, cohort_id, lesson_id, &text, now)
        })
        .await?;
    let mut res = ctx.see_other_notice(&login, "notice.ex_rescued");
    let _ = res.add_cookie(&rescue_cookie(
        ctx,
        token,
        CookieDuration::hours(rescue::KEEP_HOURS),
    ));
    Ok(res)
}

fn render_review(
    auth: &Auth,
    status: StatusCode,
    review_id: i64,
    data: (view::ForReviewer, access::Place),
    errors: &[&str],
    form: Option<&Given>,
) -> AppResult<HttpResponse> {
    let (shown, place) = data;
    let mut c = tera::Context::new();
    let levels = form.map_or_else(|| shown.review.levels.clone(), |g| g.levels.clone());
    let comment = form.map_or_else(|| shown.review.comment.clone(), |g| g.comment.clone());
    c.insert("review_id", &review_id);
    c.insert("shown", &shown);
    c.insert("place", &place);
    c.insert("levels", &levels);
    c.insert("comment", &comment);
    c.insert("errors", errors);
    auth.0.render_status(status, "exercises/review.html", c)
}

async fn load_review(auth: &Auth, review_id: i64) -> AppResult<(view::ForReviewer, access::Place)> {
    let who = auth.principal().clone();
    auth.0
        .state
        .db(move |conn| {
            let (review, entry, place) = reviews::assignment(conn, &who, review_id)?;
            let shown = view::for_reviewer(conn, &place, &review, &entry)?;
            Ok((shown, place))
        })
        .await
}

/// The page where a peer reviews the entry given to them (nobody's name on it).
pub async fn review_page(auth: Auth, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let review_id = path.into_inner();
    let data = load_review(&auth, review_id).await?;
    render_review(&auth, StatusCode::OK, review_id, data, &[], None)
}

pub async fn review_send(auth: Auth, path: web::Path<i64>, body: Bytes) -> AppResult<HttpResponse> {
    let review_id = path.into_inner();
    let fields = Fields::parse(&body);
    let data = load_review(&auth, review_id).await?;
    let given = Given {
        levels: fields.levels(data.1.exercise.rubric.len()),
        comment: fields.text("comment"),
        quote: String::new(),
    };
    let (_, errors) = reviews::validate(&data.1.exercise, &given, true);
    if !errors.is_empty() {
        return render_review(
            &auth,
            StatusCode::BAD_REQUEST,
            review_id,
            data,
            &errors,
            Some(&given),
        );
    }
    let who = auth.principal().clone();
    let now = auth.0.now();
    let state = auth.0.state.clone();
    let g2 = given.clone();
    let cohort_id = data.1.cohort.id;
    // Sent twice, a review is stored once and answered as the first was.
    let result = auth
        .0
        .create_once("exercise-review", move |conn| {
            let msg = state.messaging();
            let r = reviews::peer_review(conn, &msg, &who, review_id, &g2, now)?;
            Ok(if r.completed {
                format!("notice.ex_course_completed /ryhmat/{cohort_id}/")
            } else {
                "notice.ex_review_sent /harjoitukset".to_string()
            })
        })
        .await;
    match result {
        Ok(answer) => {
            let (key, location) = answer.split_once(' ').unwrap_or(("", &answer));
            Ok(auth.0.see_other_notice(location, key))
        }
        Err(AppError::Invalid(key)) => {
            let key = leak_key(&key);
            render_review(
                &auth,
                StatusCode::BAD_REQUEST,
                review_id,
                data,
                &[key],
                Some(&given),
            )
        }
        Err(e) => Err(e),
    }
}

/// The trainee's exercises: reviews to do (and done), their own entries, exercise e-mail.
pub async fn mine(auth: Auth) -> AppResult<HttpResponse> {
    let uid = auth.principal().user_id;
    let (owed, entries, mail_off) = auth
        .0
        .state
        .db(move |conn| {
            Ok((
                view::owed_by(conn, uid, None)?,
                view::my_entries(conn, uid)?,
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
