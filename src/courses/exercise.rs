//! An `exercise` block: a writing exercise in TOML (a fictive case, the task, the rubric, the
//! model entry, who reviews and what the lesson requires), parsed and checked with every
//! problem reported at its place in the file. The case and the model must not identify
//! anybody: the privacy guard reads them too.

use serde::Deserialize;
use toml::Spanned;

use super::blocks::{Block, OffsetMap, Report};
use super::exercise_model::{parse_phrase, Criterion, Exercise, Requirement, ReviewMode};
use super::frontmatter::parse_toml;
use super::lesson::{render, Blocks};
use super::links::LinkContext;

/// Limits that keep a rubric readable on a phone.
pub(crate) const MAX_CRITERIA: usize = 8;
pub(crate) const MIN_LEVELS: usize = 2;
pub(crate) const MAX_LEVELS: usize = 5;
pub(crate) const DEFAULT_PEER_REVIEWS: u32 = 2;
pub(crate) const MAX_PEER_REVIEWS: u32 = 5;
pub(crate) const DEFAULT_REVIEW_DAYS: u32 = 7;
pub(crate) const MAX_REVIEW_DAYS: u32 = 60;
const MAX_TASK_CHARS: usize = 1000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExerciseToml {
    case: Spanned<String>,
    task: Spanned<String>,
    rubric: Spanned<Vec<Spanned<CriterionToml>>>,
    model: Spanned<String>,
    model_notes: Option<Spanned<String>>,
    review: Spanned<String>,
    peer_reviews: Option<Spanned<u32>>,
    review_days: Option<Spanned<u32>>,
    required: Option<Spanned<Vec<String>>>,
    client_view: Option<Spanned<Vec<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CriterionToml {
    criterion: String,
    levels: Vec<String>,
    hint: Option<String>,
}

/// Plain text with line breaks as one kind: `\r\n` to `\n`, outer blank space trimmed.
pub(crate) fn plain(text: &str) -> String {
    text.replace("\r\n", "\n").trim().to_string()
}

/// Parses and checks one `exercise` block; `None` (with diagnostics) when it is wrong.
pub(crate) fn compile_exercise(
    block: &Block,
    ctx: &LinkContext<'_>,
    report: &mut Report<'_>,
) -> Option<Exercise> {
    let diag = |report: &mut Report<'_>, offset: usize, message: String| {
        let offset = block.map.file_offset(offset);
        report.diags.push(report.source.diagnostic(offset, message));
    };
    let ex: ExerciseToml = match parse_toml(&block.text, "exercise") {
        Ok(ex) => ex,
        Err(e) if e.message.contains("missing required key") => {
            let message = e.message;
            report
                .diags
                .push(report.source.diagnostic(block.fence_offset, message));
            return None;
        }
        Err(e) => {
            diag(report, e.offset, e.message);
            return None;
        }
    };
    let before = report.diags.len();
    for (value, key) in [(&ex.case, "case"), (&ex.task, "task"), (&ex.model, "model")] {
        if value.get_ref().trim().is_empty() {
            let message = format!("exercise: '{key}' is empty");
            diag(report, value.span().start, message);
        } else if let Some(found) = crate::privacy_guard::scan(value.get_ref()).first() {
            let message = format!(
                "exercise: '{key}' contains `{}`, which looks like real personal data (an \
                 identity code, a phone number or an e-mail address); the cases are fictive",
                found.text
            );
            diag(report, value.span().start, message);
        }
    }
    let task = plain(ex.task.get_ref());
    if task.chars().count() > MAX_TASK_CHARS || task.contains('\n') {
        let message = format!(
            "exercise: 'task' is one line of at most {MAX_TASK_CHARS} characters; put the \
             details in 'case'"
        );
        diag(report, ex.task.span().start, message);
    }
    let rubric = check_rubric(&ex, &diag, report);
    let review = ReviewMode::parse(ex.review.get_ref().trim());
    if review.is_none() {
        let message = format!(
            "exercise: review = \"{}\": use \"self\", \"peer\", \"trainer\" or \"peer+trainer\"",
            ex.review.get_ref()
        );
        diag(report, ex.review.span().start, message);
    }
    let peers = review.is_some_and(ReviewMode::peers);
    let number =
        |value: &Option<Spanned<u32>>, key: &str, default: u32, max: u32, r: &mut Report<'_>| {
            match value {
                Some(v) if !peers => {
                    let message = format!(
                        "exercise: '{key}' is only for exercises with peer review (review = \
                     \"peer\" or \"peer+trainer\")"
                    );
                    diag(r, v.span().start, message);
                    0
                }
                Some(v) if *v.get_ref() == 0 || *v.get_ref() > max => {
                    let message = format!("exercise: '{key}' must be from 1 to {max}");
                    diag(r, v.span().start, message);
                    0
                }
                Some(v) => *v.get_ref(),
                None if peers => default,
                None => 0,
            }
        };
    let peer_reviews = number(
        &ex.peer_reviews,
        "peer_reviews",
        DEFAULT_PEER_REVIEWS,
        MAX_PEER_REVIEWS,
        report,
    );
    let review_days = number(
        &ex.review_days,
        "review_days",
        DEFAULT_REVIEW_DAYS,
        MAX_REVIEW_DAYS,
        report,
    );
    let required = check_required(&ex, review, &diag, report);
    let client_view: Vec<String> = ex
        .client_view
        .as_ref()
        .map(|c| c.get_ref().clone())
        .unwrap_or_default();
    if let Some(c) = &ex.client_view {
        for phrase in c.get_ref() {
            if let Err(e) = parse_phrase(phrase) {
                diag(
                    report,
                    c.span().start,
                    format!("exercise: 'client_view': {e}"),
                );
            }
        }
    }
    let html = |text: &Spanned<String>, report: &mut Report<'_>| {
        let mut inner = Report {
            source: report.source,
            map: OffsetMap::Fixed(block.map.file_offset(text.span().start)),
            diags: &mut *report.diags,
        };
        render(text.get_ref(), ctx, &mut inner, Blocks::Plain).html
    };
    let case_html = html(&ex.case, report);
    let model_notes_html = ex.model_notes.as_ref().map(|n| html(n, report));
    (report.diags.len() == before).then(|| Exercise {
        case_html,
        task,
        rubric,
        model: plain(ex.model.get_ref()),
        model_notes_html,
        review: review.unwrap_or(ReviewMode::SelfOnly),
        peer_reviews,
        review_days,
        required,
        client_view,
    })
}

