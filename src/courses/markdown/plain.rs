//! Markdown as plain text, built from its events: for search, word counts, e-mail excerpts
//! and heading titles.

use pulldown_cmark::{Event, Tag, TagEnd};

/// Builds plain text from a stream of events (see [`super::plain_text`]).
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
