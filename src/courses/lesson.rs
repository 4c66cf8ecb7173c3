//! Rendering one Markdown text of a course (a lesson body, a module introduction, a summary,
//! a check's explanation): lifts out the `summary`, `check`, `sources` and `exercise` blocks, resolves
//! links and images, gives headings ids, counts words, and reports problems at file offsets.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Parser, Tag, TagEnd};

use super::blocks::{parse_check, pick_sources, pick_summary, Block, OffsetMap, Report, Sources};
use super::links::{resolve_image, resolve_link, LinkContext};
use super::markdown::headings::assign_heading_ids;
use super::markdown::limits::{HtmlBudget, LimitNesting, MAX_RAW_HTML_TAGS};
use super::markdown::plain::PlainText;
use super::markdown::{options, trusted_event, trusted_html};
use super::model::{SelfCheck, TocEntry};

/// Which fenced blocks a text may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Blocks {
    /// A lesson body: `summary`, `check`, `sources` and `exercise` blocks are lifted out.
    Lesson,
    /// `module.md`: they are an error.
    Forbidden,
    /// A summary or an explanation: they are ordinary code blocks.
    Plain,
}

/// The fenced blocks a lesson lifts out of its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Summary,
    Check,
    Sources,
    Exercise,
}

impl Kind {
    fn of(info: &str) -> Option<Kind> {
        match info.split_whitespace().next().unwrap_or("") {
            "summary" => Some(Kind::Summary),
            "check" => Some(Kind::Check),
            "sources" => Some(Kind::Sources),
            "exercise" => Some(Kind::Exercise),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Summary => "summary",
            Kind::Check => "check",
            Kind::Sources => "sources",
            Kind::Exercise => "exercise",
        }
    }
}

/// A rendered text.
#[derive(Default)]
pub(crate) struct Rendered {
    pub(crate) html: String,
    pub(crate) toc: Vec<TocEntry>,
    pub(crate) summary_markdown: Option<String>,
    pub(crate) summary_html: Option<String>,
    pub(crate) summary_text: Option<String>,
    pub(crate) checks: Vec<SelfCheck>,
    /// The `sources` block rendered, `None` when the text has none (the caller decides
    /// whether that is an error).
    pub(crate) sources_html: Option<String>,
    /// The `exercise` blocks as written (compiled by `exercise::compile_exercise`).
    pub(crate) exercises: Vec<Block>,
    pub(crate) word_count: usize,
}

/// Renders `md` (whose offsets `report.map` maps into the file).
pub(crate) fn render(
    md: &str,
    ctx: &LinkContext<'_>,
    report: &mut Report<'_>,
    blocks: Blocks,
) -> Rendered {
    let mut walk = Walk {
        blocks,
        events: Vec::new(),
        text: PlainText::default(),
        capture: None,
        summaries: Vec::new(),
        checks: Vec::new(),
        sources: Vec::new(),
        exercises: Vec::new(),
        in_metadata: false,
        budget: HtmlBudget::default(),
    };
    let parser = Parser::new_ext(md, options()).into_offset_iter();
    for (event, range) in LimitNesting::new(parser) {
        walk.step(event, range.start, ctx, report);
    }
    walk.end_block();
    let (events, toc) = assign_heading_ids(walk.events);
    let mut rendered = Rendered {
        html: trusted_html(events),
        toc,
        word_count: walk.text.finish().split_whitespace().count(),
        ..Rendered::default()
    };
    if blocks == Blocks::Lesson {
        if let Some(summary) = pick_summary(walk.summaries, report) {
            let markdown = summary.text.trim().to_string();
            let html = render_block(&summary.text, summary.map, ctx, report);
            rendered.summary_text = Some(super::markdown::plain_text(&markdown));
            rendered.summary_html = Some(html);
            rendered.summary_markdown = Some(markdown);
        }
        rendered.sources_html = match pick_sources(walk.sources, report) {
            Sources::Missing => None,
            // There, only wrong (reported): not also reported missing.
            Sources::Invalid => Some(String::new()),
            Sources::Valid(block) => Some(render_block(&block.text, block.map, ctx, report)),
        };
        rendered.checks = walk
            .checks
            .iter()
            .filter_map(|b| compile_check(b, ctx, report))
            .collect();
        rendered.exercises = walk.exercises;
    }
    rendered
}

/// Renders the Markdown of a lifted block (a summary, the sources, an explanation) as plain
/// course text: its own blocks are ordinary code blocks.
fn render_block(
    text: &str,
    map: OffsetMap,
    ctx: &LinkContext<'_>,
    report: &mut Report<'_>,
) -> String {
    let mut inner = Report {
        source: report.source,
        map,
        diags: &mut *report.diags,
    };
    render(text, ctx, &mut inner, Blocks::Plain).html
}

