//! Certificates: the verification code, and looking certificates up (by code for the public
//! page, a user's, the one of a cohort).

use crate::db::schema::{certificates, completions, enrolments};
use crate::db::AnyConnection;
use crate::AppResult;
use diesel::prelude::*;

/// A verification code: ten letters and digits without look-alikes, in two groups.
pub fn certificate_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let bytes = rand::random::<[u8; 10]>();
    let chars: String = bytes
        .iter()
        .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// A certificate as its page shows it.
#[derive(Debug, Clone, Queryable, serde::Serialize)]
pub struct Certificate {
    pub code: String,
    pub holder_name: String,
    pub course_title: String,
    pub course_version: String,
    pub issued_on: chrono::NaiveDate,
}

/// Looks a certificate up by its code (case and spacing forgiven).
pub fn certificate(conn: &mut AnyConnection, code: &str) -> AppResult<Certificate> {
    let code: String = code
        .trim()
        .to_uppercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    Ok(certificates::table
        .filter(certificates::code.eq(code))
        .select((
            certificates::code,
            certificates::holder_name,
            certificates::course_title,
            certificates::course_version,
            certificates::issued_on,
        ))
        .first(conn)?)
}

/// The user's certificates, newest first.
pub fn certificates_of(conn: &mut AnyConnection, user_id: i64) -> AppResult<Vec<Certificate>> {
    Ok(certificates::table
        .inner_join(completions::table)
        .filter(completions::user_id.eq(user_id))
        .order(certificates::id.desc())
        .select((
            certificates::code,
            certificates::holder_name,
            certificates::course_title,
            certificates::course_version,
            certificates::issued_on,
        ))
        .load(conn)?)
}

/// The certificate the user earned in this cohort, if they have completed it.
pub fn certificate_of_cohort(
    conn: &mut AnyConnection,
    cohort_id: i64,
    user_id: i64,
) -> AppResult<Option<Certificate>> {
    Ok(certificates::table
        .inner_join(completions::table.inner_join(enrolments::table))
        .filter(enrolments::cohort_id.eq(cohort_id))
        .filter(enrolments::user_id.eq(user_id))
        .select((
            certificates::code,
            certificates::holder_name,
            certificates::course_title,
            certificates::course_version,
            certificates::issued_on,
        ))
        .first(conn)
        .optional()?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_readable_and_distinct() {
        let a = super::certificate_code();
        assert_eq!(a.len(), 11);
        assert!(a
            .chars()
            .all(|c| c == '-' || c.is_ascii_uppercase() || c.is_ascii_digit()));
        assert!(!a.contains('O') && !a.contains('0') && !a.contains('I') && !a.contains('1'));
        assert_ne!(a, super::certificate_code());
    }
}
