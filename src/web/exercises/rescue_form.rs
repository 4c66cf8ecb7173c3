//! A writing form that arrives after the session ended: its text is kept (behind a cookie and
//! the form's rescue token) for the writer to find in the form after signing in.

use super::Fields;
use crate::exercises::{access, entries, model, rescue};
use crate::web::ctx::Ctx;
use crate::{AppError, AppResult};
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;

fn rescue_cookie(ctx: &Ctx, value: String, max_age: CookieDuration) -> Cookie<'static> {
    Cookie::build(crate::web::rescue::COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(ctx.state.config.secure_cookies)
        .max_age(max_age)
        .finish()
}

/// After a save or a submission the rescued text has served its purpose.
pub(super) fn clear_rescue(ctx: &Ctx, mut res: HttpResponse) -> HttpResponse {
    let _ = res.add_removal_cookie(&rescue_cookie(ctx, String::new(), CookieDuration::ZERO));
    res
}

/// The writing form arrived without a session: keep the text (if the form's rescue token is
/// right and the text identifies nobody) and send the writer to sign in; it is back in the
/// form afterwards.
pub(super) async fn rescue_text(
    ctx: &Ctx,
    cohort_id: i64,
    slug: &str,
    fields: &Fields,
) -> AppResult<HttpResponse> {
    let user_id: i64 = fields
        .get(crate::web::rescue::FIELD_USER)
        .and_then(|v| v.parse().ok())
        .ok_or(AppError::Unauthorized)?;
    let token = fields.text(crate::web::rescue::FIELD_TOKEN);
    if !crate::web::rescue::check(&ctx.state.config.secret, user_id, cohort_id, slug, &token) {
        return Err(AppError::Unauthorized);
    }
    let text = model::normalise(&fields.text("body"));
    let next = format!("/ryhmat/{cohort_id}/{slug}#harjoitus");
    let login = format!(
        "/login?next={}",
        crate::web::frame::response::urlencode(&next)
    );
    let errors = entries::validate_body(&text);
    if !errors.is_empty() {
        // Nothing is kept: the text comes back on this page only, to copy.
        let mut c = tera::Context::new();
        c.insert("text", &text);
        c.insert("errors", &errors);
        c.insert("login", &login);
        return ctx.render_status(StatusCode::UNAUTHORIZED, "exercises/rescue.html", c);
    }
    let now = ctx.now();
    let slug2 = slug.to_string();
    let token = ctx
        .state
        .db(move |conn| {
            let lesson_id = access::lesson_id(conn, cohort_id, &slug2)?;
            rescue::store(conn, user_id, cohort_id, lesson_id, &text, now)
        })
        .await?;
    let mut res = ctx.see_other_notice(&login, "notice.ex_rescued");
    let _ = res.add_cookie(&rescue_cookie(
        ctx,
        token,
        CookieDuration::hours(rescue::KEEP_HOURS),
    ));
    Ok(res)
}
