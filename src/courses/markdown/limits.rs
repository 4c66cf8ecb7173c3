//! Limits that keep hostile or broken Markdown fast: nesting deeper than the sanitiser's HTML
//! parser handles well is flattened, and raw HTML beyond a budget is shown as text.

use pulldown_cmark::Event;

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
