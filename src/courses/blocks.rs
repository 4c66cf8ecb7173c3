//! The fenced blocks a lesson lifts out of its text: the `summary` (the knowledge-bank page),
//! the `sources` (required: the lesson's own sources) and each `check` (a self-check in TOML).

use pulldown_cmark::{Event, Parser, Tag};

use super::frontmatter::{parse_toml, CheckToml};
use super::lesson::{render, Block, Blocks, OffsetMap, Rendered, Report};
use super::links::LinkContext;
use super::markdown::options;
use super::model::SelfCheck;

pub(crate) fn add_summary(
    rendered: &mut Rendered,
    summaries: Vec<Block>,
    ctx: &LinkContext<'_>,
    report: &mut Report<'_>,
) {
    let mut summaries = summaries.into_iter();
    let Some(summary) = summaries.next() else {
        return;
    };
    for extra in summaries {
        let message = "a second `summary` block: a lesson has at most one summary";
        report
            .diags
            .push(report.source.diagnostic(extra.fence_offset, message));
    }
    let markdown = summary.text.trim().to_string();
    if markdown.is_empty() {
        let message = "the `summary` block is empty: write the condensed lesson in it";
        report
            .diags
            .push(report.source.diagnostic(summary.fence_offset, message));
        return;
    }
    let mut inner = Report {
        source: report.source,
        map: summary.map,
        diags: &mut *report.diags,
    };
    let html = render(&summary.text, ctx, &mut inner, Blocks::Plain).html;
    rendered.summary_text = Some(super::markdown::plain_text(&markdown));
    rendered.summary_html = Some(html);
    rendered.summary_markdown = Some(markdown);
}

/// The `sources` block: at most one, and a Markdown list with at least one item (each item
/// one source: the act and section, or a page with the date it was checked).
pub(crate) fn add_sources(
    rendered: &mut Rendered,
    blocks: Vec<Block>,
    ctx: &LinkContext<'_>,
    report: &mut Report<'_>,
) {
    let mut blocks = blocks.into_iter();
    let Some(block) = blocks.next() else {
        return;
    };
    for extra in blocks {
        let message = "a second `sources` block: list every source of the lesson in one block";
        report
            .diags
            .push(report.source.diagnostic(extra.fence_offset, message));
    }
    let items = Parser::new_ext(&block.text, options())
        .filter(|e| matches!(e, Event::Start(Tag::Item)))
        .count();
    if items == 0 {
        let message = "the `sources` block has no list: write each source as a list item \
                       (`- Sosiaalihuoltolaki (1301/2014) 36 §`)";
        report
            .diags
            .push(report.source.diagnostic(block.fence_offset, message));
        // The block is there, only wrong: do not also report it missing.
        rendered.sources_html = Some(String::new());
        return;
    }
    let mut inner = Report {
        source: report.source,
        map: block.map,
        diags: &mut *report.diags,
    };
    rendered.sources_html = Some(render(&block.text, ctx, &mut inner, Blocks::Plain).html);
}

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
    let (line, _) = report.source.position(block.fence_offset);
    (report.diags.len() == before).then(|| SelfCheck {
        line,
        question: check.question.get_ref().trim().to_string(),
        choices: choices.iter().map(|c| c.trim().to_string()).collect(),
        correct,
        explain_html,
    })
}
