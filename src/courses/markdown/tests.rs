//! Unit tests for `courses::markdown`: a hostile corpus against both sanitisers, and the helpers.

use super::headings::slugify;
use super::*;

/// Inputs that try to run script, load something or restyle the page.
const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "a <script>alert(1)</script> b",
    "<img src=x onerror=alert(1)>",
    "<img src=\"x\" onerror=\"alert(1)\"/> inline",
    "![kuva](x \"t\")",
    "![kuva](javascript:alert(1))",
    "[klikkaa](javascript:alert(1))",
    "[klikkaa](JaVaScRiPt:alert(1))",
    "[klikkaa](java&#x09;script:alert(1))",
    "[klikkaa](java&#x0A;script:alert(1))",
    "[klikkaa](&#106;avascript:alert(1))",
    "[klikkaa](  javascript:alert(1) )",
    "[klikkaa](<javascript:alert(1)>)",
    "[klikkaa](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[klikkaa](DATA:text/html,<script>alert(1)</script>)",
    "[klikkaa](vbscript:msgbox(1))",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<data:text/html,hi>",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<form action=\"https://evil.example\"><input name=p><button>OK</button></form>",
    "<p style=\"background:url(javascript:alert(1))\">tyyli</p>",
    "<div style=\"position:fixed;top:0\">peitto</div>",
    "<style>body{display:none}</style>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\">x</a>",
    "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:/\">",
    "<link rel=stylesheet href=//evil.example/x.css>",
    "<details open ontoggle=alert(1)>x</details>",
    "<!-- <script>alert(1)</script> -->",
    "<<script>script>alert(1)<</script>/script>",
    "`<script>` in code and\n\n```\n<script>alert(1)</script>\n```",
    "## Otsikko {#x onclick=alert(1)}",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    "- [x] <img src=x onerror=alert(1)>",
];

/// Things that must not appear in any sanitised output (checked case-insensitively).
const FORBIDDEN: &[&str] = &[
    "<script",
    "onerror",
    "onload",
    "onclick",
    "ontoggle",
    "javascript:",
    "vbscript:",
    "data:",
    "<svg",
    "<math",
    "<iframe",
    "<form",
    "<input",
    "<button",
    "<object",
    "<embed",
    "<meta",
    "<base",
    "<link",
    "<style",
    "style=",
    "srcdoc",
];

fn assert_clean(kind: &str, input: &str, output: &str) {
    let lower = output.to_lowercase();
    for bad in FORBIDDEN {
        // `javascript:` and the like may survive as *escaped text* of a link label or of
        // raw HTML shown as text; what matters is that no tag or attribute carries them.
        let as_text = output.contains(&format!("&lt;{}", bad.trim_start_matches('<')));
        if lower.contains(bad) && !as_text && !only_in_text(&lower, bad) {
            panic!("{kind}: {bad:?} survived\n input: {input:?}\noutput: {output}");
        }
    }
}

/// True when every occurrence of `needle` is outside a tag (i.e. inside text content).
fn only_in_text(html: &str, needle: &str) -> bool {
    let mut in_tag = false;
    let bytes = html.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            _ => {}
        }
        if in_tag && html[i..].starts_with(needle.trim_start_matches('<')) {
            return false;
        }
    }
    true
}

#[test]
fn user_posts_keep_nothing_hostile() {
    for input in HOSTILE {
        let out = render_user(input);
        assert_clean("render_user", input, &out);
        assert!(!out.contains("<img"), "img in user post: {out}");
        assert!(!out.contains("class="), "class in user post: {out}");
        assert!(!out.contains(" id="), "id in user post: {out}");
    }
}

#[test]
fn trusted_content_keeps_nothing_hostile() {
    for input in HOSTILE {
        assert_clean("render_trusted", input, &render_trusted(input));
    }
}

