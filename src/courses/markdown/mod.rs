//! Markdown for the whole crate: the one place that sets pulldown-cmark's options (the ammonia
//! allowlists are beside it, in `sanitize`). Course content is rendered with
//! [`render_trusted`], anything a user writes (posts, announcements) with [`render_user`];
//! [`plain_text`] feeds full-text search. The parts: `limits` (nesting and raw HTML kept
//! fast), `plain` (plain text from events), `headings` (heading ids, the table of contents).

pub(crate) mod headings;
pub(crate) mod limits;
pub(crate) mod plain;

use pulldown_cmark::{html, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::sanitize::{trusted_sanitizer, user_sanitizer};
use headings::assign_heading_ids;
use limits::{HtmlBudget, LimitNesting};
use plain::PlainText;

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
mod tests;
