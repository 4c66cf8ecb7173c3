//! Registry transfer: a regional coordinator hands a county's network over to the county's
//! own documentation coordinator, in one transaction, audit-logged, both told by e-mail. From
//! then on the county coordinator manages it and the regional coordinator still sees it.
//! [`preview`] says beforehand what a transfer will do (the confirmation page); an admin can
//! hand a county back to its region ([`transfer_back`]).

use super::registry::{self, Scope};
use crate::accounts::{self, audit, NewAccount, Role};
use crate::db::schema::{account_tokens, counties, network_transfers, role_assignments, users};
use crate::db::{write_tx, AnyConnection};
use crate::i18n::Lang;
use crate::mail::{self, Envelope, Messaging};
use crate::{AppError, AppResult};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

/// Whether `who` manages (not only sees) a county's network: its own coordinator, an admin, or
/// the regional coordinator until the county has been handed over.
pub fn manages_county_network(
    conn: &mut AnyConnection,
    who: &accounts::Principal,
    county_id: i64,
) -> AppResult<bool> {
    let (region_id, transferred): (i64, Option<NaiveDateTime>) = counties::table
        .find(county_id)
        .select((counties::region_id, counties::transferred_at))
        .first(conn)?;
    Ok(who.is_admin()
        || who.counties_managed().contains(&county_id)
        || (who.manages_region(region_id) && transferred.is_none()))
}

/// What a transfer will do, for the confirmation page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TransferPreview {
    pub county_id: i64,
    pub county: String,
    /// The experts in the county's registry (all of them; `active` of those are active).
    pub experts: i64,
    pub active: i64,
    /// The normalised address the network goes to.
    pub email: String,
    /// The name of the existing account, or `None` when an account will be created.
    pub existing_name: Option<String>,
    /// The name the new account gets (the form's), when one is created.
    pub new_name: Option<String>,
}

/// Checks a transfer as [`transfer`] would and says what it will do; changes nothing.
pub fn preview(
    conn: &mut AnyConnection,
    who: &accounts::Principal,
    county_id: i64,
    email: &str,
    name: &str,
) -> AppResult<TransferPreview> {
    let email = accounts::normalize_email(email)?;
    let (region_id, transferred, county): (i64, Option<NaiveDateTime>, String) = counties::table
        .find(county_id)
        .select((
            counties::region_id,
            counties::transferred_at,
            counties::name_fi,
        ))
        .first(conn)
        .optional()?
        .ok_or(AppError::Invalid("transfer.county_invalid".into()))?;
    if !who.manages_region(region_id) {
        return Err(AppError::Forbidden);
    }
    if transferred.is_some() {
        return Err(AppError::Conflict("transfer.already".into()));
    }
    let (experts, active) = registry::registry_counts(conn, Scope::County(county_id))?;
    let existing = accounts::model::find_by_email(conn, &email)?;
    let new_name = match &existing {
        Some(_) => None,
        None => Some(accounts::clean_name(name)?),
    };
    Ok(TransferPreview {
        county_id,
        county,
        experts,
        active,
        email,
        existing_name: existing.map(|u| u.name),
        new_name,
    })
}

/// Hands the county's network to the person with `email` (an account is created, with a
/// set-your-password link, if they have none).
pub fn transfer(
    conn: &mut AnyConnection,
    msg: &Messaging<'_>,
    who: &accounts::Principal,
    county_id: i64,
    email: &str,
    name: &str,
    now: NaiveDateTime,
) -> AppResult<i64> {
    let email = accounts::normalize_email(email)?;
    write_tx(conn, |c| {
        let (region_id, transferred, county_fi, county_sv): (
            i64,
            Option<NaiveDateTime>,
            String,
            String,
        ) = counties::table
            .find(county_id)
            .select((
                counties::region_id,
                counties::transferred_at,
                counties::name_fi,
                counties::name_sv,
            ))
            .first(c)?;
        if !who.manages_region(region_id) {
            return Err(AppError::Forbidden);
        }
        if transferred.is_some() {
            return Err(AppError::Conflict("transfer.already".into()));
        }
        let (user, invite) = match accounts::model::find_by_email(c, &email)? {
            Some(u) => (u, None),
            None => {
                let name = accounts::clean_name(name)?;
                let u = accounts::create_user(
                    c,
                    NewAccount {
                        email: &email,
                        name: &name,
                        language: Lang::Fi,
                        organisation_id: None,
                        password_hash: None,
                    },
                    now,
                )?;
                let token = accounts::links::issue_account_token(
                    c,
                    u.id,
                    "invite",
                    Duration::days(accounts::links::INVITE_TTL_DAYS),
                    now,
                )?;
                (u, Some(format!("{}/salasana/uusi/{token}", msg.base_url)))
            }
        };
        accounts::roles::grant_role_in(
            c,
            user.id,
            &Role::CountyCoordinator { county_id },
            Some(who.user_id),
            now,
        )?;
        diesel::update(counties::table.find(county_id))
            .set(counties::transferred_at.eq(now))
            .execute(c)?;
        let id: i64 = diesel::insert_into(network_transfers::table)
            .values((
                network_transfers::county_id.eq(county_id),
                network_transfers::from_user_id.eq(who.user_id),
                network_transfers::to_user_id.eq(user.id),
                network_transfers::transferred_at.eq(now),
            ))
            .returning(network_transfers::id)
            .get_result(c)?;
        audit::record_in(
            c,
            audit::Area::county(region_id, county_id),
            Some(who.user_id),
            "registry.transfer",
            &format!("county:{county_id}"),
            &format!("to user:{}", user.id),
            now,
        )?;
        let from: (String, String, String) = users::table
            .find(who.user_id)
            .select((users::email, users::name, users::language))
            .first(c)?;
        for (to_id, to_email, to_name, lang, role) in [
            (
                user.id,
                user.email.clone(),
                user.name.clone(),
                user.language.clone(),
                "to",
            ),
            (
                who.user_id,
                from.0.clone(),
                from.1.clone(),
                from.2.clone(),
                "from",
            ),
        ] {
            let mut ctx = tera::Context::new();
            ctx.insert("name", &to_name);
            // Each reads the county's name in their own language.
            let in_lang = Lang::parse(&lang).unwrap_or_default();
            ctx.insert(
                "county",
                super::names::pick(in_lang, &county_fi, &county_sv),
            );
            ctx.insert("new_coordinator", &user.name);
            ctx.insert("regional_coordinator", &from.1);
            ctx.insert(
                "link",
                &invite
                    .clone()
                    .filter(|_| role == "to")
                    .unwrap_or_else(|| format!("{}/verkosto?maakunta={county_id}", msg.base_url)),
            );
            ctx.insert("invite", &(invite.is_some() && role == "to"));
            mail::queue(
                c,
                msg.templates,
                now,
                Envelope {
                    to_email: &to_email,
                    to_name: &to_name,
                    language: Lang::parse(&lang).unwrap_or_default(),
                    user_id: Some(to_id),
                    dedupe_key: format!("transfer:{id}:{role}"),
                    template: if role == "to" {
                        "transfer_to"
                    } else {
                        "transfer_from"
                    },
                    context: ctx,
                },
            )?;
        }
        Ok(id)
    })
}

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
    })
}
