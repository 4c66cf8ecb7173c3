//! The page where a peer reviews the entry given to them (nobody's name on it), and sending
//! the review.

use super::keys::leak_key;
use super::Fields;
use crate::exercises::reviews::{self, Given};
use crate::exercises::{access, view};
use crate::web::ctx::Auth;
use crate::{AppError, AppResult};
use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::HttpResponse;

fn render_review(
    auth: &Auth,
    status: StatusCode,
    review_id: i64,
    data: (view::entry::ForReviewer, access::Place),
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

async fn load_review(
    auth: &Auth,
    review_id: i64,
) -> AppResult<(view::entry::ForReviewer, access::Place)> {
    let who = auth.principal().clone();
    auth.0
        .state
        .db(move |conn| {
            let (review, entry, place) = reviews::assignment(conn, &who, review_id)?;
            let shown = view::entry::for_reviewer(conn, &place, &review, &entry)?;
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
