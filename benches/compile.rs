//! How long the course compiler takes: (a) the real courses in `courses/`, (b) a generated
//! course of 1,000 lessons (10 modules × 100 lessons of ~600 words). A measurement, not a
//! test: it prints figures and whether the targets were met, and never fails on timing.
//!
//! `cargo bench --bench compile`. `KIRJAAMO_BENCH_KEEP=<folder>` keeps the generated course in
//! `<folder>/generoitu-kurssi`. It fails only when a course does not compile cleanly (the
//! figures of a course with errors would mean nothing).

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use kirjaamo::courses::{compile_course, compile_dir, CompiledCourse};

const REAL_RUNS: usize = 20;
const REAL_TARGET: Duration = Duration::from_millis(50);

const MODULES: usize = 10;
const LESSONS_PER_MODULE: usize = 100;
const GENERATED_RUNS: usize = 5;
const GENERATED_TARGET: Duration = Duration::from_secs(1);

fn main() -> anyhow::Result<()> {
    println!(
        "course compiler benchmark (bench profile = release, the compiler runs on one thread)"
    );
    println!();

    // (a) The real courses.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("courses");
    let warm = compile_dir(&root);
    if !warm.is_clean() {
        for d in warm.diagnostics.iter().take(20) {
            eprintln!("{d}");
        }
        anyhow::bail!(
            "{} has {} diagnostics; fix them (`cargo run -- courses check`) before benchmarking",
            root.display(),
            warm.diagnostics.len()
        );
    }
    let lessons: usize = warm.courses.iter().map(|c| c.lessons().count()).sum();
    let words: usize = warm
        .courses
        .iter()
        .flat_map(|c| c.lessons())
        .map(|(_, l)| l.word_count)
        .sum();
    let times = measure(REAL_RUNS, || {
        let out = compile_dir(&root);
        assert_eq!(out.courses.len(), warm.courses.len());
    });
    println!(
        "(a) real courses: {} courses, {} modules, {} lessons, {} words in lesson bodies, {} on disk",
        warm.courses.len(),
        warm.courses.iter().map(|c| c.modules.len()).sum::<usize>(),
        lessons,
        words,
        kib(dir_size(&root)?),
    );
    report(&times, REAL_TARGET, lessons);
    println!("    peak RSS so far: {}", peak_rss());
    println!();

    // (b) A generated course of 1,000 lessons.
    // KIRJAAMO_BENCH_KEEP=<folder> writes the generated course there and keeps it (to look
    // at it, or to run `kirjaamo courses check` on it).
    let tmp = tempfile::tempdir()?;
    let course_dir = match std::env::var_os("KIRJAAMO_BENCH_KEEP") {
        Some(dir) => Path::new(&dir).join("generoitu-kurssi"),
        None => tmp.path().join("generoitu-kurssi"),
    };
    if course_dir.exists() {
        std::fs::remove_dir_all(&course_dir)?;
    }
    let generate_started = Instant::now();
    generate_course(&course_dir)?;
    let generate_time = generate_started.elapsed();
    let warm = compile_course(&course_dir).map_err(|diags| {
        for d in diags.iter().take(20) {
            eprintln!("{d}");
        }
        anyhow::anyhow!("the generated course has {} diagnostics", diags.len())
    })?;
    let lessons = warm.lessons().count();
    let (words, checks, summaries) = totals(&warm);
    let times = measure(GENERATED_RUNS, || {
        let course = compile_course(&course_dir).expect("compiled once already");
        assert_eq!(course.lessons().count(), lessons);
    });
    println!(
        "(b) generated course: {} modules, {} lessons, {} words in lesson bodies ({} per \
         lesson), {} checks, {} summaries, {} on disk (written in {} ms)",
        warm.modules.len(),
        lessons,
        words,
        words / lessons.max(1),
        checks,
        summaries,
        kib(dir_size(&course_dir)?),
        generate_time.as_millis(),
    );
    report(&times, GENERATED_TARGET, lessons);
    println!();
    println!("peak RSS of the process (VmHWM): {}", peak_rss());
    Ok(())
}

/// Runs `f` `runs` times (after one untimed warm-up by the caller) and returns sorted times.
fn measure(runs: usize, mut f: impl FnMut()) -> Vec<Duration> {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    times
}

fn report(times: &[Duration], target: Duration, lessons: usize) {
    let min = times[0];
    let median = times[times.len() / 2];
    let max = times[times.len() - 1];
    println!(
        "    {} runs: min {} ms, median {} ms, max {} ms ({} µs per lesson at the median)",
        times.len(),
        ms(min),
        ms(median),
        ms(max),
        median.as_micros() / lessons.max(1) as u128,
    );
    if median <= target {
        println!("    target {} ms: target met", target.as_millis());
    } else {
        println!(
            "    target {} ms: target missed by {} ms (median)",
            target.as_millis(),
            ms(median - target)
        );
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn kib(bytes: u64) -> String {
    format!("{:.0} KiB", bytes as f64 / 1024.0)
}

fn totals(course: &CompiledCourse) -> (usize, usize, usize) {
    course
        .lessons()
        .fold((0, 0, 0), |(words, checks, summaries), (_, l)| {
            (
                words + l.word_count,
                checks + l.checks.len(),
                summaries + usize::from(l.summary_markdown.is_some()),
            )
        })
}

/// The process's peak resident set size, from `/proc/self/status` (Linux only).
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .map(|v| v.trim().to_string())
        })
        .map_or_else(
            || "unknown (no /proc/self/status)".into(),
            |kb| match kb
                .strip_suffix(" kB")
                .and_then(|n| n.trim().parse::<f64>().ok())
            {
                Some(n) => format!("{:.1} MiB", n / 1024.0),
                None => kb,
            },
        )
}

