//! Heading ids and the table of contents: every heading gets a unique id (its own `{#id}` or
//! its text made into a slug), and levels 2 and 3 are listed.

use super::plain::PlainText;
use crate::courses::model::TocEntry;
use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
use std::collections::HashSet;

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
