//! Markdown for the whole crate: the one place that sets pulldown-cmark's options and the
//! ammonia allowlists. Course content is rendered with [`render_trusted`], anything a user
//! writes (posts, announcements) with [`render_user`]; [`plain_text`] feeds full-text search.

use std::collections::HashSet;

use pulldown_cmark::{html, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::model::TocEntry;
use super::sanitize::{trusted_sanitizer, user_sanitizer};

/// Every pulldown-cmark option the platform uses: tables, footnotes, strikethrough, task lists,
/// heading attributes (`## Otsikko {#oma-id}`) and `+++` TOML front matter blocks.
///
/// User posts use the same set minus front matter, footnotes and heading attributes (see
/// [`render_user`]); nothing else in the crate builds its own `Options`.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
}

/// The options for user posts: no front matter (it would hide text), no footnotes and no
/// heading attributes (both produce ids and classes a post has no use for).
fn user_options() -> Options {
    options()
        - Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
        - Options::ENABLE_FOOTNOTES
        - Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders course Markdown (written by course authors) to sanitised HTML.
///
/// Headings get unique ids; task list boxes become ☑ and ☐; raw HTML is allowed through the
/// sanitiser's course allowlist (tables, images, footnotes, `details`), while scripts, event
/// handlers, forms, styles other than table alignment and any URL scheme but http, https and
/// mailto are removed.
pub fn render_trusted(md: &str) -> String {
    let mut budget = HtmlBudget::default();
    let events: Vec<Event<'_>> = LimitNesting::new(Parser::new_ext(md, options()))
        .map(|e| trusted_event(budget.apply(e)))
        .collect();
    let (events, _toc) = assign_heading_ids(events);
    trusted_html(events)
}

/// Renders what a user wrote (a discussion post, an announcement) to sanitised HTML.
///
/// Raw HTML in the input is shown as text; headings are demoted to `h3`…`h6`; images become
/// links; the sanitiser then keeps only a short allowlist of tags, the URL schemes http, https
/// and mailto, and marks links `rel="noopener noreferrer nofollow"`.
pub fn render_user(md: &str) -> String {
    let events = LimitNesting::new(Parser::new_ext(md, user_options())).map(user_event);
    let mut out = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut out, events);
    user_sanitizer().clean(&out).to_string()
}

/// The text of some Markdown without any markup, for search and word counts: blocks end with
/// a newline, runs of spaces are collapsed, raw HTML and front matter are left out.
pub fn plain_text(md: &str) -> String {
    let mut text = PlainText::default();
    for event in Parser::new_ext(md, options()) {
        text.push(&event);
    }
    text.finish()
}

/// Deeper nesting than this (`>>>>>…`, `- - - - …`) is flattened: the HTML parser inside the
/// sanitiser slows down quadratically with depth, and no lesson or post needs more.
pub(crate) const MAX_NESTING: usize = 32;

/// Drops the start and end tags nested deeper than [`MAX_NESTING`], keeping their content.
/// Works on plain events and on `(event, range)` pairs from `into_offset_iter()`.
pub(crate) struct LimitNesting<I> {
    inner: I,
    /// For every open tag: was it passed on?
    open: Vec<bool>,
    depth: usize,
}

impl<I> LimitNesting<I> {
    pub(crate) fn new(inner: I) -> Self {
        LimitNesting {
            inner,
            open: Vec::new(),
            depth: 0,
        }
    }
}

/// An item that is or carries an event.
pub(crate) trait Nesting {
    /// +1 for a start tag, -1 for an end tag, 0 otherwise.
    fn nesting(&self) -> i8;
}

impl Nesting for Event<'_> {
    fn nesting(&self) -> i8 {
        match self {
            Event::Start(_) => 1,
            Event::End(_) => -1,
            _ => 0,
        }
    }
}

impl Nesting for (Event<'_>, std::ops::Range<usize>) {
    fn nesting(&self) -> i8 {
        self.0.nesting()
    }
}

impl<T: Nesting, I: Iterator<Item = T>> Iterator for LimitNesting<I> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        loop {
            let item = self.inner.next()?;
            match item.nesting() {
                1 => {
                    let keep = self.depth < MAX_NESTING;
                    self.open.push(keep);
                    if keep {
                        self.depth += 1;
                        return Some(item);
                    }
                }
                -1 => {
                    if self.open.pop().unwrap_or(true) {
                        self.depth = self.depth.saturating_sub(1);
                        return Some(item);
                    }
                }
                _ => return Some(item),
            }
        }
    }
}

/// Raw HTML tags allowed in one course text. The HTML parser inside the sanitiser slows down
/// quadratically with nested raw tags (minutes for a 1 MiB file of `<div>`); lessons need a
/// handful (`<details>`), so beyond this budget raw HTML is shown as text.
pub(crate) const MAX_RAW_HTML_TAGS: usize = 2_000;

/// Counts raw HTML tags and turns the ones over [`MAX_RAW_HTML_TAGS`] into text.
#[derive(Debug)]
pub(crate) struct HtmlBudget {
    left: usize,
    /// True once some raw HTML was turned into text.
    pub(crate) exceeded: bool,
}

impl Default for HtmlBudget {
    fn default() -> Self {
        HtmlBudget {
            left: MAX_RAW_HTML_TAGS,
            exceeded: false,
        }
    }
}

