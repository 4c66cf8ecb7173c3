//! Unit tests for the compiler's rules, each on a small course written to a temporary folder.

use std::fs;
use std::path::Path;

use super::*;

const COURSE: &str = "title = \"T\"\nkind = \"basic\"\nlanguage = \"fi\"\nversion = \"1\"\n\
                      summary = \"S\"\n";
const MODULE: &str = "+++\ntitle = \"Alku\"\n+++\nJohdanto.\n";
const LESSON: &str = "+++\ntitle = \"Eka\"\n+++\nTeksti.\n\n```sources\n- Lähde\n```\n";
/// Every lesson needs its sources; the tests' lessons end with this block, so the lines
/// above it keep their numbers.
const SOURCES: &str = "\n\n```sources\n- Lähde\n```\n";

/// Writes course `c` (a minimal valid course, with `files` added or replacing) into a temp
/// root, compiles the root and returns the output and diagnostics relative to the root.
fn compile(files: &[(&str, &[u8])]) -> (CompileOutput, Vec<String>) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut all: Vec<(&str, &[u8])> = vec![
        ("c/course.toml", COURSE.as_bytes()),
        ("c/01-alku/module.md", MODULE.as_bytes()),
        ("c/01-alku/01-eka.md", LESSON.as_bytes()),
    ];
    all.extend_from_slice(files);
    for (rel, bytes) in all {
        let path = tmp.path().join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).expect("mkdir");
        }
        fs::write(&path, bytes).expect("write");
    }
    let out = compile_dir(tmp.path());
    let lines = relative(&out, tmp.path());
    (out, lines)
}

fn relative(out: &CompileOutput, base: &Path) -> Vec<String> {
    out.diagnostics
        .iter()
        .map(|d| {
            let path = d.path.strip_prefix(base).unwrap_or(&d.path).to_path_buf();
            Diagnostic { path, ..d.clone() }.to_string()
        })
        .collect()
}

fn lesson(body: &str) -> String {
    format!("+++\ntitle = \"Eka\"\n+++\n{body}{SOURCES}")
}

fn diags_for_lesson(body: &str) -> Vec<String> {
    compile(&[("c/01-alku/01-eka.md", lesson(body).as_bytes())]).1
}

#[test]
fn the_minimal_course_compiles() {
    let (out, lines) = compile(&[]);
    assert_eq!(lines, Vec::<String>::new());
    assert_eq!(out.courses.len(), 1);
    assert!(out.is_clean());
}

#[test]
fn nul_bytes_and_bad_utf8_are_located() {
    let (_, lines) = compile(&[("c/01-alku/01-eka.md", b"+++\ntitle = \"Eka\"\n+++\nab\0c\n")]);
    assert_eq!(
        lines,
        [
            "c/01-alku/01-eka.md:4:3: file contains a NUL byte (it is not a text file, or it is \
          damaged)"
        ]
    );
    let (_, lines) = compile(&[("c/course.toml", b"title = \"\xff\"\n")]);
    assert_eq!(
        lines,
        ["c/course.toml:1:10: file is not valid UTF-8: save it with the UTF-8 encoding"]
    );
}

#[test]
fn crlf_and_byte_order_mark_are_fine() {
    let text =
        "\u{feff}+++\r\ntitle = \"Eka\"\r\nminutes = 3\r\n+++\r\n## Osa\r\n\r\nTeksti.\r\n\r\n\
                ```sources\r\n- Lähde\r\n```\r\n";
    let (out, lines) = compile(&[("c/01-alku/01-eka.md", text.as_bytes())]);
    assert_eq!(lines, Vec::<String>::new());
    let (_, l) = out.courses[0].lessons().next().expect("lesson");
    assert_eq!((l.minutes, l.toc[0].id.as_str()), (3, "osa"));
}

#[test]
fn all_diagnostics_are_collected_and_sorted() {
    let (out, lines) = compile(&[
        ("c/01-alku/02-toka.md", b"ei front matteria"),
        ("c/01-alku/01-eka.md", lesson("[x](puuttuu.md)\n\n[y](javascript:alert(1))\n").as_bytes()),
        ("c/course.toml", b"title = \"T\"\nkind = \"perus\"\nlanguage = \"fi\"\nversion = \"1\"\nsummary = \"S\"\n"),
    ]);
    assert!(out.courses.is_empty());
    assert_eq!(
        lines,
        [
            "c/01-alku/01-eka.md:4:1: broken link `puuttuu.md`: there is no lesson file \
             `01-alku/puuttuu.md` in this course",
            "c/01-alku/01-eka.md:6:1: link `javascript:alert(1)` uses the scheme `javascript:`; \
             only http, https and mailto links are allowed",
            "c/01-alku/02-toka.md:1:1: missing front matter: the file must start with a line \
             `+++`, then keys such as `title = \"…\"`, then another line `+++` (did you forget \
             the `+++` block at the top?)",
            "c/course.toml:2:8: `kind = \"perus\"`: the kind is \"basic\" or \"refresher\"",
        ]
    );
}

