//! What coordinators see of their network: the registry of experts, the trainings they have
//! held over time, the reach (participants against staff counts; the national goal was a
//! quarter of all staff), and the blind spots (organisations without an active expert). A
//! scope is a region or one county.

use super::names;
use crate::accounts::Principal;
use crate::db::schema::{counties, memberships, organisations, regions, trainings_held, users};
use crate::db::AnyConnection;
use crate::i18n::Lang;
use crate::{AppError, AppResult};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, Serialize, Queryable)]
pub struct RegistryRow {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub organisation: Option<String>,
    pub county: Option<String>,
    pub joined_at: NaiveDateTime,
    pub refreshed_at: NaiveDateTime,
    pub status: String,
}

/// The experts of a scope, by name (counties named in `lang`).
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
    let q = memberships::table
        .inner_join(users::table)
        .left_join(organisations::table)
        .left_join(counties::table)
        .order((users::name, users::id))
        .select((
            users::id,
            users::name,
            users::email,
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
    Ok(q.load(conn)?)
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

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Quarter {
    pub label: String,
    pub trainings: i64,
    pub participants: i64,
}

/// Trainings held in the scope's organisations per quarter, the last `n` quarters up to `today`.
/// A region's quarters count each training in the region its county belonged to on the day it
/// was held (`places::Mapping`), so a county moved to another region leaves its past behind.
pub fn trainings_by_quarter(
    conn: &mut AnyConnection,
    scope: Scope,
    today: NaiveDate,
    n: u32,
) -> AppResult<Vec<Quarter>> {
    let mapping = super::places::Mapping::load(conn)?;
    let mut counties = counties_of(conn, scope)?;
    if let Scope::Region(r) = scope {
        counties.extend(mapping.counties_ever_in(r));
        counties.sort_unstable();
        counties.dedup();
    }
    let (mut y, mut q) = (today.year(), (today.month0() / 3) as i32);
    let mut quarters = Vec::new();
    for _ in 0..n {
        quarters.push((y, q));
        q -= 1;
        if q < 0 {
            q = 3;
            y -= 1;
        }
    }
    quarters.reverse();
    let (fy, fq) = quarters[0];
    let from = NaiveDate::from_ymd_opt(fy, (fq * 3 + 1) as u32, 1).unwrap_or(today);
    let rows: Vec<(NaiveDate, i32, i64)> = trainings_held::table
        .inner_join(organisations::table)
        .filter(organisations::county_id.eq_any(&counties))
        .filter(trainings_held::held_on.ge(from))
        .filter(trainings_held::held_on.le(today))
        .select((
            trainings_held::held_on,
            trainings_held::participants,
            organisations::county_id,
        ))
        .load(conn)?;
    let rows: Vec<(NaiveDate, i32)> = rows
        .into_iter()
        .filter(|(day, _, county)| match scope {
            Scope::County(_) => true,
            Scope::Region(r) => mapping.region_on(*county, *day).unwrap_or(r) == r,
        })
        .map(|(day, participants, _)| (day, participants))
        .collect();
    Ok(quarters
        .into_iter()
        .map(|(y, q)| {
            let inq: Vec<&(NaiveDate, i32)> = rows
                .iter()
                .filter(|(d, _)| d.year() == y && (d.month0() / 3) as i32 == q)
                .collect();
            Quarter {
                label: format!("{y} Q{}", q + 1),
                trainings: inq.len() as i64,
                participants: inq.iter().map(|(_, p)| i64::from(*p)).sum(),
            }
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reach {
    pub staff: i64,
    pub participants: i64,
    /// Participants per staff, in per cent (one decimal).
    pub percent: f64,
    /// The national goal: a quarter of all staff.
    pub goal_percent: f64,
    pub by_county: Vec<CountyReach>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CountyReach {
    pub county: String,
    pub staff: i64,
    pub participants: i64,
    pub percent: f64,
    /// Whether the county's organisations report any staff; without, the reach is unknown
    /// ("no data"), not 0 %.
    pub has_staff: bool,
    pub active_experts: i64,
}

fn pct(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

/// Participants of all trainings held in the scope's organisations against their staff: the
/// counties the scope has today, named in `lang`.
pub fn reach(conn: &mut AnyConnection, scope: Scope, lang: Lang) -> AppResult<Reach> {
    let counties: Vec<(i64, String)> = match scope {
        Scope::County(c) => counties::table
            .filter(counties::id.eq(c))
            .select((counties::id, names::county(lang)))
            .load(conn)?,
        Scope::Region(r) => counties::table
            .filter(counties::region_id.eq(r))
            .order(names::county(lang))
            .select((counties::id, names::county(lang)))
            .load(conn)?,
    };
    let mut by_county = Vec::new();
    for (id, name) in counties {
        let staff: Option<i64> = organisations::table
            .filter(organisations::county_id.eq(id))
            .filter(organisations::active.eq(true))
            .select(diesel::dsl::sum(organisations::staff_count))
            .first::<Option<i64>>(conn)?;
        let participants: Option<i64> = trainings_held::table
            .inner_join(organisations::table)
            .filter(organisations::county_id.eq(id))
            .select(diesel::dsl::sum(trainings_held::participants))
            .first::<Option<i64>>(conn)?;
        let active_experts: i64 = memberships::table
            .filter(memberships::county_id.eq(id))
            .filter(memberships::status.eq("active"))
            .count()
            .get_result(conn)?;
        let (staff, participants) = (staff.unwrap_or(0), participants.unwrap_or(0));
        by_county.push(CountyReach {
            county: name,
            staff,
            participants,
            percent: pct(participants, staff),
            has_staff: staff > 0,
            active_experts,
        });
    }
    let staff: i64 = by_county.iter().map(|c| c.staff).sum();
    let participants: i64 = by_county.iter().map(|c| c.participants).sum();
    Ok(Reach {
        staff,
        participants,
        percent: pct(participants, staff),
        goal_percent: 25.0,
        by_county,
    })
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
    let covered: Vec<Option<i64>> = memberships::table
        .filter(memberships::status.eq("active"))
        .filter(memberships::county_id.eq_any(&counties))
        .select(memberships::organisation_id)
        .distinct()
        .load(conn)?;
    let covered: Vec<i64> = covered.into_iter().flatten().collect();
    Ok(organisations::table
        .inner_join(counties::table)
        .filter(organisations::county_id.eq_any(&counties))
        .filter(organisations::active.eq(true))
        .filter(diesel::dsl::not(organisations::id.eq_any(&covered)))
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

    #[test]
    fn percentages_round_to_one_decimal() {
        assert_eq!(pct(1, 3), 33.3);
        assert_eq!(pct(5, 0), 0.0);
        assert_eq!(pct(250, 1000), 25.0);
    }
}
