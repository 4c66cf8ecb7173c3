//! Loading the templates so that each page keeps one copy of its blocks.
//!
//! tera holds a template that extends another three times over: its syntax tree, its `blocks`,
//! and the `blocks_definitions` built from them, which is all a render reads (it walks the root
//! parent's tree and takes each block from the definitions). For a page that nothing extends,
//! the first two are only the input of `build_inheritance_chains`, so they are dropped here once
//! its chain is built, and `parent` is cleared so that a later chain build leaves the page as it
//! is (tera's renderer reads `parents`, never `parent`). The pages are added one at a time, so
//! each parse reuses the memory the previous page gave back: dropped all at once after a single
//! load, the freed 7 MB stayed resident below what was kept. Measured on our templates: 12.3 MB
//! parsed, 4.9 MB kept, high water 5.0 MB (benches/README.md, issue 19's sixth round).
//!
//! This leans on how tera 1.20 renders (hence the exact version in Cargo.toml). The tests below
//! compare what a render reads, template by template, against a plain load of the same files,
//! and every page the app's tests render goes through the compacted instance.

use std::collections::{HashMap, HashSet};
use tera::Tera;

/// Adds `sources` (name, text) to `tera`: the templates others extend and those extending
/// nothing first, as tera would; then each page on its own, compacted. A template the scan
/// took for a base although it extends a page would be refused by tera in the first batch (its
/// parent not yet there), so no page a template extends is ever compacted.
pub(super) fn add_templates(tera: &mut Tera, sources: &[(String, String)]) -> anyhow::Result<()> {
    let parents: Vec<Option<&str>> = sources.iter().map(|(_, t)| parent_of(t)).collect();
    let extended: HashSet<&str> = parents.iter().flatten().copied().collect();
    let (pages, bases): (Vec<_>, Vec<_>) = sources
        .iter()
        .zip(&parents)
        .partition(|((n, _), parent)| parent.is_some() && !extended.contains(n.as_str()));
    tera.add_raw_templates(bases.iter().map(|((n, t), _)| (n.as_str(), t.as_str())))
        .map_err(|e| anyhow::anyhow!("templates: {e:?}"))?;
    for ((name, text), _) in pages {
        tera.add_raw_template(name, text)
            .map_err(|e| anyhow::anyhow!("templates: {e:?}"))?;
        let Some(template) = tera.templates.get_mut(name.as_str()) else {
            continue;
        };
        // The text only looked like it extends another (say, the tag inside a comment).
        if template.parent.is_none() {
            continue;
        }
        template.ast = Vec::new();
        template.blocks = HashMap::new();
        template.parent = None;
    }
    Ok(())
}

