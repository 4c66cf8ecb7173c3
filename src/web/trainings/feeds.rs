//! The signed addresses of the trainings' calendar feeds.

use crate::db::AnyConnection;
use crate::network::trainings::calendar::Feed;
use crate::web::ctx::Auth;
use crate::AppResult;

/// The signed address of a calendar feed for the signed-in user.
pub async fn feed_url(auth: &Auth, feed: Feed) -> AppResult<String> {
    let uid = auth.principal().user_id;
    let created = auth
        .0
        .state
        .db(move |conn| account_created(conn, uid))
        .await?;
    Ok(feed_url_for(auth, created, feed))
}

/// When the account was created: the feeds' tokens are bound to it, so a reused id never
/// opens another person's feed. For pages that read it with their other reads.
pub fn account_created(conn: &mut AnyConnection, uid: i64) -> AppResult<chrono::NaiveDateTime> {
    use crate::db::schema::users;
    use diesel::prelude::*;
    Ok(users::table
        .find(uid)
        .select(users::created_at)
        .first(conn)?)
}

/// The feed's address, given the account's creation time.
pub fn feed_url_for(auth: &Auth, created: chrono::NaiveDateTime, feed: Feed) -> String {
    let token = crate::network::trainings::calendar::token(
        &auth.0.state.config.secret,
        auth.principal().user_id,
        created,
        feed,
        auth.0.lang,
        auth.0.now(),
    );
    format!("{}/kalenteri/{token}.ics", auth.0.state.config.base_url)
}
