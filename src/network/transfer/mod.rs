//! Registry transfer: a regional coordinator hands a county's network over to the county's
//! own documentation coordinator, in one transaction, audit-logged, both told by e-mail. From
//! then on the county coordinator manages it and the regional coordinator still sees it.
//! [`preview`] says beforehand what a transfer will do (the confirmation page); an admin can
//! hand a county back to its region ([`back::transfer_back`]).

pub mod back;

use super::registry::{self, Scope};
use crate::accounts::{self, audit, NewAccount, Role, User};
use crate::db::schema::{counties, network_transfers, users};
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
        let (region_id, county_fi, county_sv) = county_to_hand_over(c, who, county_id)?;
        let (user, invite) = coordinator_account(c, msg, &email, name, now)?;
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
        let county = (county_fi.as_str(), county_sv.as_str());
        tell_both(c, msg, id, county_id, county, who, &user, invite, now)?;
        Ok(id)
    })
}

/// The county `who` hands over, checked in the transfer's transaction: its region (which `who`
/// manages) and its names in Finnish and Swedish; it must not have been handed over already.
fn county_to_hand_over(
    c: &mut AnyConnection,
    who: &accounts::Principal,
    county_id: i64,
) -> AppResult<(i64, String, String)> {
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
    Ok((region_id, county_fi, county_sv))
}

/// The account of the person the network goes to, and the link that invites them to set a
/// password when the account is created here (an existing account gets none).
fn coordinator_account(
    c: &mut AnyConnection,
    msg: &Messaging<'_>,
    email: &str,
    name: &str,
    now: NaiveDateTime,
) -> AppResult<(User, Option<String>)> {
    Ok(match accounts::model::find_by_email(c, email)? {
        Some(u) => (u, None),
        None => {
            let name = accounts::clean_name(name)?;
            let u = accounts::create_user(
                c,
                NewAccount {
                    email,
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
    })
}

/// Tells both sides of transfer `id`: the new county coordinator (with the invitation link, if
/// any) and the regional coordinator who handed the network over.
#[allow(clippy::too_many_arguments)]
fn tell_both(
    c: &mut AnyConnection,
    msg: &Messaging<'_>,
    id: i64,
    county_id: i64,
    (county_fi, county_sv): (&str, &str),
    who: &accounts::Principal,
    user: &User,
    invite: Option<String>,
    now: NaiveDateTime,
) -> AppResult<()> {
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
        ctx.insert("county", super::names::pick(in_lang, county_fi, county_sv));
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
    Ok(())
}
