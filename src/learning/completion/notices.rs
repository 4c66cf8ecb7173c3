//! The e-mails a completion queues: the graduate's (the certificate's link), and the
//! coordinators' of the graduate's region and county (a new or refreshed expert, or one
//! waiting to be placed).

use crate::db::schema::{counties, role_assignments, users};
use crate::db::AnyConnection;
use crate::i18n::Lang;
use crate::mail::{self, Envelope, Messaging};
use crate::network::membership::Joined;
use crate::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// What the completion made, for the e-mails about it.
pub(super) struct Made<'a> {
    pub(super) completion_id: i64,
    pub(super) code: &'a str,
    pub(super) joined: Joined,
    pub(super) graduate_id: i64,
    pub(super) name: &'a str,
    pub(super) email: &'a str,
    pub(super) language: &'a str,
    pub(super) course: &'a str,
    /// The cohort's region: its coordinators hear of a graduate waiting to be placed.
    pub(super) cohort_region: Option<i64>,
}

/// The graduate's e-mail: the certificate's link, and whether they joined the network anew.
pub(super) fn tell_graduate(
    c: &mut AnyConnection,
    msg: &Messaging<'_>,
    made: &Made<'_>,
    now: NaiveDateTime,
) -> AppResult<()> {
    let code = made.code;
    let mut ctx = tera::Context::new();
    ctx.insert("name", made.name);
    ctx.insert("course", made.course);
    ctx.insert("code", code);
    ctx.insert("link", &format!("{}/todistus/{code}", msg.base_url));
    ctx.insert("joined", &matches!(made.joined, Joined::New { .. }));
    mail::queue(
        c,
        msg.templates,
        now,
        Envelope {
            to_email: made.email,
            to_name: made.name,
            language: Lang::parse(made.language).unwrap_or_default(),
            user_id: Some(made.graduate_id),
            dedupe_key: format!("completion:{}", made.completion_id),
            template: "completion",
            context: ctx,
        },
    )?;
    Ok(())
}

/// The coordinators of the graduate's region and county (or, for one waiting to be placed, of
/// the cohort's region) hear of the new expert.
pub(super) fn tell_coordinators(
    c: &mut AnyConnection,
    msg: &Messaging<'_>,
    made: &Made<'_>,
    now: NaiveDateTime,
) -> AppResult<()> {
    let (region, county) = match made.joined {
        Joined::New {
            region_id,
            county_id,
        } => (Some(region_id), Some(county_id)),
        Joined::Refreshed {
            region_id,
            county_id,
        } => (Some(region_id), county_id),
        Joined::Queued => (made.cohort_region, None),
    };
    let county_names = county_names(c, county)?;
    for (cid, cemail, cname, clang) in coordinators(c, region, county)? {
        let mut ctx = tera::Context::new();
        ctx.insert("coordinator", &cname);
        ctx.insert("graduate", made.name);
        ctx.insert("course", made.course);
        // Each coordinator reads the county's name in their own language.
        let in_lang = Lang::parse(&clang).unwrap_or_default();
        ctx.insert(
            "county",
            &county_names
                .as_ref()
                .map(|(fi, sv)| crate::network::names::pick(in_lang, fi, sv)),
        );
        ctx.insert("queued", &matches!(made.joined, Joined::Queued));
        ctx.insert(
            "refreshed",
            &matches!(made.joined, Joined::Refreshed { .. }),
        );
        ctx.insert("link", &format!("{}/verkosto", msg.base_url));
        mail::queue(
            c,
            msg.templates,
            now,
            Envelope {
                to_email: &cemail,
                to_name: &cname,
                language: Lang::parse(&clang).unwrap_or_default(),
                user_id: Some(cid),
                dedupe_key: format!("new-expert:{}:{cid}", made.completion_id),
                template: "new_expert",
                context: ctx,
            },
        )?;
    }
    Ok(())
}

/// The county's names (Finnish, Swedish), for each coordinator to read in their language.
fn county_names(c: &mut AnyConnection, county: Option<i64>) -> AppResult<Option<(String, String)>> {
    Ok(match county {
        Some(id) => Some(
            counties::table
                .find(id)
                .select((counties::name_fi, counties::name_sv))
                .first(c)?,
        ),
        None => None,
    })
}

/// The active regional coordinators of `region` and county coordinators of `county`: (id,
/// e-mail, name, language).
fn coordinators(
    c: &mut AnyConnection,
    region: Option<i64>,
    county: Option<i64>,
) -> AppResult<Vec<(i64, String, String, String)>> {
    Ok(users::table
        .inner_join(role_assignments::table)
        .filter(users::active.eq(true))
        .filter(
            role_assignments::region_id
                .eq(region)
                .and(role_assignments::role.eq("regional_coordinator"))
                .or(role_assignments::county_id
                    .eq(county)
                    .and(role_assignments::role.eq("county_coordinator"))),
        )
        .select((users::id, users::email, users::name, users::language))
        .distinct()
        .load(c)?)
}
