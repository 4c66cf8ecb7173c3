//! Who a survey is for and who manages it: the facts that place a person in an audience
//! (network membership, enrolment, workplace), and whether someone may address an audience.

use super::{Audience, Survey};
use crate::accounts::Principal;
use crate::cohorts::{self, Cohort};
use crate::db::schema::{
    cohorts as cohorts_t, counties, enrolments, memberships, organisations, users,
};
use crate::db::AnyConnection;
use crate::network::registry::Scope;
use crate::AppResult;
use diesel::prelude::*;

/// What decides whether a person belongs to a survey's audience, read in a few queries.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub member_regions: Vec<i64>,
    pub member_counties: Vec<i64>,
    /// Cohorts the person is enrolled in (not withdrawn), and their regions.
    pub cohorts: Vec<i64>,
    pub cohort_regions: Vec<i64>,
    /// Where the person works.
    pub org_county: Option<i64>,
    pub org_region: Option<i64>,
}

pub fn facts(conn: &mut AnyConnection, user_id: i64) -> AppResult<Facts> {
    let ms: Vec<(i64, Option<i64>)> = memberships::table
        .filter(memberships::user_id.eq(user_id))
        .select((memberships::region_id, memberships::county_id))
        .load(conn)?;
    let cs: Vec<(i64, Option<i64>)> = enrolments::table
        .inner_join(cohorts_t::table)
        .filter(enrolments::user_id.eq(user_id))
        .filter(enrolments::status.ne("withdrawn"))
        .select((cohorts_t::id, cohorts_t::region_id))
        .load(conn)?;
    let org: Option<(i64, i64)> = users::table
        .inner_join(organisations::table.inner_join(counties::table))
        .filter(users::id.eq(user_id))
        .select((counties::id, counties::region_id))
        .first(conn)
        .optional()?;
    Ok(Facts {
        member_regions: ms.iter().map(|m| m.0).collect(),
        member_counties: ms.iter().filter_map(|m| m.1).collect(),
        cohorts: cs.iter().map(|c| c.0).collect(),
        cohort_regions: cs.iter().filter_map(|c| c.1).collect(),
        org_county: org.map(|o| o.0),
        org_region: org.map(|o| o.1),
    })
}

/// Whether a person with these facts is in the audience.
pub fn audience_includes(a: Audience, f: &Facts) -> bool {
    let studying = !f.cohorts.is_empty();
    match a {
        Audience::Network(Scope::Region(r)) => f.member_regions.contains(&r),
        Audience::Network(Scope::County(c)) => f.member_counties.contains(&c),
        Audience::Cohort(c) => f.cohorts.contains(&c),
        Audience::Area(Scope::Region(r)) => {
            f.member_regions.contains(&r)
                || f.cohort_regions.contains(&r)
                || (studying && f.org_region == Some(r))
        }
        Audience::Area(Scope::County(c)) => {
            f.member_counties.contains(&c) || (studying && f.org_county == Some(c))
        }
        Audience::All => true,
        // Participants of a training answer by their sign-in's link, not as users.
        Audience::Counties | Audience::Training(_) => false,
    }
}

/// Whether `who` may create a survey for `audience`, and later see its results.
pub fn may_address(
    conn: &mut AnyConnection,
    who: &Principal,
    audience: Audience,
) -> AppResult<bool> {
    Ok(match audience {
        Audience::Network(scope) | Audience::Area(scope) => match scope {
            Scope::Region(r) => who.manages_region(r),
            Scope::County(c) => who.manages_county(crate::network::county_place(conn, c)?),
        },
        Audience::Cohort(id) => match cohorts_t::table
            .find(id)
            .select(Cohort::as_select())
            .first(conn)
            .optional()?
        {
            Some(c) => cohorts::manages(who, &c),
            None => false,
        },
        Audience::All | Audience::Counties => who.is_admin(),
        // The training's expert and its area's coordinators (as `trainings::actor_for`
        // decides; read here directly so surveys need not import the trainings).
        Audience::Training(id) => {
            use crate::db::schema::trainings_held as th;
            let found: Option<(Option<i64>, i64)> = th::table
                .inner_join(organisations::table)
                .filter(th::id.eq(id))
                .select((th::user_id, organisations::county_id))
                .first(conn)
                .optional()?;
            match found {
                Some((expert, _)) if expert == Some(who.user_id) => true,
                Some((_, county)) => {
                    who.manages_county(crate::network::county_place(conn, county)?)
                }
                None => false,
            }
        }
    })
}

/// Whether `who` manages the survey: may see its results and export them.
pub fn manages(conn: &mut AnyConnection, who: &Principal, survey: &Survey) -> AppResult<bool> {
    may_address(conn, who, survey.audience())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audience_follows_membership_enrolment_and_workplace() {
        let member = Facts {
            member_regions: vec![1],
            member_counties: vec![10],
            ..Default::default()
        };
        let trainee = Facts {
            cohorts: vec![7],
            cohort_regions: vec![2],
            org_county: Some(20),
            org_region: Some(2),
            ..Default::default()
        };
        assert!(audience_includes(
            Audience::Network(Scope::Region(1)),
            &member
        ));
        assert!(audience_includes(
            Audience::Network(Scope::County(10)),
            &member
        ));
        assert!(!audience_includes(
            Audience::Network(Scope::County(11)),
            &member
        ));
        assert!(!audience_includes(Audience::Cohort(7), &member));
        assert!(audience_includes(Audience::Cohort(7), &trainee));
        assert!(!audience_includes(
            Audience::Network(Scope::Region(2)),
            &trainee
        ));
        assert!(audience_includes(
            Audience::Area(Scope::Region(2)),
            &trainee
        ));
        assert!(audience_includes(
            Audience::Area(Scope::County(20)),
            &trainee
        ));
        assert!(!audience_includes(
            Audience::Area(Scope::County(20)),
            &Facts::default()
        ));
        assert!(audience_includes(Audience::All, &Facts::default()));
        assert!(!audience_includes(Audience::Counties, &member));
    }
}
