//! Renaming a region or a county, in Finnish and Swedish: the names checked, the change
//! audit-logged.

use super::may_edit;
use crate::accounts::audit;
use crate::accounts::policy::Principal;
use crate::db::schema::{counties, regions};
use crate::db::{write_tx, AnyConnection};
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;

pub const NAME_MAX: usize = 200;

/// The problems with a pair of names, as (field, message key).
pub fn check_names(name_fi: &str, name_sv: &str) -> Vec<(&'static str, &'static str)> {
    let mut errors = Vec::new();
    for (field, value) in [("name_fi", name_fi), ("name_sv", name_sv)] {
        let v = value.trim();
        if v.is_empty()
            || v.chars().count() > NAME_MAX
            || v.chars()
                .any(|c| c.is_control() || crate::text::is_bidi_control(c))
        {
            errors.push((field, "regions.name_invalid"));
        }
    }
    errors
}

fn first_error(errors: Vec<(&'static str, &'static str)>) -> AppResult<()> {
    match errors.first() {
        Some((_, key)) => Err(AppError::invalid(*key)),
        None => Ok(()),
    }
}

/// Renames a region (both languages), audit-logged.
pub fn rename_region(
    conn: &mut AnyConnection,
    who: &Principal,
    region_id: i64,
    name_fi: &str,
    name_sv: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let names = (name_fi, name_sv);
    rename(
        conn,
        who,
        ("region", region_id),
        names,
        now,
        |tx| {
            regions::table
                .find(region_id)
                .select((regions::name_fi, regions::name_sv))
                .first(tx)
        },
        |tx, (fi, sv)| {
            diesel::update(regions::table.find(region_id))
                .set((regions::name_fi.eq(fi), regions::name_sv.eq(sv)))
                .execute(tx)
        },
    )
}

/// Renames a county (both languages), audit-logged.
pub fn rename_county(
    conn: &mut AnyConnection,
    who: &Principal,
    county_id: i64,
    name_fi: &str,
    name_sv: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let names = (name_fi, name_sv);
    rename(
        conn,
        who,
        ("county", county_id),
        names,
        now,
        |tx| {
            counties::table
                .find(county_id)
                .select((counties::name_fi, counties::name_sv))
                .first(tx)
        },
        |tx, (fi, sv)| {
            diesel::update(counties::table.find(county_id))
                .set((counties::name_fi.eq(fi), counties::name_sv.eq(sv)))
                .execute(tx)
        },
    )
}

/// The one renaming of a place (`kind` "region" or "county"): checked, unchanged names left
/// alone, the new ones stored and the change audit-logged in one transaction.
fn rename(
    conn: &mut AnyConnection,
    who: &Principal,
    (kind, id): (&str, i64),
    (name_fi, name_sv): (&str, &str),
    now: NaiveDateTime,
    load: impl Fn(&mut AnyConnection) -> QueryResult<(String, String)>,
    store: impl Fn(&mut AnyConnection, (&str, &str)) -> QueryResult<usize>,
) -> AppResult<()> {
    if !may_edit(who) {
        return Err(AppError::Forbidden);
    }
    first_error(check_names(name_fi, name_sv))?;
    let (name_fi, name_sv) = (name_fi.trim(), name_sv.trim());
    write_tx(conn, |tx| {
        let (old_fi, old_sv) = load(tx)?;
        if (old_fi.as_str(), old_sv.as_str()) == (name_fi, name_sv) {
            return Ok(());
        }
        store(tx, (name_fi, name_sv))?;
        audit::record(
            tx,
            Some(who.user_id),
            &format!("{kind}.rename"),
            &format!("{kind}:{id}"),
            &format!("fi: {old_fi} -> {name_fi}; sv: {old_sv} -> {name_sv}"),
            now,
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_one_line_and_not_empty() {
        assert!(check_names(
            "Vantaan ja Keravan hyvinvointialue",
            "Vanda och Kervo välfärdsområde"
        )
        .is_empty());
        assert_eq!(
            check_names(" ", "x"),
            vec![("name_fi", "regions.name_invalid")]
        );
        assert_eq!(
            check_names("a\nb", "c\u{202e}d"),
            vec![
                ("name_fi", "regions.name_invalid"),
                ("name_sv", "regions.name_invalid")
            ]
        );
        assert_eq!(check_names(&"x".repeat(201), "y").len(), 1);
    }
}