#[test]
fn refresher_keys_follow_the_kind() {
    let refresher = "title = \"K\"\nkind = \"refresher\"\nlanguage = \"fi\"\nversion = \"1\"\n\
                     summary = \"S\"\nrefreshes = \"c\"\ncompetence_valid_months = 36\n\
                     training_activity_months = 12\n";
    let module = MODULE.as_bytes();
    let (out, lines) = compile(&[
        ("k/course.toml", refresher.as_bytes()),
        ("k/01-alku/module.md", module),
        ("k/01-alku/01-eka.md", LESSON.as_bytes()),
    ]);
    assert_eq!(lines, Vec::<String>::new());
    let k = out
        .courses
        .iter()
        .find(|c| c.slug == "k")
        .expect("refresher");
    assert_eq!(k.refreshes.as_deref(), Some("c"));
    assert_eq!(
        (k.competence_valid_months, k.training_activity_months),
        (Some(36), Some(12))
    );

    let missing = refresher
        .replace("training_activity_months = 12\n", "")
        .replace("refreshes = \"c\"", "refreshes = \"ei-ole\"");
    let (out, lines) = compile(&[
        ("k/course.toml", missing.as_bytes()),
        ("k/01-alku/module.md", module),
        ("k/01-alku/01-eka.md", LESSON.as_bytes()),
    ]);
    assert_eq!(out.courses.len(), 1, "the basic course still compiles");
    assert_eq!(
        lines,
        [
            "k/course.toml:1:1: a refresher course needs `refreshes`, `competence_valid_months` \
             and `training_activity_months`: `training_activity_months` is missing",
            "k/course.toml:6:13: `refreshes = \"ei-ole\"`: there is no course folder `ei-ole` \
             next to this one",
        ]
    );

    let basic = format!("{COURSE}competence_valid_months = 0\n");
    let (_, lines) = compile(&[("c/course.toml", basic.as_bytes())]);
    assert_eq!(
        lines,
        [
            "c/course.toml:6:27: `competence_valid_months` is only for refresher courses \
          (kind = \"refresher\"); remove it from a basic course"
        ]
    );
}

#[test]
fn numbers_and_slugs_must_be_unique() {
    let (_, lines) = compile(&[
        ("c/01-alku/001-kolmas.md", LESSON.as_bytes()),
        ("c/01-toinen/module.md", MODULE.as_bytes()),
        ("c/01-toinen/01-x.md", LESSON.as_bytes()),
    ]);
    assert_eq!(
        lines,
        [
            "c/01-alku/01-eka.md:1:1: number 01 is used twice in this folder: `001-kolmas.md` \
             and `01-eka.md`; give each its own number",
            "c/01-toinen:1:1: number 01 is used twice in this folder: `01-alku` and \
             `01-toinen`; give each its own number",
        ]
    );
    let (_, lines) = compile(&[
        ("c/02-alku/module.md", MODULE.as_bytes()),
        ("c/02-alku/01-toka.md", LESSON.as_bytes()),
    ]);
    assert_eq!(
        lines,
        [
            "c/02-alku:1:1: module slug `alku` is used twice: `01-alku` and `02-alku`; module \
          slugs must be unique within the course"
        ]
    );
}

