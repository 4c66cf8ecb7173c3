//! The course compiler: course folders on disk (`courses/<slug>/`, see `courses/README.md`)
//! to [`CompiledCourse`]s, or every [`Diagnostic`] with its file, line and column. Pure: no
//! database, no web framework, no templates — publishing is a separate step.
//!
//! Also home of the crate's Markdown rendering ([`markdown`]): one set of parser options and
//! the two sanitiser allowlists, for course content and for what users write.

mod blocks;
pub mod compile;
mod exercise;
pub mod exercise_model;
mod frontmatter;
pub mod guide;
mod layout;
mod lesson;
pub mod links;
mod lint;
pub mod markdown;
mod meta;
pub mod model;
mod pages;
mod pairing;
pub mod publish;
mod publish_exercises;
mod sanitize;
mod source;
mod writing;

#[cfg(test)]
mod compile_tests;
#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod pairing_tests;

pub use compile::{compile_course, compile_dir, CompileOutput};
pub use model::*;
