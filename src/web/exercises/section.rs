//! The exercise section of a lesson page: for a trainee the case, the task, the rubric, the
//! writing form with the checker's hints, and after submitting the model entry, the
//! self-assessment, the reviews as they arrive and the revision; for trainers and overseers
//! the exercise itself and a link to the cohort's entries. `lesson_page::render_lesson` asks for it.

use crate::cohorts::CohortRole;
use crate::courses::exercise_model::Exercise;
use crate::exercises::view::trainee::{for_trainee, TraineeView};
use crate::exercises::{access, notify, rescue};
use crate::web::ctx::Auth;
use crate::AppResult;
use serde::Serialize;

/// What the handler that renders the page knows beyond the database: a text to show again
/// after an error, the errors, whether to run the checker, the rescue cookie.
#[derive(Debug, Default, Clone)]
pub struct FormState {
    pub text: Option<String>,
    pub hints: bool,
    pub errors: Vec<&'static str>,
    /// Which form the errors belong to: `write`, `self`, `request`, `consent`.
    pub error_form: Option<&'static str>,
    pub self_levels: Vec<Option<usize>>,
    pub self_comment: Option<String>,
    pub rescue_cookie: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Section {
    pub exercise: Exercise,
    pub trainee: Option<TraineeView>,
    pub errors: Vec<&'static str>,
    pub error_form: Option<&'static str>,
    pub self_levels: Vec<Option<usize>>,
    pub self_comment: String,
    /// The text in the form came back from a session that ended.
    pub rescued: bool,
    pub rescue_token: String,
    pub rescue_user: i64,
    pub overview_url: Option<String>,
    pub mail_off: bool,
}

/// The section for the lesson, or None when the lesson has no exercise (`exercise` comes with
/// the published lesson; only the trainee's own state is read here).
pub async fn build(
    auth: &Auth,
    cohort_id: i64,
    slug: &str,
    lesson_id: i64,
    exercise: Option<&Exercise>,
    role: CohortRole,
    state: FormState,
) -> AppResult<Option<Section>> {
    let Some(exercise) = exercise.cloned() else {
        return Ok(None);
    };
    let who = auth.principal().clone();
    let uid = who.user_id;
    let now = auth.0.now();
    let slug2 = slug.to_string();
    let st = state.clone();
    let loaded = if role != CohortRole::Trainee {
        (None, false, false)
    } else {
        auth.0
            .state
            .db(move |conn| {
                let place = access::place(conn, &who, cohort_id, &slug2)?;
                let rescued = match &st.rescue_cookie {
                    Some(token) if st.text.is_none() => {
                        rescue::find(conn, token, uid, cohort_id, lesson_id, now)?
                    }
                    _ => None,
                };
                let was_rescued = rescued.is_some();
                let text = st.text.clone().or(rescued);
                let trainee = for_trainee(conn, &place, uid, text, st.hints)?;
                let mail_off = notify::opted_out(conn, uid)?;
                Ok((Some(trainee), was_rescued, mail_off))
            })
            .await?
    };
    let (trainee, rescued, mail_off) = loaded;
    let self_levels = if state.self_levels.is_empty() {
        trainee
            .as_ref()
            .and_then(|t| t.self_review.as_ref())
            .map(|r| r.levels.clone())
            .unwrap_or_else(|| vec![None; exercise.rubric.len()])
    } else {
        state.self_levels
    };
    let self_comment = state.self_comment.unwrap_or_else(|| {
        trainee
            .as_ref()
            .and_then(|t| t.self_review.as_ref())
            .map(|r| r.comment.clone())
            .unwrap_or_default()
    });
    let oversees = crate::exercises::policy::can_oversee(role);
    Ok(Some(Section {
        rescue_token: crate::web::rescue::token(&auth.0.state.config.secret, uid, cohort_id, slug),
        rescue_user: uid,
        overview_url: oversees.then(|| format!("/harjoitukset/ryhma/{cohort_id}#{slug}")),
        exercise,
        trainee,
        errors: state.errors,
        error_form: state.error_form,
        self_levels,
        self_comment,
        rescued,
        mail_off,
    }))
}