#[test]
fn folder_rules() {
    let (_, lines) = compile(&[
        ("c/.git/config", b"x"),
        ("c/01-alku/.DS_Store", b"\0\0"),
        ("c/02-tyhja/module.md", MODULE.as_bytes()),
        ("c/03-ilman/01-x.md", LESSON.as_bytes()),
        ("c/01-alku/kuvat/a.png", b"x"),
        ("c/04-vaara.md", LESSON.as_bytes()),
    ]);
    assert_eq!(
        lines,
        [
            "c/01-alku/kuvat:1:1: unexpected folder `kuvat`: a module folder holds only \
             `module.md` and lesson files; images go in the course's `assets/` folder",
            "c/02-tyhja:1:1: module has no lessons: add a file such as `01-aloitus.md`",
            "c/03-ilman:1:1: module folder has no `module.md` (it gives the module its title)",
            "c/04-vaara.md:1:1: `04-vaara.md`: lesson files belong in a module folder \
             (`NN-slug/`), not directly in the course folder",
        ]
    );
    let (_, lines) = compile(&[("Iso Kurssi/course.toml", COURSE.as_bytes())]);
    assert_eq!(
        lines,
        [
            "Iso Kurssi:1:1: course folder `Iso Kurssi`: the folder name is the course's \
             address, so use only lower-case letters a-z, digits and hyphens (e.g. \
             `kirjaamisvalmennus`)",
            "Iso Kurssi:1:1: course has no modules: add a folder such as `01-johdanto/` with a \
             `module.md`",
        ]
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let err = compile_course(tmp.path()).expect_err("no course.toml");
    assert!(
        err.iter()
            .any(|d| d.message.starts_with("missing course.toml")),
        "{err:?}"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let c = tmp.path().join("c");
    super::fixture_tests::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/courses/valid/demo-course"),
        &c,
    );
    std::os::unix::fs::symlink("/etc/passwd", c.join("assets/salasanat.png")).expect("symlink");
    let out = compile_dir(tmp.path());
    assert_eq!(
        relative(&out, tmp.path()),
        [
            "c/assets/salasanat.png:1:1: symbolic links are not allowed in a course: put the file \
          itself here"
        ]
    );
}

#[test]
fn front_matter_values_are_checked() {
    let (_, lines) = compile(&[
        (
            "c/01-alku/module.md",
            b"+++\ntitle = \"A\"\ntheme = \"kirjaaminen\"\n+++\n",
        ),
        (
            "c/01-alku/01-eka.md",
            "+++\ntitle = \" \"\nminutes = 0\ndiscussion = \"\"\n+++\n```sources\n- L\n```\n"
                .as_bytes(),
        ),
    ]);
    assert_eq!(
        lines,
        [
            "c/01-alku/01-eka.md:2:9: front matter: `title` must not be empty",
            "c/01-alku/01-eka.md:3:11: front matter: `minutes` must be at least 1 (or leave it \
             out to estimate it from the word count)",
            "c/01-alku/01-eka.md:4:14: front matter: `discussion` must not be empty",
            "c/01-alku/module.md:3:9: front matter: unknown theme `kirjaaminen`: use one of \
             client-centred, multiprofessional, structured, archiving, secondary-use",
        ]
    );
}

#[test]
fn blocks_are_checked() {
    let body = "Teksti.\n\n```summary\n```\n\n```summary\nToinen.\n```\n\n\
                ```check\nquestion = \"\"\nchoices = [\"A\"]\ncorrect = [0, 0]\nexplain = \"E\"\n```\n\n\
                ```check\nquestion = \"Q\"\nchoices = [\"A\", \"B\"]\ncorrect = []\nexplain = \"E\"\n```\n\n\
                ```check\nquestion = \"Q\"\n```\n";
    assert_eq!(
        diags_for_lesson(body),
        [
            "c/01-alku/01-eka.md:6:1: the `summary` block is empty: write the condensed lesson \
             in it",
            "c/01-alku/01-eka.md:9:1: a second `summary` block: a lesson has at most one summary",
            "c/01-alku/01-eka.md:14:12: check: 'question' is empty",
            "c/01-alku/01-eka.md:15:11: check: 'choices' needs at least 2 choices (found 1)",
            "c/01-alku/01-eka.md:16:11: check: 'correct' lists index 0 twice",
            "c/01-alku/01-eka.md:23:11: check: 'correct' must list at least one index \
             (zero-based)",
            "c/01-alku/01-eka.md:27:1: check: missing required key `choices`",
        ]
    );
    let (_, lines) = compile(&[(
        "c/01-alku/module.md",
        b"+++\ntitle = \"A\"\n+++\n```check\nquestion = \"Q\"\n```\n",
    )]);
    assert_eq!(
        lines,
        ["c/01-alku/module.md:4:1: `check` blocks belong in lessons, not in module.md"]
    );
}

#[test]
fn diagnostics_inside_blocks_point_into_the_file() {
    let body = "- lista\n\n  ```summary\n  Katso [x](puuttuu.md).\n  ```\n\n\
                > ```check\n> question = \"Q\"\n> choices = [\"A\", \"B\"]\n> correct = [2]\n\
                > explain = \"E\"\n> ```\n";
    assert_eq!(
        diags_for_lesson(body),
        [
            "c/01-alku/01-eka.md:7:9: broken link `puuttuu.md`: there is no lesson file \
             `01-alku/puuttuu.md` in this course",
            "c/01-alku/01-eka.md:13:13: check: 'correct' index 2 is out of range (2 choices)",
        ]
    );
}

#[test]
fn links_and_images_are_checked() {
    let body = "![ulkoinen](https://example.com/a.png)\n\n![data](data:image/png;base64,AA)\n\n\
                [ok](https://thl.fi) [posti](mailto:a@b.fi) <https://thl.fi> [ankkuri](#osa)\n\n\
                [tyhjä]() [tiedosto](muistiinpanot.txt) [moduuli](module.md)\n";
    assert_eq!(
        diags_for_lesson(body),
        [
            "c/01-alku/01-eka.md:4:1: image `https://example.com/a.png` uses `https:`; images \
             must be files in the course's `assets/` folder",
            "c/01-alku/01-eka.md:6:1: image `data:image/png;base64,AA` uses `data:`; images must \
             be files in the course's `assets/` folder",
            "c/01-alku/01-eka.md:10:1: link has no target: write [text](target)",
            "c/01-alku/01-eka.md:10:11: link `muistiinpanot.txt` must point to a lesson file \
             (`….md`), a file in `assets/`, or an http(s) or mailto address",
            "c/01-alku/01-eka.md:10:41: link `module.md` points to a module.md; link to one of \
             its lessons instead",
        ]
    );
}

#[test]
fn minutes_are_estimated_from_words() {
    let words = "sana ".repeat(301);
    let (out, lines) = compile(&[("c/01-alku/01-eka.md", lesson(&words).as_bytes())]);
    assert_eq!(lines, Vec::<String>::new());
    let (_, l) = out.courses[0].lessons().next().expect("lesson");
    assert_eq!((l.word_count, l.minutes), (301, 3));
}

#[test]
fn too_much_raw_html_is_an_error() {
    let body = format!("Alku.\n\n{}", "<span>".repeat(3_000));
    assert_eq!(
        diags_for_lesson(&body),
        ["c/01-alku/01-eka.md:6:12001: too much raw HTML: more than 2000 tags in one text; write it \
          in Markdown"]
    );
}

#[test]
fn a_second_front_matter_block_is_an_error() {
    let lines = diags_for_lesson("+++\ntitle = \"Toinen\"\n+++\n");
    assert_eq!(
        lines,
        [
            "c/01-alku/01-eka.md:4:1: a second `+++` block: front matter comes once, at the very \
          top of the file"
        ]
    );
}

/// A small deterministic generator (xorshift), so the fuzz test needs no extra crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = (self.next() % items.len() as u64) as usize;
        items.get(i).copied().unwrap_or("")
    }
}

