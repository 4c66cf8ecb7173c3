//! Handing a transferred county back to its region (admins only): what it will do, for the
//! confirmation page, and the handing back itself.

use crate::accounts::{self, audit, Role};
use crate::db::schema::{account_tokens, counties, network_transfers, role_assignments, users};
use crate::db::{write_tx, AnyConnection};
use crate::i18n::Lang;
use crate::mail::{self, Envelope, Messaging};
use crate::network::registry::{self, Scope};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// What handing a county back will do, for the confirmation page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TransferBackPreview {
    pub county_id: i64,
    pub county: String,
    pub experts: i64,
    /// The county coordinator the network was handed to (who loses the role), if known.
    pub coordinator: Option<(i64, String, String)>,
    /// Their account was created by the transfer and never taken into use: the invitation
    /// link stops working.
    pub unused_account: bool,
}

/// The last transfer of a county: (to user, from user).
fn last_transfer(
    c: &mut AnyConnection,
    county_id: i64,
) -> QueryResult<Option<(Option<i64>, Option<i64>)>> {
    network_transfers::table
        .filter(network_transfers::county_id.eq(county_id))
        .order(network_transfers::id.desc())
        .select((
            network_transfers::to_user_id,
            network_transfers::from_user_id,
        ))
        .first(c)
        .optional()
}

/// Checks that an admin may hand the county back and says what will happen.
pub fn preview_back(
    conn: &mut AnyConnection,
    who: &accounts::Principal,
    county_id: i64,
) -> AppResult<TransferBackPreview> {
    if !who.is_admin() {
        return Err(AppError::Forbidden);
    }
    let (transferred, county): (Option<NaiveDateTime>, String) = counties::table
        .find(county_id)
        .select((counties::transferred_at, counties::name_fi))
        .first(conn)?;
    if transferred.is_none() {
        return Err(AppError::Conflict("transfer.not_transferred".into()));
    }
    let (experts, _) = registry::registry_counts(conn, Scope::County(county_id))?;
    let to = last_transfer(conn, county_id)?.and_then(|(to, _)| to);
    let coordinator: Option<(i64, String, String, Option<String>)> = match to {
        Some(id) => users::table
            .find(id)
            .select((users::id, users::name, users::email, users::password_hash))
            .first(conn)
            .optional()?,
        None => None,
    };
    Ok(TransferBackPreview {
        county_id,
        county,
        experts,
        unused_account: coordinator.as_ref().is_some_and(|c| c.3.is_none()),
        coordinator: coordinator.map(|(id, name, email, _)| (id, name, email)),
    })
}

/// An admin hands a transferred county back to its region: the county coordinator it was
/// handed to loses the role (their sessions end), the regional coordinators manage it again,
/// an unused invitation of an account the transfer created stops working, and the county
/// coordinator and the region's coordinators are told — in one transaction, audit-logged.
pub fn transfer_back(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    who: &accounts::Principal,
    county_id: i64,
    now: NaiveDateTime,
) -> AppResult<()> {
    write_tx(conn, |c| {
        let p = preview_back(c, who, county_id)?;
        let region_id: i64 = counties::table
            .find(county_id)
            .select(counties::region_id)
            .first(c)?;
        diesel::update(counties::table.find(county_id))
            .set(counties::transferred_at.eq(None::<NaiveDateTime>))
            .execute(c)?;
        let told = end_the_handover(c, who, &p, region_id, now)?;
        audit::record_in(
            c,
            audit::Area::county(region_id, county_id),
            Some(who.user_id),
            "registry.transfer_back",
            &format!("county:{county_id}"),
            &match &p.coordinator {
                Some((id, _, _)) => format!("from user:{id}"),
                None => String::new(),
            },
            now,
        )?;
        tell_handed_back(c, msg, &p, told, now)
    })
}

/// The county coordinator the network was handed to loses the role, and an invitation the
/// transfer created and nobody used stops working. Returns whom to tell: that coordinator
/// ("to", unless the account was never used) and the region's coordinators ("from").
fn end_the_handover(
    c: &mut AnyConnection,
    who: &accounts::Principal,
    p: &TransferBackPreview,
    region_id: i64,
    now: NaiveDateTime,
) -> AppResult<Vec<(i64, &'static str)>> {
    let county_id = p.county_id;
    let mut told: Vec<(i64, &str)> = Vec::new();
    if let Some((id, _, _)) = &p.coordinator {
        accounts::roles::revoke_role_in(
            c,
            *id,
            &Role::CountyCoordinator { county_id },
            Some(who.user_id),
            now,
        )?;
        if p.unused_account {
            // A mistyped address must not be able to take the account into use.
            diesel::update(
                account_tokens::table
                    .filter(account_tokens::user_id.eq(*id))
                    .filter(account_tokens::used_at.is_null()),
            )
            .set(account_tokens::expires_at.eq(now))
            .execute(c)?;
        } else {
            told.push((*id, "to"));
        }
    }
    let regional: Vec<i64> = role_assignments::table
        .filter(role_assignments::role.eq("regional_coordinator"))
        .filter(role_assignments::region_id.eq(region_id))
        .select(role_assignments::user_id)
        .load(c)?;
    for id in regional {
        if !told.iter().any(|(t, _)| *t == id) {
            told.push((id, "from"));
        }
    }
    Ok(told)
}

/// Tells each active one of `told` that the county was handed back.
fn tell_handed_back(
    c: &mut AnyConnection,
    msg: &Messaging<'_>,
    p: &TransferBackPreview,
    told: Vec<(i64, &str)>,
    now: NaiveDateTime,
) -> AppResult<()> {
    let county_id = p.county_id;
    let coordinator_name = p.coordinator.as_ref().map(|c| c.1.clone());
    for (id, role) in told {
        let (email, name, lang, active): (String, String, String, bool) = users::table
            .find(id)
            .select((users::email, users::name, users::language, users::active))
            .first(c)?;
        if !active {
            continue;
        }
        let mut ctx = tera::Context::new();
        ctx.insert("name", &name);
        ctx.insert("county", &p.county);
        ctx.insert("county_coordinator", &coordinator_name);
        let link = if role == "to" {
            format!("{}/", msg.base_url)
        } else {
            format!("{}/verkosto?maakunta={county_id}", msg.base_url)
        };
        ctx.insert("link", &link);
        mail::queue(
            c,
            msg.templates,
            now,
            Envelope {
                to_email: &email,
                to_name: &name,
                language: Lang::parse(&lang).unwrap_or_default(),
                user_id: Some(id),
                dedupe_key: format!(
                    "transfer-back:{county_id}:{}:{id}",
                    now.and_utc().timestamp()
                ),
                template: if role == "to" {
                    "transfer_back_to"
                } else {
                    "transfer_back_from"
                },
                context: ctx,
            },
        )?;
    }
    Ok(())
}
