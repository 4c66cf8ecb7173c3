//! Every route × every role against the checked-in table `route_matrix.txt`. A route missing
//! from the table fails this test, so no page ships without a decision on who may see it.

use crate::support::{Browser, TestApp};
use kirjaamo::accounts::Role;

const ROLES: [&str; 6] = [
    "anonymous",
    "trainee",
    "trainer",
    "coordinator_a",
    "coordinator_b",
    "admin",
];

pub(crate) fn table() -> Vec<(String, String, Vec<u16>)> {
    include_str!("route_matrix.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(cols.len(), 2 + ROLES.len(), "bad row: {l}");
            (
                cols[0].to_string(),
                cols[1].to_string(),
                cols[2..].iter().map(|s| s.parse().unwrap()).collect(),
            )
        })
        .collect()
}

pub(crate) fn concrete(path: &str, cohort: i64, extra: &[(String, String)]) -> String {
    let mut path = path.replace("{file:.*}", "css/site.css");
    for (placeholder, value) in extra {
        path = path.replace(placeholder.as_str(), value);
    }
    let file = if path.starts_with("/kurssimateriaali") {
        "kirjauksen-rakenne.png"
    } else {
        ""
    };
    path.replace("{token}", "made-up-token")
        .replace("{id}", "999999")
        .replace("{cohort}", &cohort.to_string())
        .replace("{course}", "demo-course")
        .replace("{lesson}", "mita-kirjaaminen-on")
        .replace("{module}", "perusteet")
        .replace("{file}", file)
        .replace("{enrolment}", "999999")
        .replace("{code}", "AAAAA-BBBBB")
        .replace(
            "{action}",
            if path.contains("hakemukset") {
                "hyvaksy"
            } else {
                "peru"
            },
        )
}

#[test]
fn every_route_is_in_the_table() {
    let table = table();
    let missing: Vec<_> = kirjaamo::web::routes::all()
        .into_iter()
        .filter(|(m, p)| !table.iter().any(|(tm, tp, _)| tm == m && tp == p))
        .collect();
    assert!(
        missing.is_empty(),
        "routes missing from tests/app/route_matrix.txt: {missing:?}"
    );
    let stale: Vec<_> = table
        .iter()
        .filter(|(m, p, _)| {
            !kirjaamo::web::routes::all()
                .iter()
                .any(|(rm, rp)| rm == m && rp == p)
        })
        .map(|(m, p, _)| format!("{m} {p}"))
        .collect();
    assert!(
        stale.is_empty(),
        "rows for routes that no longer exist: {stale:?}"
    );
}

#[actix_web::test]
async fn every_role_gets_what_the_table_says() {
    let app = TestApp::new();
    crate::courses::publish_fixture(&app);
    let cohort = crate::courses::cohort(&app);
    app.user(
        "coord-a@example.fi",
        "Coordinator A",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    app.user(
        "coord-b@example.fi",
        "Coordinator B",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("pikassos"),
        }),
    );
    app.user("admin@example.fi", "Admin", Some(Role::Admin));
    let mut extra = crate::discussions::matrix_fixture(&app, cohort);
    extra.extend(crate::surveys::matrix_fixture(&app, cohort));
    extra.extend(crate::exercises::matrix_fixture(&app).await);
    let emails = [
        None,
        Some("trainee@example.fi"),
        Some("trainer@example.fi"),
        Some("coord-a@example.fi"),
        Some("coord-b@example.fi"),
        Some("admin@example.fi"),
    ];
    let mut failures = Vec::new();
    for (method, path, expected) in table() {
        for (i, email) in emails.iter().enumerate() {
            // A fresh sign-in per request: logging out must not spoil the next row.
            let mut b: Browser = match email {
                Some(e) => app.signed_in(e).await,
                None => {
                    let mut b = app.browser().await;
                    b.get("/login").await;
                    b
                }
            };
            let url = concrete(&path, cohort, &extra);
            let res = if method == "GET" {
                b.get(&url).await
            } else {
                b.post(&url, &[]).await
            };
            if res.status != expected[i] {
                failures.push(format!(
                    "{method} {path} as {}: expected {}, got {}",
                    ROLES[i], expected[i], res.status
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