#[test]
fn no_panic_on_random_input() {
    let pieces = [
        "+++",
        "\n",
        "\r\n",
        "title = \"x\"",
        "minutes = ",
        "99999999999",
        "-1",
        "\"",
        "[",
        "]",
        "(",
        ")",
        "![",
        "](",
        "../",
        "/",
        "assets/",
        ".md",
        "#",
        "```",
        "```check",
        "```summary",
        "correct = [",
        "choices = [\"a\"",
        "question = \"q\"",
        "explain = \"e\"",
        "> ",
        "- ",
        "|",
        "---",
        "<div>",
        "<script>",
        "&#x09;",
        "javascript:",
        "ä",
        "\u{202e}",
        "\u{feff}",
        "\t",
        "    ",
        "[^1]",
        "[^1]: x",
        "{#id}",
        "*",
        "_",
        "`",
        "\\",
        "%",
        "%ff",
        ":",
        "=",
        "\0",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let tmp = tempfile::tempdir().expect("tempdir");
    let c = tmp.path().join("c");
    fs::create_dir_all(c.join("01-alku")).expect("mkdir");
    fs::write(c.join("course.toml"), COURSE).expect("write");
    for round in 0..300 {
        let mut files = [String::new(), String::new(), String::new()];
        for file in &mut files {
            if round % 3 != 0 {
                file.push_str("+++\ntitle = \"x\"\n+++\n");
            }
            for _ in 0..(rng.next() % 200) {
                file.push_str(rng.pick(&pieces));
            }
        }
        let [module, first, second] = &files;
        fs::write(c.join("01-alku/module.md"), module).expect("write");
        fs::write(c.join("01-alku/01-eka.md"), first).expect("write");
        let mut bytes = second.clone().into_bytes();
        if round % 5 == 0 {
            bytes.push(0xc3);
        }
        fs::write(c.join("01-alku/02-toka.md"), bytes).expect("write");
        let out = compile_dir(tmp.path());
        assert_eq!(
            out.courses.len() + usize::from(!out.diagnostics.is_empty()),
            1
        );
    }
}
