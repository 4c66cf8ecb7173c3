//! The facilitator's guide of a module (`ohjaajan-opas.md` beside `module.md`): what an expert
//! needs to hold a 45–90 minute training on the theme in their own organisation. Front matter
//! (`title`), free Markdown for the facilitator (preparation, materials), and fenced blocks:
//!
//! - ```` ```aims ```` (once): the aims, Markdown;
//! - ```` ```plan ```` (once): the steps in TOML, `[[step]]` with `minutes`, `title` and
//!   optional `text` (Markdown); together 45–90 minutes;
//! - ```` ```questions ```` (once): discussion questions, Markdown;
//! - ```` ```slide ```` (one or more): one slide each, Markdown.
//!
//! Every problem is a diagnostic with the file, line and column, like the lessons'.

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use serde::Deserialize;
use toml::Spanned;

use super::blocks::{OffsetMap, Report};
use super::frontmatter::{parse_toml, split_front_matter};
use super::lesson::{render, Blocks};
use super::links::LinkContext;
use super::markdown::options;
use super::model::{CompiledGuide, Diagnostic, PlanStep};
use super::source::{read_source, Source};

/// The guide's file name in a module folder.
pub const GUIDE_FILE: &str = "ohjaajan-opas.md";
/// A short training's length, in minutes.
pub const MIN_MINUTES: u32 = 45;
pub const MAX_MINUTES: u32 = 90;
/// The most slides one guide may have.
const MAX_SLIDES: usize = 40;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GuideFront {
    title: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanToml {
    step: Vec<StepToml>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepToml {
    minutes: Spanned<u32>,
    title: Spanned<String>,
    text: Option<Spanned<String>>,
}

/// A fenced block lifted out of the guide: its text, and where each piece of it is in the file.
struct Block {
    kind: &'static str,
    text: String,
    map: OffsetMap,
    /// The file offset of the opening fence.
    at: usize,
}

const KINDS: [&str; 6] = ["aims", "plan", "questions", "slide", "summary", "check"];

/// Compiles a guide file; `None` (with diagnostics) when anything in it is wrong.
pub(crate) fn compile_guide(
    path: &std::path::Path,
    ctx: &LinkContext<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<(CompiledGuide, Source)> {
    let source = read_source(path).map_err(|d| diags.push(d)).ok()?;
    let before = diags.len();
    let split = match split_front_matter(&source.text) {
        Ok(split) => split,
        Err(e) => {
            diags.push(source.diagnostic(e.offset, e.message));
            return None;
        }
    };
    let toml = source
        .text
        .get(split.toml_start..split.toml_end)
        .unwrap_or("");
    let title = match parse_toml::<GuideFront>(toml, "front matter") {
        Ok(front) => {
            let t = front.title.get_ref().trim().to_string();
            if t.is_empty() {
                let at = split.toml_start + front.title.span().start;
                diags.push(source.diagnostic(at, "front matter: `title` must not be empty"));
            }
            t
        }
        Err(e) if e.message.contains("missing required key") => {
            diags.push(source.diagnostic(0, e.message));
            String::new()
        }
        Err(e) => {
            diags.push(source.diagnostic(split.toml_start + e.offset, e.message));
            String::new()
        }
    };
    let body = source.text.get(split.body_start..).unwrap_or("");
    let (blocks, intro_text, intro_map) = lift_blocks(body, split.body_start);

    let report = |text: &str, map: OffsetMap, diags: &mut Vec<Diagnostic>| {
        let mut r = Report {
            source: &source,
            map,
            diags,
        };
        render(text, ctx, &mut r, Blocks::Plain).html
    };
    let intro_html = report(&intro_text, intro_map, diags);
    let mut aims_html = None;
    let mut questions_html = None;
    let mut plan = None;
    let mut slides = Vec::new();
    for b in blocks {
        let once = |seen: bool, diags: &mut Vec<Diagnostic>| {
            if seen {
                let message = format!(
                    "a second `{}` block: a guide has one `{}` block",
                    b.kind, b.kind
                );
                diags.push(source.diagnostic(b.at, message));
            }
        };
        if b.kind != "slide" && b.kind != "plan" && b.text.trim().is_empty() {
            let message = format!("the `{}` block is empty", b.kind);
            diags.push(source.diagnostic(b.at, message));
            continue;
        }
        match b.kind {
            "aims" => {
                once(aims_html.is_some(), diags);
                aims_html = Some(report(&b.text, b.map, diags));
            }
            "questions" => {
                once(questions_html.is_some(), diags);
                questions_html = Some(report(&b.text, b.map, diags));
            }
            "slide" => {
                if b.text.trim().is_empty() {
                    diags.push(source.diagnostic(b.at, "the `slide` block is empty"));
                } else {
                    slides.push(report(&b.text, b.map, diags));
                }
            }
            "plan" => {
                once(plan.is_some(), diags);
                plan = Some(compile_plan(&b, &source, ctx, diags));
            }
            other => {
                let message =
                    format!("`{other}` blocks belong in lessons, not in the facilitator's guide");
                diags.push(source.diagnostic(b.at, message));
            }
        }
    }
    let file_problem = |what: &str, diags: &mut Vec<Diagnostic>| {
        diags.push(Diagnostic::file(&source.path, what.to_string()));
    };
    if aims_html.is_none() {
        file_problem(
            "the guide has no ```aims block: write the training's aims in one",
            diags,
        );
    }
    if questions_html.is_none() {
        file_problem(
            "the guide has no ```questions block: write the discussion questions in one",
            diags,
        );
    }
    if plan.is_none() {
        file_problem(
            "the guide has no ```plan block: write the steps of the training in one \
             ([[step]] with minutes, title and text)",
            diags,
        );
    }
    if slides.is_empty() {
        file_problem(
            "the guide has no ```slide block: write each slide in a block of its own",
            diags,
        );
    }
    if slides.len() > MAX_SLIDES {
        file_problem(
            &format!(
                "the guide has {} slides; keep to {MAX_SLIDES} at most",
                slides.len()
            ),
            diags,
        );
    }
    let steps = plan.flatten()?;
    if diags.len() != before {
        return None;
    }
    let minutes = steps.iter().map(|s| s.minutes).sum();
    Some((
        CompiledGuide {
            title,
            minutes,
            intro_html,
            aims_html: aims_html.unwrap_or_default(),
            plan: steps,
            questions_html: questions_html.unwrap_or_default(),
            slides,
        },
        source,
    ))
}

/// Splits the guide's body into its fenced blocks and the rest (the facilitator's notes),
/// each with a map back to file offsets.
fn lift_blocks(body: &str, body_start: usize) -> (Vec<Block>, String, OffsetMap) {
    let mut blocks = Vec::new();
    let mut cut: Vec<std::ops::Range<usize>> = Vec::new();
    let mut current: Option<(Block, std::ops::Range<usize>)> = None;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if current.is_none() => {
                let kind = info.split_whitespace().next().unwrap_or("");
                if let Some(kind) = KINDS.iter().find(|k| **k == kind) {
                    let at = body_start + range.start;
                    current = Some((
                        Block {
                            kind,
                            text: String::new(),
                            map: OffsetMap::Pieces(vec![(0, at)]),
                            at,
                        },
                        range,
                    ));
                }
            }
            Event::Text(t) => {
                if let Some((b, _)) = current.as_mut() {
                    if let OffsetMap::Pieces(p) = &mut b.map {
                        p.push((b.text.len(), body_start + range.start));
                    }
                    b.text.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((b, whole)) = current.take() {
                    cut.push(whole);
                    blocks.push(b);
                }
            }
            _ => {}
        }
    }
    let mut text = String::new();
    let mut pieces = Vec::new();
    let mut from = 0;
    for r in cut.iter().chain(std::iter::once(&(body.len()..body.len()))) {
        if r.start > from {
            pieces.push((text.len(), body_start + from));
            text.push_str(body.get(from..r.start).unwrap_or(""));
            text.push('\n');
        }
        from = from.max(r.end);
    }
    if pieces.is_empty() {
        pieces.push((0, body_start));
    }
    (blocks, text, OffsetMap::Pieces(pieces))
}

/// The plan's steps, or `None` (with diagnostics).
fn compile_plan(
    b: &Block,
    source: &Source,
    ctx: &LinkContext<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<PlanStep>> {
    let before = diags.len();
    let plan: PlanToml = match parse_toml(&b.text, "plan") {
        Ok(p) => p,
        Err(e) if e.message.contains("missing required key") => {
            diags.push(source.diagnostic(b.at, e.message));
            return None;
        }
        Err(e) => {
            diags.push(source.diagnostic(b.map.file_offset(e.offset), e.message));
            return None;
        }
    };
    if plan.step.is_empty() {
        diags.push(source.diagnostic(
            b.at,
            "plan: no steps: write each step as [[step]] with minutes, title and text",
        ));
        return None;
    }
    let mut steps = Vec::new();
    for s in &plan.step {
        let at = |offset: usize| b.map.file_offset(offset);
        if *s.minutes.get_ref() == 0 {
            diags.push(source.diagnostic(
                at(s.minutes.span().start),
                "plan: a step's `minutes` must be at least 1",
            ));
        }
        let title = s.title.get_ref().trim().to_string();
        if title.is_empty() {
            diags.push(source.diagnostic(
                at(s.title.span().start),
                "plan: a step's `title` must not be empty",
            ));
        }
        let html = match &s.text {
            Some(text) => {
                let mut r = Report {
                    source,
                    map: OffsetMap::Fixed(at(text.span().start)),
                    diags: &mut *diags,
                };
                render(text.get_ref(), ctx, &mut r, Blocks::Plain).html
            }
            None => String::new(),
        };
        steps.push(PlanStep {
            minutes: *s.minutes.get_ref(),
            title,
            html,
        });
    }
    let total: u32 = steps.iter().map(|s| s.minutes).sum();
    if !(MIN_MINUTES..=MAX_MINUTES).contains(&total) {
        diags.push(source.diagnostic(
            b.at,
            format!(
                "plan: the steps add up to {total} minutes; a short training is \
                 {MIN_MINUTES}–{MAX_MINUTES} minutes"
            ),
        ));
    }
    (diags.len() == before).then_some(steps)
}

/// Stores (or removes) a module's guide as its training kit, in the publishing transaction.
pub(crate) fn store(
    c: &mut crate::db::AnyConnection,
    module_id: i64,
    guide: Option<&CompiledGuide>,
    now: chrono::NaiveDateTime,
) -> crate::AppResult<()> {
    use crate::db::schema_trainings::training_kits as k;
    use diesel::prelude::*;
    let Some(g) = guide else {
        diesel::delete(k::table.filter(k::module_id.eq(module_id))).execute(c)?;
        return Ok(());
    };
    let plan = serde_json::to_string(&g.plan).map_err(anyhow::Error::from)?;
    let slides = serde_json::to_string(&g.slides).map_err(anyhow::Error::from)?;
    let values = (
        k::title.eq(&g.title),
        k::minutes.eq(g.minutes as i32),
        k::intro_html.eq(&g.intro_html),
        k::aims_html.eq(&g.aims_html),
        k::plan_json.eq(&plan),
        k::questions_html.eq(&g.questions_html),
        k::slides_json.eq(&slides),
        k::published_at.eq(now),
    );
    let existing: Option<i64> = k::table
        .filter(k::module_id.eq(module_id))
        .select(k::id)
        .first(c)
        .optional()?;
    match existing {
        Some(id) => {
            diesel::update(k::table.find(id)).set(values).execute(c)?;
        }
        None => {
            diesel::insert_into(k::table)
                .values((k::module_id.eq(module_id), values))
                .execute(c)?;
        }
    }
    Ok(())
}
