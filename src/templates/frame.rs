//! The page around a body written in Rust (`base.html`: head, header, navigation, notice,
//! footer), rendered through tera once per kind of page and kept in pieces; each request only
//! fills in its own values. Through tera on every request the frame was a seventh of the lesson
//! page's time (benches/README.md). Kept per template, language, navigation, notice kind; the
//! values a request brings (title, token, path, notice, body) go into slots that were rendered
//! with marker text, so the pieces are exactly what tera writes around them (tests: the same
//! bytes as a render of the whole page). A template whose frame would need anything else
//! (the request id, the user) does not split, and is rendered whole each time.

use super::Templates;
use crate::i18n::Lang;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// What varies the frame besides the values filled in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FrameKey {
    pub template: &'static str,
    pub lang: Lang,
    /// The navigation's flags (web::nav::Nav), in order.
    pub nav: [bool; 5],
    pub notice: NoticeKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    None,
    Done,
    /// A form refused for its size: the page also puts the typed text back.
    Refused,
}

/// One request's values. `title` and the others are text (escaped here as tera escapes);
/// `body` is HTML.
pub struct FrameValues<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub csrf_token: &'a str,
    pub path: &'a str,
    pub notice: Option<&'a str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Title,
    Body,
    Csrf,
    Path,
    Notice,
}

/// The marker texts a probe's context holds in place of the request's values: control
/// characters, which nothing escapes and no page contains.
pub const TITLE: &str = "\u{1}title\u{1}";
pub const BODY: &str = "\u{1}body\u{1}";
pub const CSRF: &str = "\u{1}csrf\u{1}";
pub const PATH: &str = "\u{1}path\u{1}";
pub const NOTICE: &str = "\u{1}notice\u{1}";
/// For values the frame must not depend on (the request id, the user): a frame that shows
/// one does not split.
pub const FOREIGN: &str = "\u{1}foreign\u{1}";
const MARKERS: [(Slot, &str); 5] = [
    (Slot::Title, TITLE),
    (Slot::Body, BODY),
    (Slot::Csrf, CSRF),
    (Slot::Path, PATH),
    (Slot::Notice, NOTICE),
];

enum Piece {
    Text(String),
    Slot(Slot),
}

/// A frame in pieces.
pub struct Frame {
    pieces: Vec<Piece>,
    size: usize,
}

impl Frame {
    /// Splits a page rendered with the markers; None when the page shows a value the frame
    /// cannot take from the request ([`FOREIGN`]) or has no body.
    fn split(page: &str) -> Option<Frame> {
        if page.contains(FOREIGN) || !page.contains(BODY) {
            return None;
        }
        let mut pieces = Vec::new();
        let mut rest = page;
        while let Some(start) = rest.find('\u{1}') {
            let (slot, marker) = MARKERS.iter().find(|(_, m)| rest[start..].starts_with(m))?;
            if start > 0 {
                pieces.push(Piece::Text(rest[..start].to_string()));
            }
            pieces.push(Piece::Slot(*slot));
            rest = &rest[start + marker.len()..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        let size = pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.len(),
                Piece::Slot(_) => 0,
            })
            .sum();
        Some(Frame { pieces, size })
    }

    /// The page with this request's values.
    pub fn fill(&self, v: &FrameValues<'_>) -> String {
        let mut page = String::with_capacity(self.size + v.body.len() + 256);
        for p in &self.pieces {
            match p {
                Piece::Text(t) => page.push_str(t),
                Piece::Slot(Slot::Body) => page.push_str(v.body),
                Piece::Slot(Slot::Title) => page.push_str(&tera::escape_html(v.title)),
                Piece::Slot(Slot::Csrf) => page.push_str(&tera::escape_html(v.csrf_token)),
                Piece::Slot(Slot::Path) => page.push_str(&tera::escape_html(v.path)),
                Piece::Slot(Slot::Notice) => {
                    page.push_str(&tera::escape_html(v.notice.unwrap_or_default()))
                }
            }
        }
        page
    }
}

/// The frames this server has rendered (a few dozen at most: templates × languages ×
/// navigations × notice kinds); None stands for a template that does not split.
#[derive(Default)]
pub struct Frames {
    held: RwLock<HashMap<FrameKey, Option<Arc<Frame>>>>,
}