fn dir_size(dir: &Path) -> std::io::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            dir_size(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

// ---------------------------------------------------------------------------------------------
// The generated course: deterministic, Finnish-looking text with the structures real lessons
// use (headings, lists, a table, an image, links to other lessons, a summary and a check).

const WORDS: &[&str] = &[
    "asiakas",
    "asiakkaan",
    "kirjaus",
    "kirjauksen",
    "kirjaaminen",
    "työntekijä",
    "työntekijän",
    "havainto",
    "arvio",
    "arvion",
    "perustelu",
    "palvelutarve",
    "palvelutehtävä",
    "asiakirja",
    "asiakirjan",
    "kotihoito",
    "sosiaalihuolto",
    "sosiaalihuollon",
    "hyvinvointialue",
    "tiedonkulku",
    "tietosuoja",
    "käyttöoikeus",
    "rekisterinpitäjä",
    "arkistointi",
    "säilytysaika",
    "yhteistyö",
    "omainen",
    "näkemys",
    "tavoite",
    "suunnitelma",
    "päätös",
    "muutos",
    "tilanne",
    "käynti",
    "kotikäynnillä",
    "olennainen",
    "ymmärrettävä",
    "kunnioittava",
    "selkeä",
    "ajantasainen",
    "tarkka",
    "lyhyt",
    "erillinen",
    "yhteinen",
    "kirjataan",
    "kerrotaan",
    "arvioidaan",
    "havaitaan",
    "sovitaan",
    "tarkistetaan",
    "merkitään",
    "luetaan",
    "ja",
    "sekä",
    "mutta",
    "koska",
    "kun",
    "että",
    "myös",
    "aina",
    "usein",
    "vain",
    "jo",
    "vielä",
    "siksi",
    "niin",
    "se",
    "hän",
    "he",
    "me",
    "on",
    "ei",
    "oli",
    "voi",
    "pitää",
    "tulee",
    "jokainen",
    "seuraava",
    "lukija",
    "valvoja",
    "esihenkilö",
    "tiimi",
    "viikko",
    "päivä",
];

const SECTION_TITLES: &[&str] = &[
    "Mitä kirjataan?",
    "Kenelle kirjataan",
    "Asiakkaan näkemys",
    "Työntekijän arvio",
    "Tiedonkulku ja yhteistyö",
    "Säilytys ja arkistointi",
    "Esimerkki kotikäynniltä",
    "Yleisimmät virheet",
];

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn word(&mut self) -> &'static str {
        WORDS[self.below(WORDS.len())]
    }

    /// `n` words, the first capitalised, without markup (titles, check questions).
    fn plain(&mut self, n: usize) -> String {
        let mut out = String::new();
        for i in 0..n {
            if i > 0 {
                out.push(' ');
            }
            let w = self.word();
            out.push_str(&if i == 0 { capitalise(w) } else { w.to_string() });
        }
        out
    }

    /// `n` words, the first capitalised, with light inline markup now and then.
    fn words(&mut self, n: usize) -> String {
        let mut out = String::new();
        for i in 0..n {
            if i > 0 {
                out.push(' ');
            }
            let w = self.word();
            let w = if i == 0 { capitalise(w) } else { w.to_string() };
            match self.below(40) {
                0 if n > 1 => write!(out, "**{w}**").unwrap(),
                1 if n > 1 => write!(out, "*{w}*").unwrap(),
                _ => out.push_str(&w),
            }
        }
        out
    }

    fn sentence(&mut self) -> String {
        let n = self.range(6, 14);
        let mut s = self.words(n);
        s.push(if self.below(8) == 0 { '?' } else { '.' });
        s
    }

    /// About `words` words of sentences.
    fn paragraph(&mut self, words: usize) -> String {
        let mut out = String::new();
        let mut count = 0;
        while count < words {
            let s = self.sentence();
            count += s.split_whitespace().count();
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&s);
        }
        out
    }
}

