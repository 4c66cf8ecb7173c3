//! Fuzzes the crate's Markdown rendering (`courses::markdown`) in memory: course Markdown
//! (`render_trusted`), what users write (`render_user`) and `plain_text`. None may panic, and
//! the output must be free of script.

#![no_main]

use kirjaamo::courses::markdown::{plain_text, render_trusted, render_user};
use libfuzzer_sys::fuzz_target;

mod html_check;

fuzz_target!(|md: &str| {
    for html in [render_trusted(md), render_user(md)] {
        if let Some(problem) = html_check::problem(&html) {
            panic!("{problem} in the rendered HTML: {html}");
        }
    }
    let _ = plain_text(md);
});
