//! The compiler's output: compiled courses, modules, lessons and self-checks, and the
//! `Diagnostic` every course error is reported as. Plain data, no I/O.

use std::fmt;
use std::path::PathBuf;

use super::exercise_model::{Exercise, WritingRules};

/// One problem found in the course sources, pointing at a file, line and column (1-based).
///
/// Problems that concern a whole file or folder (a bad name, a file that is too large) point
/// at line 1, column 1.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// The file or folder, as the compiler was given it joined with the names below it.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// What is wrong and, where possible, how to fix it.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic at `line`:`column` of `path`.
    pub fn new(
        path: impl Into<PathBuf>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            column,
            message: message.into(),
        }
    }

    /// A diagnostic about a whole file or folder (reported at 1:1).
    pub fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::new(path, 1, 1, message)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// The two kinds of course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CourseKind {
    /// Kirjaamisvalmennus: the basic course that makes a trainee an expert.
    Basic,
    /// Kertaava valmennus: keeps an expert's competence up to date.
    Refresher,
}

impl CourseKind {
    /// The name used in `course.toml` and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            CourseKind::Basic => "basic",
            CourseKind::Refresher => "refresher",
        }
    }

    /// Parses the `course.toml` spelling.
    pub fn parse(s: &str) -> Option<CourseKind> {
        match s {
            "basic" => Some(CourseKind::Basic),
            "refresher" => Some(CourseKind::Refresher),
            _ => None,
        }
    }
}

/// The five themes of the basic course (domain.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Theme {
    /// Asiakaslähtöinen kirjaaminen.
    ClientCentred,
    /// Moniammatillinen kirjaaminen.
    Multiprofessional,
    /// Rakenteinen kirjaaminen.
    Structured,
    /// Arkistointi.
    Archiving,
    /// Asiakastietojen toisiokäyttö.
    SecondaryUse,
}

impl Theme {
    /// The name used in front matter and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::ClientCentred => "client-centred",
            Theme::Multiprofessional => "multiprofessional",
            Theme::Structured => "structured",
            Theme::Archiving => "archiving",
            Theme::SecondaryUse => "secondary-use",
        }
    }

    /// Every theme, in the order of the basic course.
    pub fn all() -> [Theme; 5] {
        [
            Theme::ClientCentred,
            Theme::Multiprofessional,
            Theme::Structured,
            Theme::Archiving,
            Theme::SecondaryUse,
        ]
    }

    /// Parses the front-matter spelling (`client-centred`, …).
    pub fn parse(s: &str) -> Option<Theme> {
        Theme::all().into_iter().find(|t| t.as_str() == s)
    }
}

/// A course that compiled without a single diagnostic.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CompiledCourse {
    /// The folder name; with the lesson slug it is a lesson's lasting identity.
    pub slug: String,
    pub title: String,
    pub kind: CourseKind,
    pub language: String,
    /// Stored with every completion.
    pub version: String,
    pub summary: String,
    /// Refresher courses: the slug of the course they refresh.
    pub refreshes: Option<String>,
    /// Refresher courses: a completion older than this is out of date.
    pub competence_valid_months: Option<u32>,
    /// Refresher courses: a training held within this window keeps an expert active.
    pub training_activity_months: Option<u32>,
    /// The course this one is a translation of (`translation_of` in `course.toml`): the same
    /// modules, lessons and checks in another language, whose completion counts the same.
    pub translation_of: Option<String>,
    pub modules: Vec<CompiledModule>,
    /// The writing checker's lists (`writing-checker.toml`), when the course has them.
    pub writing_rules: Option<WritingRules>,
    /// FNV-1a 64 of every source file (names and bytes, assets included), as 16 hex digits.
    pub content_hash: String,
}

impl CompiledCourse {
    /// Every lesson with its module, in course order.
    pub fn lessons(&self) -> impl Iterator<Item = (&CompiledModule, &CompiledLesson)> + '_ {
        self.modules
            .iter()
            .flat_map(|m| m.lessons.iter().map(move |l| (m, l)))
    }

    /// The lesson with this slug, if any.
    pub fn lesson(&self, slug: &str) -> Option<(&CompiledModule, &CompiledLesson)> {
        self.lessons().find(|(_, l)| l.slug == slug)
    }
}

/// One module (a folder `NN-slug/`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CompiledModule {
    pub slug: String,
    /// 1-based place in the course (the folders sorted by their `NN-` prefix).
    pub position: u32,
    pub title: String,
    pub theme: Option<Theme>,
    /// As written in `module.md` (0 when not given).
    pub minutes: u32,
    /// The body of `module.md`, sanitised HTML.
    pub intro_html: String,
    pub lessons: Vec<CompiledLesson>,
    /// The facilitator's guide (`ohjaajan-opas.md`), when the module has one.
    pub guide: Option<CompiledGuide>,
}

/// A facilitator's guide for a short training on the module's theme (see `guide.rs`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CompiledGuide {
    pub title: String,
    /// The plan's steps added up (45–90).
    pub minutes: u32,
    /// The notes for the facilitator outside the blocks, sanitised HTML.
    pub intro_html: String,
    pub aims_html: String,
    pub plan: Vec<PlanStep>,
    pub questions_html: String,
    /// One sanitised HTML fragment per slide.
    pub slides: Vec<String>,
}

/// One step of a guide's plan.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlanStep {
    pub minutes: u32,
    pub title: String,
    pub html: String,
}

/// One lesson (a file `NN-slug.md`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CompiledLesson {
    /// Unique within the course.
    pub slug: String,
    /// 1-based place in its module.
    pub position: u32,
    pub title: String,
    /// As written, or estimated from the word count (~150 words a minute, at least 1).
    pub minutes: u32,
    /// The question that opens a pinned discussion in every cohort.
    pub discussion: Option<String>,
    /// Sanitised HTML, without the `summary` and `check` blocks.
    pub body_html: String,
    /// Level 2 and 3 headings.
    pub toc: Vec<TocEntry>,
    /// The `summary` block as written (Markdown) — the knowledge-bank page.
    pub summary_markdown: Option<String>,
    pub summary_html: Option<String>,
    /// Plain text of the summary, for full-text search.
    pub summary_text: Option<String>,
    pub checks: Vec<SelfCheck>,
    /// The lesson's writing exercise (an `exercise` block), if it has one.
    pub exercise: Option<Exercise>,
    /// The `sources` block (required in every lesson), sanitised HTML: shown under the lesson
    /// and on its knowledge-bank page.
    pub sources_html: String,
    /// Words in the body (summary and checks not counted).
    pub word_count: usize,
}

/// A heading in a lesson's table of contents.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TocEntry {
    pub level: u8,
    /// The heading's `id` attribute (unique within the lesson).
    pub id: String,
    pub title: String,
}

/// One self-check question (a `check` block).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SelfCheck {
    /// The line of the block's opening fence, for warnings about the check.
    #[serde(skip)]
    pub line: usize,
    /// Plain text (escape it in templates).
    pub question: String,
    /// Plain text (escape them in templates).
    pub choices: Vec<String>,
    /// Zero-based indexes into `choices`, sorted, at least one.
    pub correct: Vec<usize>,
    /// Sanitised HTML shown after answering.
    pub explain_html: String,
}