impl HtmlBudget {
    pub(crate) fn apply<'a>(&mut self, event: Event<'a>) -> Event<'a> {
        let (html, inline) = match event {
            Event::Html(s) => (s, false),
            Event::InlineHtml(s) => (s, true),
            other => return other,
        };
        let tags = html.matches('<').count();
        if self.exceeded || tags > self.left {
            self.exceeded = true;
            return Event::Text(html);
        }
        self.left -= tags;
        if inline {
            Event::InlineHtml(html)
        } else {
            Event::Html(html)
        }
    }
}

/// Builds plain text from a stream of events (see [`plain_text`]).
#[derive(Default)]
pub(crate) struct PlainText {
    out: String,
    in_metadata: bool,
}

impl PlainText {
    pub(crate) fn push(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(Tag::MetadataBlock(_)) => self.in_metadata = true,
            Event::End(TagEnd::MetadataBlock(_)) => self.in_metadata = false,
            _ if self.in_metadata => {}
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.push_str(t)
            }
            Event::FootnoteReference(label) => {
                self.push_str("[");
                self.push_str(label);
                self.push_str("]");
            }
            Event::SoftBreak | Event::HardBreak => self.space(),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition,
            )
            | Event::Rule => self.newline(),
            _ => {}
        }
    }

    fn push_str(&mut self, s: &str) {
        for c in s.chars() {
            if c.is_whitespace() {
                if c == '\n' {
                    self.newline();
                } else {
                    self.space();
                }
            } else if !c.is_control() {
                self.out.push(c);
            }
        }
    }

    fn space(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with([' ', '\n']) {
            self.out.push(' ');
        }
    }

    fn newline(&mut self) {
        while self.out.ends_with(' ') {
            self.out.pop();
        }
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    pub(crate) fn finish(mut self) -> String {
        self.newline();
        self.out.trim_end().to_string()
    }
}

/// Maps a heading's text to an id: lower case, words joined with hyphens, ä/å → a and ö → o
/// (as in file names, so copied links stay readable); other letters and digits are kept,
/// punctuation dropped; `section` when nothing is left.
pub(crate) fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'ä' | 'å' | 'á' | 'à' | 'â' => 'a',
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' | 'õ' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' | 'ù' | 'û' => 'u',
            c => c,
        };
        if c.is_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.push(c);
        } else if c.is_whitespace() || c == '-' || c == '_' {
            pending_hyphen = true;
        }
    }
    if slug.is_empty() {
        slug.push_str("section");
    }
    slug
}

/// Gives every heading a unique id (its own `{#id}` or its slugified text) and returns the
/// table of contents (levels 2 and 3).
pub(crate) fn assign_heading_ids(events: Vec<Event<'_>>) -> (Vec<Event<'_>>, Vec<TocEntry>) {
    let mut used = HashSet::new();
    let mut toc = Vec::new();
    let mut out = Vec::with_capacity(events.len());
    let mut heading: Option<(HeadingLevel, Option<String>, Vec<Event<'_>>)> = None;
    for event in events {
        match (event, &mut heading) {
            (Event::Start(Tag::Heading { level, id, .. }), None) => {
                heading = Some((level, id.map(|i| i.to_string()), Vec::new()));
            }
            (Event::End(TagEnd::Heading(_)), Some(_)) => {
                let Some((level, id, inner)) = heading.take() else {
                    continue;
                };
                let mut title = PlainText::default();
                inner.iter().for_each(|e| title.push(e));
                let title = title.finish().replace('\n', " ");
                let id = unique_id(&mut used, &slugify(id.as_deref().unwrap_or(&title)));
                if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                    toc.push(TocEntry {
                        level: level as u8,
                        id: id.clone(),
                        title,
                    });
                }
                out.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(id.into()),
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }));
                out.extend(inner);
                out.push(Event::End(TagEnd::Heading(level)));
            }
            (event, Some((_, _, inner))) => inner.push(event),
            (event, None) => out.push(event),
        }
    }
    if let Some((_, _, inner)) = heading {
        out.extend(inner);
    }
    (out, toc)
}

fn unique_id(used: &mut HashSet<String>, base: &str) -> String {
    let mut id = base.to_string();
    let mut n = 2;
    while used.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    used.insert(id.clone());
    id
}

/// Renders course events to HTML and sanitises it with the course allowlist.
pub(crate) fn trusted_html<'a>(events: impl IntoIterator<Item = Event<'a>>) -> String {
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    trusted_sanitizer().clean(&out).to_string()
}

/// Task list boxes become the characters ☑ and ☐: a disabled `<input>` without a label is
/// an accessibility error, and the sanitiser need not allow `input` at all.
pub(crate) fn trusted_event(event: Event<'_>) -> Event<'_> {
    match event {
        Event::TaskListMarker(done) => Event::Text(if done { "☑ " } else { "☐ " }.into()),
        other => other,
    }
}

/// What a user post may not contain is turned into harmless events before rendering.
fn user_event(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
        Event::InlineMath(s) | Event::DisplayMath(s) => Event::Text(s),
        Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
        Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
        Event::Start(Tag::Heading { level, .. }) => Event::Start(Tag::Heading {
            level: demote(level),
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        Event::TaskListMarker(done) => Event::Text(if done { "[x] " } else { "[ ] " }.into()),
        other => other,
    }
}

/// Post headings sit below the page's own `h1`/`h2`.
fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;