fn check_rubric(
    ex: &ExerciseToml,
    diag: &impl Fn(&mut Report<'_>, usize, String),
    report: &mut Report<'_>,
) -> Vec<Criterion> {
    let criteria = ex.rubric.get_ref();
    if criteria.is_empty() || criteria.len() > MAX_CRITERIA {
        let message = format!(
            "exercise: 'rubric' needs 1 to {MAX_CRITERIA} criteria (found {})",
            criteria.len()
        );
        diag(report, ex.rubric.span().start, message);
    }
    let mut out: Vec<Criterion> = Vec::new();
    for c in criteria {
        let at = c.span().start;
        let c = c.get_ref();
        let name = c.criterion.trim();
        if name.is_empty() {
            diag(report, at, "exercise: a rubric 'criterion' is empty".into());
        } else if out.iter().any(|o| o.criterion == name) {
            let message = format!("exercise: criterion `{name}` is in the rubric twice");
            diag(report, at, message);
        }
        let levels: Vec<String> = c.levels.iter().map(|l| l.trim().to_string()).collect();
        if levels.len() < MIN_LEVELS || levels.len() > MAX_LEVELS {
            let message = format!(
                "exercise: criterion `{name}` needs {MIN_LEVELS} to {MAX_LEVELS} levels, lowest \
                 first (found {})",
                levels.len()
            );
            diag(report, at, message);
        }
        if levels.iter().any(String::is_empty) {
            let message = format!("exercise: criterion `{name}` has an empty level");
            diag(report, at, message);
        }
        let mut sorted = levels.clone();
        sorted.sort();
        sorted.dedup();
        if sorted.len() != levels.len() {
            let message = format!("exercise: criterion `{name}` names a level twice");
            diag(report, at, message);
        }
        out.push(Criterion {
            criterion: name.to_string(),
            levels,
            hint: c
                .hint
                .as_deref()
                .map(str::trim)
                .filter(|h| !h.is_empty())
                .map(str::to_string),
        });
    }
    out
}

fn check_required(
    ex: &ExerciseToml,
    review: Option<ReviewMode>,
    diag: &impl Fn(&mut Report<'_>, usize, String),
    report: &mut Report<'_>,
) -> Vec<Requirement> {
    let Some(given) = &ex.required else {
        let mut default = vec![Requirement::SelfAssessment];
        if review.is_some_and(ReviewMode::peers) {
            default.push(Requirement::PeerReviews);
        }
        return default;
    };
    let at = given.span().start;
    let mut out = Vec::new();
    for name in given.get_ref() {
        match Requirement::parse(name.trim()) {
            None => {
                let message = format!(
                    "exercise: required = [\"{name}\", …]: use \"self\", \"peer\" or \"trainer\""
                );
                diag(report, at, message);
            }
            Some(r) if out.contains(&r) => {
                diag(
                    report,
                    at,
                    format!("exercise: 'required' lists \"{name}\" twice"),
                );
            }
            Some(Requirement::PeerReviews) if !review.is_some_and(ReviewMode::peers) => {
                let message = "exercise: 'required' has \"peer\" but nobody reviews as a peer \
                               (review = \"peer\" or \"peer+trainer\")";
                diag(report, at, message.into());
            }
            Some(Requirement::TrainerAssessment) if !review.is_some_and(ReviewMode::trainer) => {
                let message = "exercise: 'required' has \"trainer\" but the trainer does not \
                               assess (review = \"trainer\" or \"peer+trainer\")";
                diag(report, at, message.into());
            }
            Some(r) => out.push(r),
        }
    }
    out
}