fn capitalise(w: &str) -> String {
    let mut chars = w.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn module_dir(m: usize) -> String {
    format!("{:02}-moduuli-{}", m + 1, m + 1)
}

fn lesson_file(m: usize, l: usize) -> String {
    format!("{:03}-oppitunti-{}-{}.md", l + 1, m + 1, l + 1)
}

const THEMES: &[&str] = &[
    "client-centred",
    "multiprofessional",
    "structured",
    "archiving",
    "secondary-use",
];

const DIAGRAM: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"40\">\
                       <rect width=\"120\" height=\"40\" fill=\"#eee\"/></svg>\n";

fn generate_course(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("assets"))?;
    std::fs::write(dir.join("assets/kirjauksen-rakenne.svg"), DIAGRAM)?;
    std::fs::write(
        dir.join("course.toml"),
        "title = \"Generoitu valmennus\"\nkind = \"basic\"\nlanguage = \"fi\"\n\
         version = \"bench\"\nsummary = \"Suorituskykytestin kurssi: 1 000 oppituntia.\"\n",
    )?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for m in 0..MODULES {
        let mdir = dir.join(module_dir(m));
        std::fs::create_dir_all(&mdir)?;
        let intro = format!(
            "+++\ntitle = \"Moduuli {}: {}\"\ntheme = \"{}\"\nminutes = 5\n+++\n\n{}\n\n\
             Aloita oppitunnista [{}]({}).\n",
            m + 1,
            rng.plain(3),
            THEMES[m % THEMES.len()],
            rng.paragraph(60),
            rng.words(3),
            lesson_file(m, 0),
        );
        std::fs::write(mdir.join("module.md"), intro)?;
        for l in 0..LESSONS_PER_MODULE {
            std::fs::write(mdir.join(lesson_file(m, l)), lesson(&mut rng, m, l))?;
        }
    }
    Ok(())
}

/// One lesson of about 600 words in its body.
fn lesson(rng: &mut Rng, m: usize, l: usize) -> String {
    let mut s = String::with_capacity(6 * 1024);
    let title = rng.plain(4);
    writeln!(s, "+++\ntitle = \"{}.{} {title}\"", m + 1, l + 1).unwrap();
    if l.is_multiple_of(2) {
        writeln!(s, "minutes = {}", rng.range(3, 12)).unwrap();
    }
    if l.is_multiple_of(10) {
        writeln!(s, "discussion = \"{}?\"", rng.plain(8)).unwrap();
    }
    s.push_str("+++\n\n");
    writeln!(s, "{}\n", rng.paragraph(60)).unwrap();

    let first = SECTION_TITLES[rng.below(SECTION_TITLES.len())];
    writeln!(s, "## {first}\n").unwrap();
    let next = (l + 1) % LESSONS_PER_MODULE;
    let other_module = (m + 1) % MODULES;
    let other_lesson = rng.below(LESSONS_PER_MODULE);
    writeln!(
        s,
        "{} Lue lisää oppitunnista [{}]({}) ja moduulin {} oppitunnista \
         [{}](../{}/{}#taustaa). {}\n",
        rng.paragraph(50),
        rng.words(3),
        lesson_file(m, next),
        other_module + 1,
        rng.words(2),
        module_dir(other_module),
        lesson_file(other_module, other_lesson),
        rng.paragraph(40),
    )
    .unwrap();

    s.push_str("### Taustaa\n\n");
    for _ in 0..5 {
        let n = rng.range(5, 10);
        writeln!(s, "- {}", rng.words(n)).unwrap();
    }
    writeln!(s, "\n{}\n", rng.paragraph(50)).unwrap();

    s.push_str("## Käytännössä {#kaytannossa}\n\n");
    writeln!(
        s,
        "![Kaavio: {}](../assets/kirjauksen-rakenne.svg \"Kirjauksen rakenne\")\n",
        rng.words(4)
    )
    .unwrap();
    writeln!(s, "{}[^{}]\n", rng.paragraph(60), l + 1).unwrap();
    s.push_str("| Tieto | Kuka kirjaa | Milloin |\n|:------|:-----------|--------:|\n");
    for _ in 0..5 {
        writeln!(
            s,
            "| {} | {} | {} |",
            rng.words(3),
            rng.words(2),
            rng.words(2)
        )
        .unwrap();
    }
    s.push('\n');
    for i in 1..=4 {
        let n = rng.range(6, 12);
        writeln!(s, "{i}. {}", rng.words(n)).unwrap();
    }
    s.push('\n');

    let last = SECTION_TITLES[rng.below(SECTION_TITLES.len())];
    writeln!(s, "## {last}\n").unwrap();
    writeln!(
        s,
        "{} Katso myös [THL:n ohjeet](https://thl.fi/) tai kysy <kirjaamo@example.fi>.\n",
        rng.paragraph(70)
    )
    .unwrap();
    writeln!(s, "> {}\n", rng.paragraph(25)).unwrap();
    writeln!(s, "{}\n", rng.paragraph(70)).unwrap();
    writeln!(s, "[^{}]: {}\n", l + 1, rng.sentence()).unwrap();

    writeln!(
        s,
        "```summary\n**{}**\n\n{}\n```\n",
        title,
        rng.paragraph(50)
    )
    .unwrap();
    writeln!(
        s,
        "```check\nquestion = \"{}?\"\nchoices = [\"{}\", \"{}\", \"{}\"]\ncorrect = [{}]\n\
         explain = \"{}\"\n```",
        rng.plain(8),
        rng.plain(5),
        rng.plain(6),
        rng.plain(4),
        rng.below(3),
        rng.sentence(),
    )
    .unwrap();
    s
}
