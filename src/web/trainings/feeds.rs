//! The signed addresses of the trainings' calendar feeds.

use crate::web::ctx::Auth;
use crate::AppResult;

/// The signed address of a calendar feed for the signed-in user.
pub async fn feed_url(
    auth: &Auth,
    feed: crate::network::trainings::calendar::Feed,
) -> AppResult<String> {
    let uid = auth.principal().user_id;
    let created = auth
        .0
        .state
        .db(move |conn| {
            use crate::db::schema::users;
            use diesel::prelude::*;
            Ok(users::table
                .find(uid)
                .select(users::created_at)
                .first::<chrono::NaiveDateTime>(conn)?)
        })
        .await?;
    let token = crate::network::trainings::calendar::token(
        &auth.0.state.config.secret,
        uid,
        created,
        feed,
        auth.0.lang,
        auth.0.now(),
    );
    Ok(format!(
        "{}/kalenteri/{token}.ics",
        auth.0.state.config.base_url
    ))
}
