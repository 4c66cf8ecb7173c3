//! The posts of a thread page, written here rather than in a template: the page's longest
//! loop, with a dozen conditions per post. Through a tera macro it was half of the page's time
//! (each call copied the post and its replies, and each `p.…` was a path looked up through the
//! macro's frames; benches/README.md). Everything that comes from people is escaped here; the
//! post's body was sanitised when it was stored and is written as it is.

use crate::discussions::view::thread::PostView;
use crate::i18n::{format, Catalog, Lang};
use crate::templates::{escape_html as esc, ui_text};
use std::fmt::Write;

/// What every post's actions depend on besides the post.
pub struct Actions<'a> {
    pub csrf_token: &'a str,
    pub thread_id: i64,
    pub moderates: bool,
    pub can_post: bool,
}

/// One `<article>` per post, its replies inside it.
pub fn post(catalog: &Catalog, lang: Lang, p: &PostView, a: &Actions<'_>) -> String {
    let mut html = String::with_capacity(2048);
    write_post(&mut html, catalog, lang, p, a);
    html
}

/// The posts, each in its `<li>`.
pub fn list(catalog: &Catalog, lang: Lang, posts: &[PostView], a: &Actions<'_>) -> String {
    let mut html = String::with_capacity(2048 * posts.len().max(1));
    for p in posts {
        html.push_str("<li>");
        write_post(&mut html, catalog, lang, p, a);
        html.push_str("</li>");
    }
    html
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

fn write_post(html: &mut String, t: &Catalog, lang: Lang, p: &PostView, a: &Actions<'_>) {
    let id = p.id;
    let mut class = String::from("post");
    for (on, name) in [
        (p.by_trainer, " post-trainer"),
        (p.is_best, " post-best"),
        (p.hidden, " post-hidden"),
    ] {
        if on {
            class.push_str(name);
        }
    }
    let author = if !p.show_body {
        ui_text(t, "disc.hidden_author", &[])
    } else if let Some(name) = non_empty(&p.author_name) {
        esc(name)
    } else {
        ui_text(t, "disc.former_user", &[])
    };
    let _ = write!(
        html,
        "\n<article class=\"{class}\" id=\"v{id}\" aria-labelledby=\"v{id}-by\">\n  \
         <p class=\"post-meta\" id=\"v{id}-by\">\n    <strong>{author}</strong>\n"
    );
    for (on, class, key) in [
        (p.by_trainer, "badge badge-trainer", "disc.trainer_badge"),
        (p.is_best, "badge", "disc.best_badge"),
        (p.is_new, "badge badge-new", "disc.new_badge"),
    ] {
        if on {
            let _ = writeln!(
                html,
                "    <span class=\"{class}\">{}</span>",
                ui_text(t, key, &[])
            );
        }
    }
    let edited = match non_empty(&p.edited_label) {
        Some(at) => format!(" · {}", ui_text(t, "disc.edited", &[("at", at)])),
        None => String::new(),
    };
    let _ = write!(
        html,
        "    <span class=\"meta\"><time datetime=\"{}\">{}</time>{edited}</span>\n  </p>\n",
        format::rfc3339(p.created_at),
        esc(&format::datetime(lang, p.created_at)),
    );
    if p.hidden {
        html.push_str("  <div class=\"alert alert-error post-hidden-note\">\n");
        if p.show_body {
            let key = if p.mine {
                "disc.hidden_yours"
            } else {
                "disc.hidden_moderator"
            };
            let _ = writeln!(html, "    <p>{}</p>", ui_text(t, key, &[]));
            if let Some(reason) = non_empty(&p.hidden_reason) {
                let _ = writeln!(
                    html,
                    "    <p>{} {}</p>",
                    ui_text(t, "disc.hidden_reason", &[]),
                    esc(reason)
                );
            }
        } else {
            let _ = writeln!(html, "    <p>{}</p>", ui_text(t, "disc.hidden_others", &[]));
        }
        html.push_str("  </div>\n");
    }
    if let Some(r) = &p.redacted {
        let at = format::date(lang, format::helsinki_date(r.at));
        let reason = if r.reason.is_empty() {
            String::new()
        } else {
            format!(
                " {} {}",
                ui_text(t, "disc.hidden_reason", &[]),
                esc(&r.reason)
            )
        };
        let _ = writeln!(
            html,
            "  <div class=\"alert alert-info post-redacted-note\"><p>{}{reason}</p></div>",
            ui_text(t, "redaction.notice", &[("at", &at)])
        );
    } else if p.show_body {
        let _ = writeln!(html, "  <div class=\"post-body\">{}</div>", p.body_html);
    }
    write_actions(html, t, p, a);
    if !p.replies.is_empty() {
        let _ = writeln!(
            html,
            "  <ol class=\"replies\" aria-label=\"{}\">",
            ui_text(t, "disc.replies_label", &[])
        );
        for r in &p.replies {
            html.push_str("    <li>");
            write_post(html, t, lang, r, a);
            html.push_str("</li>\n");
        }
        html.push_str("  </ol>\n");
    }
    html.push_str("</article>\n");
}

/// Reply, edit, history, best answer, hide or restore, report, redaction: each named for
/// screen readers with the post's label.
fn write_actions(html: &mut String, t: &Catalog, p: &PostView, a: &Actions<'_>) {
    let id = p.id;
    let label = format!("<span class=\"visually-hidden\">: {}</span>", esc(&p.label));
    let link =
        |href: String, key: &str| format!("<a href=\"{href}\">{}{label}</a>", ui_text(t, key, &[]));
    let form = |action: &str, key: &str| {
        format!(
            "<form method=\"post\" action=\"/keskustelut/viesti/{id}/{action}\" class=\"inline-form\">\
             <input type=\"hidden\" name=\"csrf_token\" value=\"{}\">\
             <button type=\"submit\" class=\"link-button\">{}{label}</button></form>",
            esc(a.csrf_token),
            ui_text(t, key, &[])
        )
    };
    let open = p.redacted.is_none();
    let mut actions: Vec<String> = Vec::new();
    if a.can_post && p.show_body && !p.hidden && open {
        let href = format!("/keskustelut/ketju/{}?vastaa={id}#vastaa", a.thread_id);
        actions.push(link(href, "disc.reply"));
    }
    if p.can_edit {
        actions.push(link(
            format!("/keskustelut/viesti/{id}/muokkaa"),
            "disc.edit",
        ));
    }
    if a.moderates && non_empty(&p.edited_label).is_some() && open {
        actions.push(link(
            format!("/keskustelut/viesti/{id}/historia"),
            "disc.history",
        ));
    }
    if p.can_mark_best {
        let key = if p.is_best {
            "disc.unmark_best"
        } else {
            "disc.mark_best"
        };
        actions.push(form("paras", key));
    }
    if a.moderates {
        actions.push(if p.hidden {
            form("palauta", "disc.restore")
        } else {
            link(format!("/keskustelut/viesti/{id}/piilota"), "disc.hide")
        });
    }
    if p.can_report {
        actions.push(link(
            format!("/keskustelut/viesti/{id}/ilmoita"),
            "disc.report",
        ));
    }
    if p.can_ask_redaction {
        let href = format!("/keskustelut/viesti/{id}/poistopyynto");
        actions.push(link(href, "redaction.request_link"));
    }
    if p.can_redact {
        let href = format!("/keskustelut/viesti/{id}/poista-teksti");
        actions.push(link(href, "redaction.link"));
    }
    // Apart by white space, as the template wrote them: the links are inline.
    let _ = write!(
        html,
        "  <div class=\"post-actions\">\n    {}\n  </div>\n",
        actions.join("\n    ")
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discussions::redaction::RedactionInfo;
    use chrono::NaiveDate;

    fn at(h: u32) -> chrono::NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_opt(h, 15, 0)
            .unwrap()
    }

    fn written(id: i64) -> PostView {
        PostView {
            id,
            parent_id: None,
            author_name: Some("Maija <b>Meikäläinen</b>".into()),
            mine: false,
            by_trainer: false,
            body_html: "<p>Kirjaa <em>asiakkaan</em> oma näkemys.</p>".into(),
            hidden: false,
            hidden_reason: None,
            show_body: true,
            created_at: at(8),
            created_label: String::new(),
            label: "Maija <b>, 3.12.".into(),
            edited_label: None,
            is_new: false,
            is_best: false,
            is_answer: false,
            can_edit: false,
            can_mark_best: false,
            can_report: true,
            redacted: None,
            can_redact: false,
            can_ask_redaction: false,
            replies: Vec::new(),
        }
    }

    fn catalog(lang: Lang) -> Catalog {
        Catalog::load(lang).unwrap()
    }

    #[test]
    fn what_people_wrote_is_escaped_and_the_stored_body_kept() {
        let mut p = written(7);
        p.replies = vec![written(8)];
        let a = Actions {
            csrf_token: "tok\"en",
            thread_id: 3,
            moderates: false,
            can_post: true,
        };
        let html = post(&catalog(Lang::Fi), Lang::Fi, &p, &a);
        assert!(html.contains("<strong>Maija &lt;b&gt;Meikäläinen&lt;/b&gt;</strong>"));
        assert!(html.contains(
            "<div class=\"post-body\"><p>Kirjaa <em>asiakkaan</em> oma näkemys.</p></div>"
        ));
        assert!(
            html.contains(
                "<time datetime=\"2026-12-03T10:15:00+02:00\">3.12.2026 klo 10.15</time>"
            ),
            "{html}"
        );
        assert!(html.contains("<a href=\"/keskustelut/ketju/3?vastaa=7#vastaa\">Vastaa<span class=\"visually-hidden\">: Maija &lt;b&gt;, 3.12.</span></a>"), "{html}");
        // The reply sits inside its answer, in the list screen readers announce.
        let replies = html.find("<ol class=\"replies\"").unwrap();
        assert!(html[replies..].contains("id=\"v8\""));
        assert!(html.matches("<article").count() == 2 && html.ends_with("</article>\n"));
        // Nothing to moderate for a trainee: no hiding, no forms.
        assert!(!html.contains("piilota") && !html.contains("<form"));
    }

    #[test]
    fn hidden_and_redacted_posts_and_the_moderators_actions() {
        let mut hidden = written(9);
        hidden.hidden = true;
        hidden.hidden_reason = Some("Asiaton <i>".into());
        hidden.edited_label = Some("2.12. klo 11.30".into());
        let mut redacted = written(10);
        redacted.redacted = Some(RedactionInfo {
            at: at(9),
            reason: "Henkilötieto & muu".into(),
        });
        let a = Actions {
            csrf_token: "abc",
            thread_id: 3,
            moderates: true,
            can_post: true,
        };
        let html = list(&catalog(Lang::Sv), Lang::Sv, &[hidden, redacted], &a);
        assert!(html.starts_with("<li>") && html.ends_with("</li>"));
        assert!(html.contains("post post-hidden"));
        assert!(html.contains("Asiaton &lt;i&gt;"));
        // A moderator restores a hidden post with a form carrying the token; sees the history.
        assert!(html.contains("action=\"/keskustelut/viesti/9/palauta\""));
        assert!(html.contains("<input type=\"hidden\" name=\"csrf_token\" value=\"abc\">"));
        assert!(html.contains("/keskustelut/viesti/9/historia"));
        // The redacted post: its date in Swedish, the reason escaped, no body, no reply link.
        assert!(html.contains("3.12.2026") && html.contains("Henkilötieto &amp; muu"));
        let redacted_part = &html[html.find("id=\"v10\"").unwrap()..];
        assert!(!redacted_part.contains("post-body") && !redacted_part.contains("vastaa=10"));
        assert!(redacted_part.contains("/keskustelut/viesti/10/piilota"));
    }
}
