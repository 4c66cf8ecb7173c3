//! The two ammonia allowlists: course content (written by course authors) and user posts.
//! Built once; used only through `markdown.rs`.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

const URL_SCHEMES: [&str; 3] = ["http", "https", "mailto"];
const TABLE_TAGS: [&str; 7] = ["table", "thead", "tbody", "tfoot", "tr", "th", "td"];

/// The allowlist for what users write: no images, classes, ids or styles.
pub(crate) fn user_sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut tags: HashSet<&str> = [
            "p",
            "br",
            "hr",
            "strong",
            "em",
            "del",
            "code",
            "pre",
            "blockquote",
            "ul",
            "ol",
            "li",
            "a",
            "h3",
            "h4",
            "h5",
            "h6",
        ]
        .into();
        tags.extend(TABLE_TAGS);
        let mut b = ammonia::Builder::empty();
        b.tags(tags)
            .tag_attributes([("a", ["href"].into()), ("ol", ["start"].into())].into())
            .generic_attributes(HashSet::new())
            .url_schemes(URL_SCHEMES.into())
            .link_rel(Some("noopener noreferrer nofollow"))
            .strip_comments(true);
        b
    })
}

/// The allowlist for course content.
pub(crate) fn trusted_sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut tags: HashSet<&str> = [
            "a",
            "abbr",
            "blockquote",
            "br",
            "caption",
            "code",
            "dd",
            "del",
            "details",
            "div",
            "dl",
            "dt",
            "em",
            "figcaption",
            "figure",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "hr",
            "img",
            "kbd",
            "li",
            "mark",
            "ol",
            "p",
            "pre",
            "s",
            "small",
            "strong",
            "sub",
            "summary",
            "sup",
            "ul",
        ]
        .into();
        tags.extend(TABLE_TAGS);
        let mut attributes: HashMap<&str, HashSet<&str>> = [
            ("a", ["href", "id"].into()),
            ("img", ["alt", "src", "width", "height"].into()),
            ("ol", ["start"].into()),
            ("div", ["id"].into()),
            ("th", ["style", "colspan", "rowspan", "scope"].into()),
            ("td", ["style", "colspan", "rowspan"].into()),
        ]
        .into();
        for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            attributes.insert(h, ["id"].into());
        }
        let mut b = ammonia::Builder::empty();
        b.tags(tags)
            .tag_attributes(attributes)
            .generic_attributes(["lang", "title"].into())
            .add_allowed_classes("sup", ["footnote-reference", "footnote-definition-label"])
            .add_allowed_classes("div", ["footnote-definition"])
            .filter_style_properties(["text-align"].into())
            .url_schemes(URL_SCHEMES.into())
            .link_rel(Some("noopener noreferrer"))
            .strip_comments(true);
        b
    })
}
