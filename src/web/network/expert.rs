//! The expert's own page (memberships, certificates, trainings held, their standing against
//! the refresher rule, training kits) and the public verification of a certificate.

use crate::learning::completion;
use crate::network::trainings;
use crate::network::{names, refresher};
use crate::web::ctx::{Auth, Ctx};
use crate::AppResult;
use actix_web::{web, HttpResponse};

/// Public verification: only what the certificate itself shows.
pub async fn certificate(ctx: Ctx, code: web::Path<String>) -> AppResult<HttpResponse> {
    let code = code.into_inner();
    let cert = ctx
        .state
        .db(move |conn| completion::certificate(conn, &code))
        .await?;
    let mut c = tera::Context::new();
    c.insert("certificate", &cert);
    c.insert(
        "url",
        &format!("{}/todistus/{}", ctx.state.config.base_url, cert.code),
    );
    ctx.render("network/certificate.html", c)
}

pub async fn expert(auth: Auth) -> AppResult<HttpResponse> {
    let uid = auth.principal().user_id;
    let today = crate::i18n::format::helsinki_date(auth.0.now());
    let who = auth.principal().clone();
    let lang = auth.0.lang;
    let (memberships, certificates, held, organisations, standing, case, kits) = auth
        .0
        .state
        .db(move |conn| {
            let ms = memberships_of(conn, uid, lang)?;
            let kits = if crate::knowledge_bank::kits::may_use(conn, &who)? {
                crate::knowledge_bank::kits::list(conn)?
            } else {
                Vec::new()
            };
            Ok((
                ms,
                completion::certificates_of(conn, uid)?,
                trainings::lists::of_user(conn, uid, lang)?,
                trainings::organisation_choices(conn, uid)?,
                refresher::standing_of(conn, uid, today)?,
                refresher::own_case(conn, uid)?,
                kits,
            ))
        })
        .await?;
    let mut c = tera::Context::new();
    if let Some((rule, expert, standing)) = standing {
        c.insert("standing", &standing_json(&rule, &expert, &standing));
    }
    let (upcoming, past): (Vec<_>, Vec<_>) = held
        .into_iter()
        .partition(|l| !l.training.is_held() && l.training.held_on >= today);
    c.insert("case", &case);
    c.insert("memberships", &memberships);
    c.insert("certificates", &certificates);
    c.insert("upcoming", &upcoming);
    c.insert("held", &past);
    c.insert("organisations", &organisations);
    c.insert("kits", &kits);
    c.insert("today", &today.to_string());
    c.insert(
        "feed_url",
        &crate::web::trainings::feeds::feed_url(
            &auth,
            crate::network::trainings::calendar::Feed::Expert,
        )
        .await?,
    );
    auth.0.render("network/expert.html", c)
}

/// The expert's memberships: region, county, joined, refreshed, status (names in `lang`).
type Membership = (
    String,
    Option<String>,
    chrono::NaiveDateTime,
    chrono::NaiveDateTime,
    String,
);

fn memberships_of(
    conn: &mut crate::db::AnyConnection,
    uid: i64,
    lang: crate::i18n::Lang,
) -> AppResult<Vec<Membership>> {
    use crate::db::schema::{counties, memberships, regions};
    use diesel::prelude::*;
    Ok(memberships::table
        .inner_join(regions::table)
        .left_join(counties::table)
        .filter(memberships::user_id.eq(uid))
        .select((
            names::region(lang),
            names::county_or_none(lang),
            memberships::joined_at,
            memberships::refreshed_at,
            memberships::status,
        ))
        .load(conn)?)
}

/// Where the expert stands against the refresher rule, as the page shows it.
fn standing_json(
    rule: &refresher::Rule,
    expert: &refresher::Expert,
    standing: &refresher::Standing,
) -> serde_json::Value {
    serde_json::json!({
        "rule": rule,
        "state": standing.state,
        "valid_until": standing.competence_valid_until.to_string(),
        "current_until": standing.current_until.to_string(),
        "trained_lately": standing.trained_lately,
        "last_completion": expert.last_completion.to_string(),
        "last_training": expert.last_training.map(|d| d.to_string()),
    })
}
