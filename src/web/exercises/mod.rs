//! The exercise pages: the exercise section of a lesson page (`section`) and its forms with the
//! trainee's list of exercises (`trainee`), a writing form that arrives after the session ended
//! (`rescue_form`), the page where a peer reviews an entry (`review`), the trainer's cohort
//! overview with the figures, one entry with its reviews, the assessment, hiding and publishing
//! (`trainer`), and the public example page and the unsubscribe link (`public`); `keys` holds
//! the context's refusals as the pages show them. Handlers parse, call `crate::exercises`, and
//! render.

mod keys;
pub mod public;
mod rescue_form;
pub mod review;
pub mod section;
pub mod trainee;
pub mod trainer;

/// A form's fields in order (the first of a repeated name wins where one value is read).
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn parse(body: &[u8]) -> Fields {
        Fields(
            url::form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or("").to_string()
    }

    /// The levels chosen in a rubric form (`r0`, `r1`, …) for `criteria` criteria; a missing
    /// or malformed value is `None` (the context then says a criterion was not rated).
    pub fn levels(&self, criteria: usize) -> Vec<Option<usize>> {
        (0..criteria)
            .map(|i| self.get(&format!("r{i}")).and_then(|v| v.parse().ok()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Fields;

    #[test]
    fn fields_read_the_first_value_and_rubric_levels() {
        let f = Fields::parse(b"action=save&body=a%0Ab&r0=2&r1=x&action=submit");
        assert_eq!(f.get("action"), Some("save"));
        assert_eq!(f.text("body"), "a\nb");
        assert_eq!(f.levels(3), vec![Some(2), None, None]);
    }
}
