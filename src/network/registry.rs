//! What coordinators see of their network: the registry of experts and the blind spots
//! (organisations without an active expert); the reach figures are in [`super::reach`]. A
//! scope is a region or one county.

use super::names;
use crate::accounts::Principal;
use crate::db::schema::{counties, memberships, organisations, regions, users};
use crate::db::AnyConnection;
use crate::i18n::Lang;
use crate::{AppError, AppResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    Region(i64),
    County(i64),
}

impl Scope {
    /// The audit log's area of the scope (a county's entries carry its region too).
    pub fn audit_area(self, conn: &mut AnyConnection) -> QueryResult<crate::accounts::audit::Area> {
        use crate::accounts::audit::Area;
        match self {
            Scope::Region(r) => Ok(Area::region(r)),
            Scope::County(c) => Area::of_county(conn, c),
        }
    }

    /// The audit log's subject for the scope: `region:3`, `county:7`.
    pub fn audit_subject(self) -> String {
        match self {
            Scope::Region(r) => format!("region:{r}"),
            Scope::County(c) => format!("county:{c}"),
        }
    }
}

/// The scopes `who` may look at, broadest first, named in `lang`.
pub fn scopes_for(
    conn: &mut AnyConnection,
    who: &Principal,
    lang: Lang,
) -> AppResult<Vec<(Scope, String)>> {
    let mut out = Vec::new();
    let regions: Vec<(i64, String)> = regions::table
        .order(regions::position)
        .select((regions::id, names::region(lang)))
        .load(conn)?;
    for (id, name) in regions {
        if who.manages_region(id) {
            out.push((Scope::Region(id), name));
        }
    }
    let counties: Vec<(i64, i64, String)> = counties::table
        .order(names::county(lang))
        .select((counties::id, counties::region_id, names::county(lang)))
        .load(conn)?;
    for (id, region, name) in counties {
        if who.manages_county(crate::accounts::policy::CountyPlace {
            county_id: id,
            region_id: region,
        }) {
            out.push((Scope::County(id), name));
        }
    }
    Ok(out)
}

/// Refuses a scope the caller may not see.
pub fn check_scope(conn: &mut AnyConnection, who: &Principal, scope: Scope) -> AppResult<()> {
    let ok = match scope {
        Scope::Region(r) => who.manages_region(r),
        Scope::County(c) => who.manages_county(super::county_place(conn, c)?),
    };
    if ok {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The counties of a scope.
pub fn counties_of(conn: &mut AnyConnection, scope: Scope) -> AppResult<Vec<i64>> {
    Ok(match scope {
        Scope::County(c) => vec![c],
        Scope::Region(r) => counties::table
            .filter(counties::region_id.eq(r))
            .select(counties::id)
            .load(conn)?,
    })
}

/// A member of the registry. A member whose account was deleted stays, unnamed
/// (`deleted`: the pages say "poistettu asiantuntija"), so the registry's figures do not
/// change when someone leaves.
#[derive(Debug, Clone, Serialize)]
pub struct RegistryRow {
    pub user_id: Option<i64>,
    pub name: String,
    pub email: String,
    pub deleted: bool,
    pub organisation: Option<String>,
    pub county: Option<String>,
    pub joined_at: NaiveDateTime,
    pub refreshed_at: NaiveDateTime,
    pub status: String,
}

/// What the CSV and other text outside the pages call a deleted expert.
pub const DELETED_EXPERT: &str = "Poistettu asiantuntija";

/// The experts of a scope, by name, deleted experts last (counties named in `lang`).
pub fn registry(conn: &mut AnyConnection, scope: Scope, lang: Lang) -> AppResult<Vec<RegistryRow>> {
    registry_first(conn, scope, i64::MAX, lang)
}

/// The first `limit` rows of [`registry`] (the network page shows a page; the CSV has all).
pub fn registry_first(
    conn: &mut AnyConnection,
    scope: Scope,
    limit: i64,
    lang: Lang,
) -> AppResult<Vec<RegistryRow>> {
    type Row = (
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        NaiveDateTime,
        NaiveDateTime,
        String,
    );
    let q = memberships::table
        .left_join(users::table)
        .left_join(organisations::table)
        .left_join(counties::table)
        .order((
            users::name.is_null(),
            users::name,
            users::id,
            memberships::id,
        ))
        .select((
            users::id.nullable(),
            users::name.nullable(),
            users::email.nullable(),
            organisations::name.nullable(),
            names::county_or_none(lang),
            memberships::joined_at,
            memberships::refreshed_at,
            memberships::status,
        ))
        .into_boxed();
    let q = match scope {
        Scope::Region(r) => q.filter(memberships::region_id.eq(r)),
        Scope::County(c) => q.filter(memberships::county_id.eq(c)),
    };
    let q = if limit < i64::MAX { q.limit(limit) } else { q };
    let rows: Vec<Row> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| RegistryRow {
            user_id: r.0,
            deleted: r.0.is_none(),
            name: r.1.unwrap_or_else(|| DELETED_EXPERT.to_string()),
            email: r.2.unwrap_or_default(),
            organisation: r.3,
            county: r.4,
            joined_at: r.5,
            refreshed_at: r.6,
            status: r.7,
        })
        .collect())
}

