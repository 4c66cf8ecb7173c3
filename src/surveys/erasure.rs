//! The surveys' part of erasing a person (`privacy::erasure`), in the caller's transaction.

use super::respondent_key;
use crate::accounts::tokens;
use crate::db::schema_surveys::survey_responses;
use crate::db::{portable_sql, AnyConnection};
use crate::AppResult;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

/// Surveys: a named response is the person's and goes; a county's assessment stays the
/// county's (its last editor becomes NULL through the foreign key). An anonymous response
/// keeps its answers for the figures, but its key (an HMAC of survey and user id) is replaced
/// by a random one, so nothing can tie it to this id again (SQLite may reuse the id).
pub fn forget_respondent(c: &mut AnyConnection, secret: &[u8], user_id: i64) -> AppResult<()> {
    diesel::sql_query(portable_sql(
        c,
        "DELETE FROM survey_responses WHERE user_id = ? AND respondent_key NOT LIKE 'county:%'",
    ))
    .bind::<BigInt, _>(user_id)
    .execute(c)?;
    let keys: Vec<(i64, String)> = survey_responses::table
        .filter(survey_responses::respondent_key.not_like("county:%"))
        .select((
            survey_responses::survey_id,
            survey_responses::respondent_key,
        ))
        .load(c)?;
    for (survey_id, key) in keys {
        if key == respondent_key(secret, survey_id, user_id) {
            diesel::update(
                survey_responses::table
                    .filter(survey_responses::survey_id.eq(survey_id))
                    .filter(survey_responses::respondent_key.eq(&key)),
            )
            .set(survey_responses::respondent_key.eq(format!("deleted:{}", tokens::random_token())))
            .execute(c)?;
        }
    }
    Ok(())
}