#[test]
fn user_raw_html_is_shown_as_text() {
    let out = render_user("Hei <b>lihava</b> ja <script>alert(1)</script>");
    assert_eq!(
        out,
        "<p>Hei &lt;b&gt;lihava&lt;/b&gt; ja &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    );
    let block = render_user("<div onclick=\"x()\">\nhei\n</div>");
    assert!(block.starts_with("<p>&lt;div onclick="), "{block}");
}

#[test]
fn user_links_get_rel_and_only_allowed_schemes() {
    let out = render_user("[koti](https://thl.fi) ja <mailto:a@b.fi> ja [x](ftp://x.fi)");
    assert!(
        out.contains("<a href=\"https://thl.fi\" rel=\"noopener noreferrer nofollow\">koti</a>")
    );
    assert!(out.contains("href=\"mailto:a@b.fi\""));
    assert!(!out.contains("ftp:"), "{out}");
    // The tab is percent-encoded, so the browser sees a harmless relative path.
    let tab = render_user("[x](java&#x09;script:alert(1))");
    assert!(tab.contains("href=\"java%09script:alert(1)\""), "{tab}");
}

#[test]
fn user_images_become_links_and_headings_are_demoted() {
    let out = render_user("# Iso\n\n![kuva](https://x.fi/a.png)\n\n- [x] tehty");
    assert!(out.contains("<h3>Iso</h3>"), "{out}");
    assert!(
        out.contains(
            "<a href=\"https://x.fi/a.png\" rel=\"noopener noreferrer nofollow\">kuva</a>"
        ),
        "{out}"
    );
    assert!(out.contains("[x] tehty"), "{out}");
}

#[test]
fn user_tables_and_lists_survive_without_style() {
    let out = render_user("| a | b |\n|:-:|--:|\n| 1 | 2 |\n\n3. kolme\n\n~~pois~~");
    assert!(
        out.contains("<table>") && out.contains("<th>a</th>"),
        "{out}"
    );
    assert!(!out.contains("style"), "{out}");
    assert!(out.contains("<ol start=\"3\">"), "{out}");
    assert!(out.contains("<del>pois</del>"), "{out}");
}

#[test]
fn user_text_round_trips_finnish_and_swedish() {
    let out = render_user("Äänekoski Åbo – \"lainaus\" & 1 < 2");
    assert_eq!(out, "<p>Äänekoski Åbo – \"lainaus\" &amp; 1 &lt; 2</p>\n");
}

#[test]
fn trusted_keeps_course_markup() {
    let md = "## Mitä kirjaaminen on?\n\nTeksti[^1] ja ~~vanha~~.\n\n\
              | A | B |\n|:--|--:|\n| 1 | 2 |\n\n- [x] tehty\n- [ ] tekemättä\n\n\
              ![Kaavio](/kurssimateriaali/k/kaavio.png \"Otsikko\")\n\n\
              <details><summary>Vastaus</summary>Piilossa</details>\n\n[^1]: Alaviite.\n";
    let out = render_trusted(md);
    assert!(out.contains("<h2 id=\"mita-kirjaaminen-on\">"), "{out}");
    assert!(
        out.contains("<sup class=\"footnote-reference\"><a href=\"#1\" rel=\"noopener noreferrer\">1</a></sup>"),
        "{out}"
    );
    assert!(
        out.contains("<div class=\"footnote-definition\" id=\"1\">"),
        "{out}"
    );
    assert!(
        out.contains("<th style=\"text-align:left\">A</th>"),
        "{out}"
    );
    assert!(
        out.contains("<li>☑ tehty</li>") && out.contains("<li>☐ tekemättä</li>"),
        "{out}"
    );
    assert!(!out.contains("<input"), "{out}");
    assert!(
        out.contains(
            "<img src=\"/kurssimateriaali/k/kaavio.png\" alt=\"Kaavio\" title=\"Otsikko\">"
        ),
        "{out}"
    );
    assert!(
        out.contains("<details><summary>Vastaus</summary>Piilossa</details>"),
        "{out}"
    );
    assert!(out.contains("<del>vanha</del>"), "{out}");
}

#[test]
fn trusted_removes_scripts_handlers_and_bad_schemes() {
    let out = render_trusted(
        "<p onclick=\"x()\" style=\"color:red\">a</p>\n\n[b](javascript:x()) <script>y()</script>\
         <input type=\"text\" name=\"p\">",
    );
    assert!(!out.contains("onclick") && !out.contains("color"), "{out}");
    assert!(!out.contains("javascript") && !out.contains("<script") && !out.contains("y()"));
    assert!(!out.contains("<input") && !out.contains("name="), "{out}");
}

#[test]
fn heading_ids_are_unique_and_form_the_toc() {
    let md = "# Pää\n\n## Osa\n\n### Osa\n\n## Osa {#oma}\n\n#### Syvä\n\n## `koodi` ja *tyyli*\n";
    let events: Vec<_> = Parser::new_ext(md, options()).collect();
    let (_events, toc) = assign_heading_ids(events);
    let got: Vec<_> = toc
        .iter()
        .map(|t| (t.level, t.id.as_str(), t.title.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (2, "osa", "Osa"),
            (3, "osa-2", "Osa"),
            (2, "oma", "Osa"),
            (2, "koodi-ja-tyyli", "koodi ja tyyli"),
        ]
    );
}

#[test]
fn slugify_keeps_letters_and_joins_words() {
    assert_eq!(slugify("Mitä kirjaaminen on?"), "mita-kirjaaminen-on");
    assert_eq!(
        slugify("  1. Johdanto -- ÅBO_x Työ "),
        "1-johdanto-abo-x-tyo"
    );
    assert_eq!(slugify("Δέλτα 2"), "δέλτα-2");
    assert_eq!(slugify("?!"), "section");
    assert_eq!(slugify(""), "section");
}

#[test]
fn plain_text_drops_markup() {
    let md = "+++\ntitle = \"x\"\n+++\n# Otsikko\n\nTeksti *korostettu* ja `koodi`.\n\
              Rivi kaksi.\n\n- yksi\n- kaksi\n\n<b>html</b>\n";
    assert_eq!(
        plain_text(md),
        "Otsikko\nTeksti korostettu ja koodi. Rivi kaksi.\nyksi\nkaksi\nhtml"
    );
    assert_eq!(plain_text(""), "");
}

#[test]
fn deep_raw_html_in_course_text_is_bounded() {
    let deep = "<div>".repeat(200_000);
    let out = render_trusted(&deep);
    assert!(
        out.contains("&lt;div&gt;"),
        "over the budget raw HTML is text"
    );
    let few = render_trusted("<details><summary>Vastaus</summary>Piilossa</details>");
    assert!(few.starts_with("<details>"), "{few}");
}

#[test]
fn no_panic_on_odd_input() {
    let deep_quote = ">".repeat(50_000);
    let deep_list = "- ".repeat(20_000);
    let brackets = "[".repeat(50_000) + &"]".repeat(50_000);
    let nested_html = "<div>".repeat(2_000);
    for input in [
        "",
        "\0",
        "\u{202e}gnp.exe",
        &deep_quote,
        &deep_list,
        &brackets,
        &nested_html,
    ] {
        assert!(render_user(input).len() < 100 * input.len() + 100);
        let _ = render_trusted(input);
        let _ = plain_text(input);
    }
}
