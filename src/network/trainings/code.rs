//! The attendance code: six characters no one mistakes for each other, a training's own,
//! typed or scanned on the training's Helsinki day; the expert closes it (or opens it again).

use super::training::Training;
use crate::db::schema::trainings_held;
use crate::db::AnyConnection;
use crate::{AppError, AppResult};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

/// Letters and digits that cannot be mistaken for each other (no I, L, O, 0, 1).
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const CODE_LEN: usize = 6;

fn random_code() -> String {
    (0..CODE_LEN)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A code no other training has.
pub(super) fn fresh_code(c: &mut AnyConnection) -> AppResult<String> {
    for _ in 0..20 {
        let code = random_code();
        let taken: i64 = trainings_held::table
            .filter(trainings_held::code.eq(&code))
            .count()
            .get_result(c)?;
        if taken == 0 {
            return Ok(code);
        }
    }
    Err(AppError::Internal(anyhow::anyhow!(
        "no free attendance code after 20 tries"
    )))
}

/// A code as typed: upper-case, without spaces or hyphens; `None` if it cannot be one.
pub fn normalise_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// Whether a training's code takes sign-ins now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeState {
    Open,
    /// The training's day has not come.
    NotYet,
    /// The training's day is over.
    Expired,
    /// The expert closed it.
    Closed,
}

/// The code's state on `today` (a Helsinki day).
pub fn code_state(t: &Training, today: NaiveDate) -> CodeState {
    if t.code_closed_at.is_some() {
        CodeState::Closed
    } else if today < t.held_on {
        CodeState::NotYet
    } else if today > t.held_on {
        CodeState::Expired
    } else {
        CodeState::Open
    }
}

pub fn by_code(conn: &mut AnyConnection, code: &str) -> AppResult<Option<Training>> {
    let Some(code) = normalise_code(code) else {
        return Ok(None);
    };
    Ok(trainings_held::table
        .filter(trainings_held::code.eq(code))
        .select(Training::as_select())
        .first(conn)
        .optional()?)
}

/// Closes the code (or opens it again the same day).
pub fn set_closed(
    conn: &mut AnyConnection,
    id: i64,
    closed: bool,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(trainings_held::table.find(id))
        .set((
            trainings_held::code_closed_at.eq(closed.then_some(now)),
            trainings_held::updated_at.eq(Some(now)),
        ))
        .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_forgiving_of_case_spaces_and_hyphens() {
        assert_eq!(normalise_code(" abc-234 ").as_deref(), Some("ABC234"));
        assert_eq!(normalise_code("ABC23"), None);
        assert_eq!(normalise_code("ABCI23"), None, "no I in the alphabet");
        assert_eq!(normalise_code("ÄBC234"), None);
        let c = random_code();
        assert_eq!(normalise_code(&c), Some(c));
    }
}
