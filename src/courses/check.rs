//! A `check` block: one self-check question in TOML, parsed and checked with every problem
//! reported at its place in the file.

use super::frontmatter::{parse_toml, CheckToml};
use super::lesson::{render, Block, Blocks, OffsetMap, Report};
use super::links::LinkContext;
use super::model::SelfCheck;

/// Parses and checks one `check` block; `None` (with diagnostics) when it is wrong.
pub(crate) fn compile_check(
    block: &Block,
    ctx: &LinkContext<'_>,
    report: &mut Report<'_>,
) -> Option<SelfCheck> {
    let diag = |report: &mut Report<'_>, offset: usize, message: String| {
        let offset = block.map.file_offset(offset);
        report.diags.push(report.source.diagnostic(offset, message));
    };
    let check: CheckToml = match parse_toml(&block.text, "check") {
        Ok(check) => check,
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
    if check.question.get_ref().trim().is_empty() {
        diag(
            report,
            check.question.span().start,
            "check: 'question' is empty".into(),
        );
    }
    let choices = check.choices.get_ref();
    let at_choices = check.choices.span().start;
    if choices.len() < 2 {
        let message = format!(
            "check: 'choices' needs at least 2 choices (found {})",
            choices.len()
        );
        diag(report, at_choices, message);
    }
    if let Some(i) = choices.iter().position(|c| c.trim().is_empty()) {
        diag(report, at_choices, format!("check: choice {i} is empty"));
    }
    let at_correct = check.correct.span().start;
    let mut correct = check.correct.get_ref().clone();
    if correct.is_empty() {
        let message = "check: 'correct' must list at least one index (zero-based)".into();
        diag(report, at_correct, message);
    }
    for &i in &correct {
        if i >= choices.len() {
            let message = format!(
                "check: 'correct' index {i} is out of range ({} choices)",
                choices.len()
            );
            diag(report, at_correct, message);
        }
    }
    correct.sort_unstable();
    if let Some(w) = correct.windows(2).find(|w| w.first() == w.get(1)) {
        let i = w.first().copied().unwrap_or_default();
        diag(
            report,
            at_correct,
            format!("check: 'correct' lists index {i} twice"),
        );
    }
    let explain = check.explain.get_ref();
    if explain.trim().is_empty() {
        let message = "check: 'explain' is empty: say why the answer is right".into();
        diag(report, check.explain.span().start, message);
    }
    let mut inner = Report {
        source: report.source,
        map: OffsetMap::Fixed(block.map.file_offset(check.explain.span().start)),
        diags: &mut *report.diags,
    };
    let explain_html = render(explain, ctx, &mut inner, Blocks::Plain).html;
    (report.diags.len() == before).then(|| SelfCheck {
        question: check.question.get_ref().trim().to_string(),
        choices: choices.iter().map(|c| c.trim().to_string()).collect(),
        correct,
        explain_html,
    })
}
