//! The fenced blocks a lesson lifts out of its text — the `summary` (the knowledge-bank page),
//! the `sources` (required: the lesson's own sources) and each `check` (a self-check in TOML) —
//! checked here, rendered by `lesson`; and where a cut-out text is in its file (`OffsetMap`,
//! `Report`), so every problem is reported at its file, line and column.

use pulldown_cmark::{Event, Parser, Tag};

use super::frontmatter::{parse_toml, CheckToml};
use super::markdown::options;
use super::model::Diagnostic;
use super::source::Source;

/// Maps byte offsets of a text that was cut out of a file back to offsets in the file.
#[derive(Debug, Clone)]
pub(crate) enum OffsetMap {
    /// Pieces of the text, each (offset in the text, offset in the file) where it begins.
    Pieces(Vec<(usize, usize)>),
    /// The whole text stands for one place in the file (a TOML string value).
    Fixed(usize),
}

impl OffsetMap {
    /// A text that is one contiguous piece of the file, starting at `file_offset`.
    pub(crate) fn contiguous(file_offset: usize) -> OffsetMap {
        OffsetMap::Pieces(vec![(0, file_offset)])
    }

    pub(crate) fn push(&mut self, text_offset: usize, file_offset: usize) {
        if let OffsetMap::Pieces(pieces) = self {
            pieces.push((text_offset, file_offset));
        }
    }

    pub(crate) fn file_offset(&self, text_offset: usize) -> usize {
        match self {
            OffsetMap::Fixed(at) => *at,
            OffsetMap::Pieces(pieces) => {
                let i = pieces.partition_point(|&(t, _)| t <= text_offset);
                match i.checked_sub(1).and_then(|i| pieces.get(i)) {
                    Some(&(t, f)) => f + (text_offset - t),
                    None => pieces.first().map_or(0, |&(_, f)| f),
                }
            }
        }
    }
}

/// Where diagnostics for one text go.
pub(crate) struct Report<'a> {
    pub(crate) source: &'a Source,
    pub(crate) map: OffsetMap,
    pub(crate) diags: &'a mut Vec<Diagnostic>,
}

impl Report<'_> {
    pub(crate) fn at(&mut self, text_offset: usize, message: impl Into<String>) {
        let offset = self.map.file_offset(text_offset);
        self.diags.push(self.source.diagnostic(offset, message));
    }
}

/// A lifted block: its text and where that text is in the file.
pub(crate) struct Block {
    pub(crate) text: String,
    pub(crate) map: OffsetMap,
    pub(crate) fence_offset: usize,
}

/// The `summary` block: at most one, not empty. The one to render, if any.
pub(crate) fn pick_summary(summaries: Vec<Block>, report: &mut Report<'_>) -> Option<Block> {
    let mut summaries = summaries.into_iter();
    let summary = summaries.next()?;
    for extra in summaries {
        let message = "a second `summary` block: a lesson has at most one summary";
        report
            .diags
            .push(report.source.diagnostic(extra.fence_offset, message));
    }
    if summary.text.trim().is_empty() {
        let message = "the `summary` block is empty: write the condensed lesson in it";
        report
            .diags
            .push(report.source.diagnostic(summary.fence_offset, message));
        return None;
    }
    Some(summary)
}

/// What a lesson's text has for sources.
pub(crate) enum Sources {
    Missing,
    /// There, but wrong (reported).
    Invalid,
    Valid(Block),
}

/// The `sources` block: at most one, and a Markdown list with at least one item (each item
/// one source: the act and section, or a page with the date it was checked).
pub(crate) fn pick_sources(blocks: Vec<Block>, report: &mut Report<'_>) -> Sources {
    let mut blocks = blocks.into_iter();
    let Some(block) = blocks.next() else {
        return Sources::Missing;
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
        return Sources::Invalid;
    }
    Sources::Valid(block)
}

/// A parsed `check` block before its explanation is rendered.
pub(crate) struct CheckDraft {
    /// False when a diagnostic was reported (the explanation is still rendered, so its
    /// problems are reported too).
    pub(crate) valid: bool,
    pub(crate) line: usize,
    pub(crate) question: String,
    pub(crate) choices: Vec<String>,
    pub(crate) correct: Vec<usize>,
    pub(crate) explain: String,
    /// Where the explanation's value starts in the file.
    pub(crate) explain_offset: usize,
}

/// Parses and checks one `check` block; `None` (with a diagnostic) when its TOML cannot be
/// read at all.
pub(crate) fn parse_check(block: &Block, report: &mut Report<'_>) -> Option<CheckDraft> {
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
    let (line, _) = report.source.position(block.fence_offset);
    Some(CheckDraft {
        valid: report.diags.len() == before,
        line,
        question: check.question.get_ref().trim().to_string(),
        choices: choices.iter().map(|c| c.trim().to_string()).collect(),
        correct,
        explain: explain.clone(),
        explain_offset: block.map.file_offset(check.explain.span().start),
    })
}
