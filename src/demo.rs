//! `kirjaamo demo`: a small demo world, seeded idempotently (running it again changes
//! nothing that is already there).

use crate::accounts::{self, password, NewAccount, Role};
use crate::db::AnyConnection;
use crate::i18n::Lang;
use crate::network::{self, NewOrganisation};
use crate::AppResult;
use chrono::NaiveDateTime;

pub const ADMIN: &str = "admin@demo.kirjaamo.test";
pub const COORDINATOR: &str = "coordinator@demo.kirjaamo.test";
pub const TRAINER: &str = "trainer@demo.kirjaamo.test";
pub const TRAINEE: &str = "trainee@demo.kirjaamo.test";

/// What the demo created this time (zero on a second run).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub organisations: usize,
    pub users: usize,
}

const ORGANISATIONS: [(&str, &str, &str, i32); 5] = [
    (
        "Helsingin kaupungin sosiaali-, terveys- ja pelastustoimiala",
        "helsinki",
        "public",
        5200,
    ),
    (
        "Vantaan ja Keravan hyvinvointialue, sosiaalipalvelut",
        "vantaa-kerava",
        "public",
        2100,
    ),
    (
        "Pirkanmaan hyvinvointialue, sosiaalipalvelut",
        "pirkanmaa",
        "public",
        3900,
    ),
    ("Hoivakoti Kuusikko Oy", "pirkanmaa", "private", 85),
    (
        "Österbottens välfärdsområde, socialservice",
        "pohjanmaa",
        "public",
        1400,
    ),
];

pub fn seed(
    conn: &mut AnyConnection,
    demo_password: &str,
    now: NaiveDateTime,
) -> AppResult<DemoReport> {
    let mut report = DemoReport::default();
    for (name, county, kind, staff) in ORGANISATIONS {
        let county = network::county_by_code(conn, county)?;
        if network::find_organisation(conn, county.id, name)?.is_none() {
            network::create_organisation(
                conn,
                NewOrganisation {
                    name,
                    county_id: county.id,
                    kind,
                    staff_count: staff,
                },
                now,
            )?;
            report.organisations += 1;
        }
    }
    let helsinki = network::county_by_code(conn, "helsinki")?;
    let home_org = network::find_organisation(conn, helsinki.id, ORGANISATIONS[0].0)?.map(|o| o.id);
    let socca = network::region_by_code(conn, "socca")?;
    let hash = password::hash(demo_password)?;
    let people: [(&str, &str, Option<Role>); 4] = [
        (ADMIN, "Aino Ylläpitäjä", Some(Role::Admin)),
        (
            COORDINATOR,
            "Kaisa Koordinaattori",
            Some(Role::RegionalCoordinator {
                region_id: socca.id,
            }),
        ),
        (TRAINER, "Ville Valmentaja", Some(Role::Trainer)),
        (TRAINEE, "Matti Meikäläinen", None),
    ];
    for (email, name, role) in people {
        let user = match accounts::model::find_by_email(conn, email)? {
            Some(u) => u,
            None => {
                report.users += 1;
                accounts::create_user(
                    conn,
                    NewAccount {
                        email,
                        name,
                        language: Lang::Fi,
                        organisation_id: home_org,
                        password_hash: Some(hash.clone()),
                    },
                    now,
                )?
            }
        };
        if let Some(role) = role {
            accounts::grant_role(conn, user.id, &role, None, now)?;
        }
    }
    Ok(report)
}