/// A `check` block as a self-check with its explanation rendered; `None` (with diagnostics)
/// when anything in it is wrong.
fn compile_check(
    block: &Block,
    ctx: &LinkContext<'_>,
    report: &mut Report<'_>,
) -> Option<SelfCheck> {
    let before = report.diags.len();
    let draft = parse_check(block, report)?;
    let explain_html = render_block(
        &draft.explain,
        OffsetMap::Fixed(draft.explain_offset),
        ctx,
        report,
    );
    (draft.valid && report.diags.len() == before).then_some(SelfCheck {
        line: draft.line,
        question: draft.question,
        choices: draft.choices,
        correct: draft.correct,
        explain_html,
    })
}

/// The state of one pass over the events of a text.
struct Walk<'e> {
    blocks: Blocks,
    events: Vec<Event<'e>>,
    text: PlainText,
    /// The lifted block being read.
    capture: Option<(Kind, Block)>,
    summaries: Vec<Block>,
    checks: Vec<Block>,
    sources: Vec<Block>,
    exercises: Vec<Block>,
    in_metadata: bool,
    budget: HtmlBudget,
}

impl<'e> Walk<'e> {
    fn step(
        &mut self,
        event: Event<'e>,
        at: usize,
        ctx: &LinkContext<'_>,
        report: &mut Report<'_>,
    ) {
        let was_over = self.budget.exceeded;
        let event = self.budget.apply(event);
        if self.budget.exceeded && !was_over {
            let message = format!(
                "too much raw HTML: more than {MAX_RAW_HTML_TAGS} tags in one text; write it in \
                 Markdown"
            );
            report.at(at, message);
        }
        if let Some((_, block)) = &mut self.capture {
            match event {
                Event::Text(t) => {
                    block.map.push(block.text.len(), report.map.file_offset(at));
                    block.text.push_str(&t);
                }
                Event::End(TagEnd::CodeBlock) => self.end_block(),
                _ => {}
            }
            return;
        }
        let event = match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(ref info)))
                if Kind::of(info).is_some() && self.blocks != Blocks::Plain =>
            {
                if let Some(kind) = Kind::of(info) {
                    if self.blocks == Blocks::Forbidden {
                        let message = format!(
                            "`{}` blocks belong in lessons, not in module.md",
                            kind.name()
                        );
                        report.at(at, message);
                    }
                    let fence_offset = report.map.file_offset(at);
                    let block = Block {
                        text: String::new(),
                        map: OffsetMap::Pieces(vec![(0, fence_offset)]),
                        fence_offset,
                    };
                    self.capture = Some((kind, block));
                }
                return;
            }
            Event::Start(Tag::MetadataBlock(_)) => {
                let message =
                    "a second `+++` block: front matter comes once, at the very top of the file";
                report.at(at, message);
                self.in_metadata = true;
                return;
            }
            Event::End(TagEnd::MetadataBlock(_)) => {
                self.in_metadata = false;
                return;
            }
            _ if self.in_metadata => return,
            Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                Event::Start(resolve(tag, at, ctx, report))
            }
            other => trusted_event(other),
        };
        self.text.push(&event);
        self.events.push(event);
    }

    fn end_block(&mut self) {
        match self.capture.take() {
            Some((Kind::Summary, block)) => self.summaries.push(block),
            Some((Kind::Check, block)) => self.checks.push(block),
            Some((Kind::Sources, block)) => self.sources.push(block),
            Some((Kind::Exercise, block)) => self.exercises.push(block),
            None => {}
        }
    }
}

/// Rewrites a link's `href` or an image's `src`, or reports why it is wrong.
fn resolve<'e>(tag: Tag<'e>, at: usize, ctx: &LinkContext<'_>, report: &mut Report<'_>) -> Tag<'e> {
    match tag {
        Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        } => {
            let resolved = match link_type {
                // `<name@example.fi>`: the renderer adds `mailto:`.
                LinkType::Email => Ok(None),
                _ => resolve_link(ctx, &dest_url),
            };
            let dest_url = match resolved {
                Ok(Some(href)) => CowStr::from(href),
                Ok(None) => dest_url,
                Err(message) => {
                    report.at(at, message);
                    dest_url
                }
            };
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }
        }
        Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        } => {
            let dest_url = match resolve_image(ctx, &dest_url) {
                Ok(src) => CowStr::from(src),
                Err(message) => {
                    report.at(at, message);
                    CowStr::from("")
                }
            };
            Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }
        }
        other => other,
    }
}
