//! Who may do what: pure functions over a [`Principal`], unit-tested as a table. The web
//! layer asks these; it never decides on its own.

use serde::Serialize;

/// A role held by a user. Being a trainee needs no role: it follows from an enrolment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Role {
    Trainer,
    RegionalCoordinator { region_id: i64 },
    CountyCoordinator { county_id: i64 },
    Admin,
}

impl Role {
    pub fn from_row(role: &str, region_id: Option<i64>, county_id: Option<i64>) -> Option<Role> {
        match (role, region_id, county_id) {
            ("trainer", _, _) => Some(Role::Trainer),
            ("admin", _, _) => Some(Role::Admin),
            ("regional_coordinator", Some(r), _) => {
                Some(Role::RegionalCoordinator { region_id: r })
            }
            ("county_coordinator", _, Some(c)) => Some(Role::CountyCoordinator { county_id: c }),
            _ => None,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Role::Trainer => "trainer",
            Role::RegionalCoordinator { .. } => "regional_coordinator",
            Role::CountyCoordinator { .. } => "county_coordinator",
            Role::Admin => "admin",
        }
    }
}

/// The signed-in user as the rules see them.
#[derive(Clone, Debug, Serialize)]
pub struct Principal {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub language: String,
    pub organisation_id: Option<i64>,
    pub roles: Vec<Role>,
}

/// The audit-log entries someone reads: all of them, or those recorded for their areas (an
/// entry of a county carries its region, so a regional coordinator reads its counties' too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuditReach {
    All,
    Areas {
        regions: Vec<i64>,
        counties: Vec<i64>,
    },
}

impl AuditReach {
    /// Whether an entry of this area is within reach.
    pub fn covers(&self, region_id: Option<i64>, county_id: Option<i64>) -> bool {
        match self {
            AuditReach::All => true,
            AuditReach::Areas { regions, counties } => {
                region_id.is_some_and(|r| regions.contains(&r))
                    || county_id.is_some_and(|c| counties.contains(&c))
            }
        }
    }
}

/// Where a county lies, for deciding whether a coordinator reaches it.
#[derive(Clone, Copy, Debug)]
pub struct CountyPlace {
    pub county_id: i64,
    pub region_id: i64,
}

impl Principal {
    pub fn is_admin(&self) -> bool {
        self.roles.contains(&Role::Admin)
    }

    pub fn is_trainer(&self) -> bool {
        self.roles.contains(&Role::Trainer)
    }

    pub fn is_coordinator(&self) -> bool {
        self.roles.iter().any(|r| {
            matches!(
                r,
                Role::RegionalCoordinator { .. } | Role::CountyCoordinator { .. }
            )
        })
    }

    /// Coordinators and admins manage things; trainers and trainees do not.
    pub fn manages_anything(&self) -> bool {
        self.is_admin() || self.is_coordinator()
    }

    /// A regional coordinator of this region, or an admin.
    pub fn manages_region(&self, region_id: i64) -> bool {
        self.is_admin()
            || self
                .roles
                .contains(&Role::RegionalCoordinator { region_id })
    }

    /// The county's own coordinator, the coordinator of its region, or an admin.
    pub fn manages_county(&self, place: CountyPlace) -> bool {
        self.manages_region(place.region_id)
            || self.roles.contains(&Role::CountyCoordinator {
                county_id: place.county_id,
            })
    }

    pub fn regions_managed(&self) -> Vec<i64> {
        self.roles
            .iter()
            .filter_map(|r| match r {
                Role::RegionalCoordinator { region_id } => Some(*region_id),
                _ => None,
            })
            .collect()
    }

    /// Which audit-log entries `self` may read: everything (admins), the entries of their own
    /// regions and counties (coordinators), or none.
    pub fn audit_reach(&self) -> Option<AuditReach> {
        if self.is_admin() {
            Some(AuditReach::All)
        } else if self.is_coordinator() {
            Some(AuditReach::Areas {
                regions: self.regions_managed(),
                counties: self.counties_managed(),
            })
        } else {
            None
        }
    }

    pub fn counties_managed(&self) -> Vec<i64> {
        self.roles
            .iter()
            .filter_map(|r| match r {
                Role::CountyCoordinator { county_id } => Some(*county_id),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(roles: Vec<Role>) -> Principal {
        Principal {
            user_id: 1,
            name: "Testi".into(),
            email: "t@example.fi".into(),
            language: "fi".into(),
            organisation_id: None,
            roles,
        }
    }

    #[test]
    fn coordinators_reach_only_their_own_area() {
        let helsinki = CountyPlace {
            county_id: 1,
            region_id: 1,
        };
        let pirkanmaa = CountyPlace {
            county_id: 7,
            region_id: 3,
        };
        // (principal, manages region 1, manages helsinki, manages pirkanmaa)
        let table = [
            (who(vec![]), false, false, false),
            (who(vec![Role::Trainer]), false, false, false),
            (
                who(vec![Role::RegionalCoordinator { region_id: 1 }]),
                true,
                true,
                false,
            ),
            (
                who(vec![Role::RegionalCoordinator { region_id: 3 }]),
                false,
                false,
                true,
            ),
            (
                who(vec![Role::CountyCoordinator { county_id: 1 }]),
                false,
                true,
                false,
            ),
            (
                who(vec![Role::CountyCoordinator { county_id: 7 }]),
                false,
                false,
                true,
            ),
            (who(vec![Role::Admin]), true, true, true),
        ];
        for (p, region, hel, pir) in table {
            assert_eq!(p.manages_region(1), region, "{:?}", p.roles);
            assert_eq!(p.manages_county(helsinki), hel, "{:?}", p.roles);
            assert_eq!(p.manages_county(pirkanmaa), pir, "{:?}", p.roles);
        }
    }

    #[test]
    fn the_audit_log_is_read_by_admins_and_by_coordinators_for_their_own_area() {
        // (principal, entry of region 1, of county 1 in region 1, of county 7 in region 3,
        // without an area)
        let table = [
            (who(vec![]), None),
            (who(vec![Role::Trainer]), None),
            (
                who(vec![Role::RegionalCoordinator { region_id: 1 }]),
                Some([true, true, false, false]),
            ),
            (
                who(vec![Role::CountyCoordinator { county_id: 7 }]),
                Some([false, false, true, false]),
            ),
            (who(vec![Role::Admin]), Some([true, true, true, true])),
        ];
        for (p, expected) in table {
            let reach = p.audit_reach();
            match (reach, expected) {
                (None, None) => {}
                (Some(r), Some(e)) => {
                    let got = [
                        r.covers(Some(1), None),
                        r.covers(Some(1), Some(1)),
                        r.covers(Some(3), Some(7)),
                        r.covers(None, None),
                    ];
                    assert_eq!(got, e, "{:?}", p.roles);
                }
                (r, e) => panic!("{:?}: {r:?} vs {e:?}", p.roles),
            }
        }
    }

    #[test]
    fn unknown_role_rows_are_ignored() {
        assert_eq!(Role::from_row("regional_coordinator", None, None), None);
        assert_eq!(Role::from_row("wizard", None, None), None);
        assert_eq!(Role::from_row("admin", None, None), Some(Role::Admin));
    }
}