/// Members of the scope's registry: (all, active).
pub fn registry_counts(conn: &mut AnyConnection, scope: Scope) -> AppResult<(i64, i64)> {
    let q = memberships::table
        .group_by(memberships::status)
        .select((memberships::status, diesel::dsl::count_star()))
        .into_boxed();
    let q = match scope {
        Scope::Region(r) => q.filter(memberships::region_id.eq(r)),
        Scope::County(c) => q.filter(memberships::county_id.eq(c)),
    };
    let rows: Vec<(String, i64)> = q.load(conn)?;
    let all = rows.iter().map(|r| r.1).sum();
    let active = rows.iter().filter(|r| r.0 == "active").map(|r| r.1).sum();
    Ok((all, active))
}

#[derive(Debug, Clone, Serialize, Queryable, PartialEq)]
pub struct BlindSpot {
    pub organisation_id: i64,
    pub name: String,
    pub county: String,
    pub kind: String,
    pub staff_count: i32,
}

/// Organisations of the scope with no active expert, largest first.
pub fn blind_spots(
    conn: &mut AnyConnection,
    scope: Scope,
    lang: Lang,
) -> AppResult<Vec<BlindSpot>> {
    let counties = counties_of(conn, scope)?;
    // One statement: the organisations' own index answers "has an active expert" (a list of
    // every covered organisation as bound values was a new statement to prepare each time).
    Ok(organisations::table
        .inner_join(counties::table)
        .filter(organisations::county_id.eq_any(&counties))
        .filter(organisations::active.eq(true))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            memberships::table
                .filter(memberships::organisation_id.eq(organisations::id.nullable()))
                .filter(memberships::status.eq("active")),
        )))
        .order((organisations::staff_count.desc(), organisations::name))
        .select((
            organisations::id,
            organisations::name,
            names::county(lang),
            organisations::kind,
            organisations::staff_count,
        ))
        .load(conn)?)
}

pub use crate::spreadsheet::neutralise;

/// The registry as CSV for Finnish Excel: UTF-8 with a byte-order mark, `;` between cells.
pub fn registry_csv(rows: &[RegistryRow]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        w.write_record([
            "nimi",
            "sähköposti",
            "organisaatio",
            "hyvinvointialue",
            "liittynyt",
            "päivitetty",
            "tila",
        ])?;
        for r in rows {
            w.write_record([
                neutralise(&r.name),
                neutralise(&r.email),
                neutralise(r.organisation.as_deref().unwrap_or("")),
                neutralise(r.county.as_deref().unwrap_or("")),
                // RFC 3339 with Helsinki's offset, so no spreadsheet reads a UTC time as local.
                crate::i18n::format::rfc3339(r.joined_at),
                crate::i18n::format::rfc3339(r.refreshed_at),
                r.status.clone(),
            ])?;
        }
        w.flush()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+358 40"), "'+358 40");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("Äänekoski"), "Äänekoski");
    }
}
