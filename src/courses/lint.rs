//! Advice about a compiled course that does not stop it from being published (warnings).
//!
//! The one rule so far: when the right answer of a single-answer check is the longest choice
//! in more than half of a course's single-answer checks, trainees learn to pick the longest
//! choice instead of thinking. Each such check gets a warning, so the author knows where to
//! write a wrong choice that is as long and as specific as the right one.

use super::model::{CompiledCourse, Diagnostic};
use super::pairing::CourseFiles;

/// Below this many single-answer checks a course is too small to call anything systematic.
const MIN_CHECKS: usize = 4;

/// The right answer is "the longest" when it is longer than every other choice.
fn right_is_longest(choices: &[String], right: usize) -> bool {
    let len = |s: &String| s.chars().count();
    let Some(right_len) = choices.get(right).map(len) else {
        return false;
    };
    choices
        .iter()
        .enumerate()
        .all(|(i, c)| i == right || len(c) < right_len)
}

/// One warning per single-answer check whose right answer is the longest choice, when that
/// is so in more than half of the course's single-answer checks.
pub(crate) fn longest_answer_warnings(
    course: &CompiledCourse,
    files: &CourseFiles,
) -> Vec<Diagnostic> {
    let mut single = 0;
    let mut longest = Vec::new();
    for (m, module) in course.modules.iter().enumerate() {
        for (l, lesson) in module.lessons.iter().enumerate() {
            let path = files
                .modules
                .get(m)
                .and_then(|f| f.lessons.get(l))
                .cloned()
                .unwrap_or_else(|| files.course_toml.clone());
            for check in &lesson.checks {
                let [right] = check.correct.as_slice() else {
                    continue;
                };
                single += 1;
                if right_is_longest(&check.choices, *right) {
                    longest.push((path.clone(), check.line));
                }
            }
        }
    }
    if single < MIN_CHECKS || longest.len() * 2 <= single {
        return Vec::new();
    }
    let n = longest.len();
    longest
        .into_iter()
        .map(|(path, line)| {
            Diagnostic::new(
                path,
                line,
                1,
                format!(
                    "warning: the right answer is the longest choice here, as in {n} of the \
                     {single} single-answer checks of this course; trainees learn to pick the \
                     longest, so make a wrong choice as long and as specific as the right one"
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::right_is_longest;

    #[test]
    fn only_a_strictly_longest_right_answer_counts() {
        let c = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(right_is_longest(&c(&["a", "bbb", "cc"]), 1));
        assert!(
            !right_is_longest(&c(&["aaa", "bbb", "cc"]), 1),
            "a tie is not longest"
        );
        assert!(!right_is_longest(&c(&["aaaa", "bbb"]), 1));
        assert!(
            !right_is_longest(&c(&["a"]), 3),
            "out of range is not longest"
        );
        assert!(
            right_is_longest(&c(&["ää", "a"]), 0),
            "characters, not bytes"
        );
        assert!(!right_is_longest(&c(&["ää", "abc"]), 0));
    }
}