impl Templates {
    /// The frame for `key`, rendered now if this server has not yet. `probe` gives the
    /// template's context with the markers above as the request's values; the template shows
    /// `page_title` and `page_body`.
    pub fn frame(
        &self,
        key: FrameKey,
        probe: impl FnOnce() -> tera::Context,
    ) -> Option<Arc<Frame>> {
        let held = self
            .frames
            .held
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .cloned();
        if let Some(frame) = held {
            return frame;
        }
        let mut context = probe();
        context.insert("page_title", TITLE);
        context.insert("page_body", BODY);
        let frame = self
            .render(key.lang, key.template, &context)
            .ok()
            .and_then(|page| Frame::split(&page))
            .map(Arc::new);
        self.frames
            .held
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, frame.clone());
        frame
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `base.html`'s context as the web layer builds it (web::ctx::Ctx::frame_context).
    fn context(
        nav: [bool; 5],
        csrf: &str,
        path: &str,
        user: &str,
        notice: Option<&str>,
        refused: bool,
    ) -> tera::Context {
        let mut c = tera::Context::new();
        let names = ["signed_in", "trainer", "coordinator", "admin", "cohorts"];
        let nav: serde_json::Map<String, serde_json::Value> = names
            .iter()
            .zip(nav)
            .map(|(n, on)| (n.to_string(), on.into()))
            .collect();
        c.insert("csrf_token", csrf);
        c.insert("current_path", path);
        c.insert("request_id", FOREIGN);
        c.insert("nav", &nav);
        c.insert("user", &(nav["signed_in"] == true).then_some(user));
        c.insert("flash", &notice);
        c.insert("flash_error", &refused);
        c.insert("restore_drafts", &refused);
        c
    }

    #[test]
    fn a_filled_frame_is_the_page_tera_writes() {
        let templates = Templates::load().unwrap();
        let title = "Mitä <b>kirjataan</b> & \"miksi\" / 'milloin'";
        let body = "<div class=\"lesson-body\"><p>Teksti &amp; <em>kuvaus</em></p></div>";
        let path = "/ryhmat/4/mita-kirjataan?vinkit=<1>&x='2'";
        let csrf = "abc/def+ghi=";
        let navs = [
            [false; 5],
            [true, false, false, false, false],
            [true, true, false, false, true],
            [true, false, true, false, true],
            [true, false, false, true, true],
        ];
        let notices = [
            (NoticeKind::None, None, false),
            (
                NoticeKind::Done,
                Some("Tallennettu <heti> & \"nyt\""),
                false,
            ),
            (NoticeKind::Refused, Some("Liian pitkä"), true),
        ];
        let mut checked = 0;
        for lang in [Lang::Fi, Lang::Sv, Lang::En] {
            for nav in navs {
                for (kind, notice, refused) in notices {
                    let key = FrameKey {
                        template: "learning/lesson.html",
                        lang,
                        nav,
                        notice: kind,
                    };
                    let frame = templates
                        .frame(key, || {
                            let mut c =
                                context(nav, CSRF, PATH, FOREIGN, notice.map(|_| NOTICE), refused);
                            c.insert("lang", lang.code());
                            c
                        })
                        .expect("the lesson page's frame splits");
                    let filled = frame.fill(&FrameValues {
                        title,
                        body,
                        csrf_token: csrf,
                        path,
                        notice,
                    });
                    let mut c = context(nav, csrf, path, "Liisa", notice, refused);
                    c.insert("lang", lang.code());
                    c.insert("page_title", title);
                    c.insert("page_body", body);
                    let whole = templates.render(lang, "learning/lesson.html", &c).unwrap();
                    assert_eq!(filled, whole, "{lang:?} {nav:?} {kind:?}");
                    assert!(
                        filled.contains("Mitä &lt;b&gt;kirjataan&lt;&#x2F;b&gt;"),
                        "the title escaped"
                    );
                    if let Some(n) = notice {
                        assert!(filled.contains(&tera::escape_html(n)), "the notice shown");
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 45);
    }

    #[test]
    fn a_frame_showing_what_it_cannot_take_from_the_request_does_not_split() {
        let page = format!("<p>{FOREIGN}</p>{BODY}");
        assert!(Frame::split(&page).is_none());
        assert!(Frame::split("<p>no body</p>").is_none());
        let frame = Frame::split(&format!("<title>{TITLE}</title>{BODY}<p>{NOTICE}</p>")).unwrap();
        let filled = frame.fill(&FrameValues {
            title: "<x>",
            body: "<b>y</b>",
            csrf_token: "",
            path: "/",
            notice: None,
        });
        assert_eq!(filled, "<title>&lt;x&gt;</title><b>y</b><p></p>");
    }
}