/// The name in the `{% extends "…" %}` tag, if the text has one (anywhere: a false find only
/// means a template is not compacted).
fn parent_of(text: &str) -> Option<&str> {
    let mut rest = text;
    while let Some(at) = rest.find("{%") {
        rest = &rest[at + 2..];
        let tag = rest.trim_start_matches('-').trim_start();
        if let Some(after) = tag.strip_prefix("extends") {
            let after = after.trim_start();
            let quote = after
                .chars()
                .next()
                .filter(|q| matches!(q, '"' | '\'' | '`'))?;
            return after[1..].split(quote).next();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(sources: &[(String, String)]) -> Tera {
        let mut tera = Tera::default();
        tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .unwrap();
        tera
    }

    fn compacted(sources: &[(String, String)]) -> Tera {
        let mut tera = Tera::default();
        add_templates(&mut tera, sources).unwrap();
        tera
    }

    fn owned(sources: &[(&str, &str)]) -> Vec<(String, String)> {
        sources
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn pages_render_as_before_through_three_levels() {
        // A block only the root defines, super() at two levels, a block inside a block, an
        // include and a macro: what our templates use of inheritance, and one level more.
        let sources = owned(&[
            (
                "root.html",
                "<title>{% block title %}Root{% endblock title %}</title>\
                 {% block lang %}fi{% endblock lang %}|{% block body %}<main>\
                 {% block content %}{% endblock content %}</main>{% endblock body %}",
            ),
            (
                "middle.html",
                "{% extends \"root.html\" %}{% block content %}[m {{ x }}]\
                 {% endblock content %}{% block title %}{{ super() }} › Middle{% endblock title %}",
            ),
            (
                "page.html",
                "{%- extends 'middle.html' -%}{% import \"macros.html\" as m %}\
                 {% block title %}{{ super() }} › Page{% endblock title %}\
                 {% block content %}{{ super() }}{% include \"part.html\" %}{{ m::shout(s=x) }}\
                 {% endblock content %}",
            ),
            ("part.html", "<p>{{ x }}</p>"),
            (
                "macros.html",
                "{% macro shout(s) %}{{ s | upper }}!{% endmacro shout %}",
            ),
            (
                "note.html",
                "{# {% extends \"root.html\" %} is only a comment here #}{{ x }}",
            ),
        ]);
        let mut before = plain(&sources);
        let mut after = compacted(&sources);
        before.autoescape_on(vec![".html"]);
        after.autoescape_on(vec![".html"]);
        let mut c = tera::Context::new();
        c.insert("x", "a<b");
        for name in ["root.html", "middle.html", "page.html", "note.html"] {
            assert_eq!(
                after.render(name, &c).unwrap(),
                before.render(name, &c).unwrap(),
                "{name}"
            );
        }
        assert_eq!(
            after.render("page.html", &c).unwrap(),
            "<title>Root › Middle › Page</title>fi|<main>[m a&lt;b]<p>a&lt;b</p>A&lt;B!</main>"
        );
        // Only the page nothing extends lost its tree; the one in the middle keeps it.
        assert!(after.templates["page.html"].ast.is_empty());
        assert!(!after.templates["middle.html"].ast.is_empty());
        assert!(!after.templates["note.html"].ast.is_empty());
        // Adding a template later (tera's render_str does) leaves the pages whole.
        after.add_raw_template("late.html", "{{ x }}").unwrap();
        assert_eq!(
            after.render("page.html", &c).unwrap(),
            before.render("page.html", &c).unwrap()
        );
    }

    #[test]
    fn every_template_reads_the_same_blocks_as_a_plain_load() {
        let mut sources = Vec::new();
        for name in super::super::TemplateFiles::iter() {
            let file = super::super::TemplateFiles::get(&name).unwrap();
            let text = String::from_utf8(file.data.into_owned()).unwrap();
            sources.push((name.to_string(), text));
        }
        let before = plain(&sources);
        let after = compacted(&sources);
        let mut pages = 0;
        for (name, b) in &before.templates {
            let a = &after.templates[name];
            assert_eq!(a.parents, b.parents, "{name}");
            assert_eq!(a.blocks_definitions, b.blocks_definitions, "{name}");
            assert_eq!(a.macros, b.macros, "{name}");
            assert_eq!(a.imported_macro_files, b.imported_macro_files, "{name}");
            if a.ast.is_empty() && !b.ast.is_empty() {
                assert!(!b.parents.is_empty(), "{name} lost a tree it renders");
                pages += 1;
            } else {
                assert_eq!(a.ast, b.ast, "{name}");
            }
        }
        assert_eq!(after.templates.len(), before.templates.len());
        // base.html's pages and email/layout.html's messages.
        assert!(pages > 150, "{pages} pages compacted");
    }

    #[test]
    fn the_parent_is_found_in_each_way_tera_takes_it() {
        assert_eq!(parent_of("{% extends \"base.html\" %}"), Some("base.html"));
        assert_eq!(parent_of("{%- extends 'b.html' -%}"), Some("b.html"));
        assert_eq!(parent_of("{{ x }}{%extends `c.html`%}"), Some("c.html"));
        assert_eq!(parent_of("{% block x %}{% endblock x %}"), None);
        assert_eq!(parent_of("{% extends base %}"), None);
        // A template that extends one and is extended by another stays whole.
        let sources = owned(&[
            ("a.html", "{% block x %}a{% endblock x %}"),
            (
                "b.html",
                "{% extends \"a.html\" %}{% block x %}b{% endblock x %}",
            ),
            (
                "c.html",
                "{% extends \"b.html\" %}{% block x %}c{% endblock x %}",
            ),
        ]);
        let b = &compacted(&sources).templates["b.html"];
        assert!(!b.ast.is_empty(), "b.html is extended, so it is kept whole");
    }
}
