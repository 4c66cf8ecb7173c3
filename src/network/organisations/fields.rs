//! An organisation's fields as people type them, in the form and in an import file: the name,
//! the kind (a code or a word in any of the three languages), the staff count and the county.

use crate::network::{County, ORGANISATION_KINDS};

/// The longest organisation name, in characters.
pub const NAME_MAX: usize = 200;
/// The largest staff count accepted (the largest Finnish employers have some 40,000).
pub const STAFF_MAX: i64 = 1_000_000;

/// Problems found in the input: message keys, shown to the user in their language.
pub type Problems = Vec<&'static str>;

/// The result of a check: the value, or every problem found.
pub type Checked<T> = Result<T, Problems>;

/// A trimmed name, or the problem with it: empty, too long, or holding control characters
/// (NUL, line breaks, tabs) or invisible direction and formatting marks (RTL overrides).
pub fn clean_name(input: &str) -> Result<String, &'static str> {
    let name = input.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err("organisation.name_invalid");
    }
    let forbidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
    };
    if name.chars().any(forbidden) {
        return Err("organisations.name_characters");
    }
    Ok(name.to_string())
}

/// A kind by its code or its Finnish (or Swedish or English) word, in any case.
pub fn parse_kind(input: &str) -> Option<&'static str> {
    let kind = match input.trim().to_lowercase().as_str() {
        "public" | "julkinen" | "offentlig" => "public",
        "private" | "yksityinen" | "privat" => "private",
        "education" | "oppilaitos" | "läroanstalt" | "utbildning" => "education",
        "other" | "muu" | "annan" | "övrig" => "other",
        _ => return None,
    };
    debug_assert!(ORGANISATION_KINDS.contains(&kind));
    Some(kind)
}

/// A staff count: a whole number 0 ..= [`STAFF_MAX`]; spaces between thousands are allowed
/// ("1 200", also with a no-break space).
pub fn parse_staff_count(input: &str) -> Result<i32, &'static str> {
    let s: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if s.is_empty() {
        return Err("organisations.staff_required");
    }
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(&s)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("organisations.staff_range");
    }
    if negative && digits.bytes().any(|b| b != b'0') {
        return Err("organisation.staff_invalid");
    }
    // Leading zeros aside, more than seven digits is over the limit (and may overflow).
    let significant = digits.trim_start_matches('0');
    if significant.len() > 7 {
        return Err("organisations.staff_range");
    }
    let n: i64 = if significant.is_empty() {
        0
    } else {
        significant
            .parse()
            .map_err(|_| "organisations.staff_range")?
    };
    if n > STAFF_MAX {
        return Err("organisations.staff_range");
    }
    i32::try_from(n).map_err(|_| "organisations.staff_range")
}

/// A county by its code, Finnish or Swedish name, in any case.
pub fn find_county<'a>(all: &'a [County], input: &str) -> Option<&'a County> {
    let wanted = input.trim().to_lowercase();
    if wanted.is_empty() {
        return None;
    }
    all.iter().find(|c| {
        c.code == wanted || c.name_fi.to_lowercase() == wanted || c.name_sv.to_lowercase() == wanted
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_counts_are_whole_numbers_within_bounds() {
        assert_eq!(parse_staff_count("120"), Ok(120));
        assert_eq!(parse_staff_count(" 1 200 "), Ok(1200));
        assert_eq!(parse_staff_count("1\u{a0}200"), Ok(1200));
        assert_eq!(parse_staff_count("0"), Ok(0));
        assert_eq!(parse_staff_count("-0"), Ok(0));
        assert_eq!(parse_staff_count("0001000000"), Ok(1_000_000));
        assert_eq!(parse_staff_count(""), Err("organisations.staff_required"));
        assert_eq!(parse_staff_count("-5"), Err("organisation.staff_invalid"));
        assert_eq!(
            parse_staff_count("1000001"),
            Err("organisations.staff_range")
        );
        assert_eq!(
            parse_staff_count("99999999999999999999999"),
            Err("organisations.staff_range")
        );
        assert_eq!(parse_staff_count("12.5"), Err("organisations.staff_range"));
        assert_eq!(parse_staff_count("abc"), Err("organisations.staff_range"));
        assert_eq!(parse_staff_count("-"), Err("organisations.staff_range"));
        assert_eq!(parse_staff_count("1e3"), Err("organisations.staff_range"));
    }

    #[test]
    fn kinds_are_read_in_finnish_or_as_codes() {
        assert_eq!(parse_kind("julkinen"), Some("public"));
        assert_eq!(parse_kind(" Yksityinen "), Some("private"));
        assert_eq!(parse_kind("OPPILAITOS"), Some("education"));
        assert_eq!(parse_kind("muu"), Some("other"));
        assert_eq!(parse_kind("public"), Some("public"));
        assert_eq!(parse_kind("education"), Some("education"));
        assert_eq!(parse_kind("säätiö"), None);
        assert_eq!(parse_kind(""), None);
    }

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(
            clean_name("  Äänekoski Åbo  ").as_deref(),
            Ok("Äänekoski Åbo")
        );
        assert_eq!(clean_name("   "), Err("organisation.name_invalid"));
        assert_eq!(
            clean_name(&"x".repeat(201)),
            Err("organisation.name_invalid")
        );
        assert!(clean_name(&"ä".repeat(200)).is_ok());
        assert_eq!(clean_name("a\0b"), Err("organisations.name_characters"));
        assert_eq!(clean_name("a\nb"), Err("organisations.name_characters"));
        assert_eq!(
            clean_name("abc\u{202e}fdp.exe"),
            Err("organisations.name_characters")
        );
    }
}
