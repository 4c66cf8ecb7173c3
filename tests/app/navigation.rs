//! Every link opens: signed in as each role (trainee, trainer, regional coordinator, a county
//! coordinator after a registry transfer, admin), follow every link of the navigation and the
//! home page, and every link on the pages they lead to, and expect no 403, no 404 and no 500.

use crate::support::{Browser, TestApp};
use kirjaamo::accounts::Role;
use std::collections::{BTreeSet, VecDeque};

/// The site's own links on a page (no fragments, no assets), HTML entities decoded.
fn links(body: &str) -> Vec<String> {
    body.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|h| {
            h.replace("&amp;", "&")
                .replace("&#x2F;", "/")
                .replace("&#x27;", "'")
                .replace("&quot;", "\"")
        })
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        .map(|h| h.split('#').next().unwrap_or("").to_string())
        .filter(|h| !h.is_empty() && !h.starts_with("/assets/"))
        .collect()
}

/// The navigation's links and the home page's, then two more steps from each (so the county views a region links to are opened too).
async fn crawl(b: &mut Browser, who: &str) -> Vec<String> {
    let home = b.get("/").await;
    assert_eq!(home.status, 200, "{who}: home");
    let mut queue: VecDeque<(String, u8)> = links(&home.body).into_iter().map(|l| (l, 1)).collect();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    seen.insert("/".into());
    let mut failures = Vec::new();
    let mut visited = 0;
    while let Some((url, depth)) = queue.pop_front() {
        if !seen.insert(url.clone()) {
            continue;
        }
        visited += 1;
        assert!(visited < 400, "{who}: too many pages, a link loop? {url}");
        let res = b.get(&url).await;
        if std::env::var("KIRJAAMO_TEST_SHOW_CRAWL").is_ok() {
            eprintln!("{who}: {url} {}", res.status);
        }
        let ok = match res.status {
            200 => true,
            // Redirects inside the site (a cohort's address without the slash).
            301 | 302 | 303 | 307 | 308 => !res.location().starts_with("/login"),
            _ => false,
        };
        if !ok {
            failures.push(format!("{who}: {url} answered {}", res.status));
            continue;
        }
        let html = res.header("content-type").starts_with("text/html");
        if depth < 3 && html {
            for l in links(&res.body) {
                if !seen.contains(&l) {
                    queue.push_back((l, depth + 1));
                }
            }
        }
    }
    failures
}

#[actix_web::test]
async fn every_link_of_every_role_opens() {
    let app = TestApp::new();
    let org = crate::network::organisation(&app, "Helsingin sosiaalipalvelut", "helsinki", 500);
    crate::network::organisation(&app, "Vantaan palvelut", "vantaa-kerava", 300);
    let (cohort, _) = crate::network::graduate(&app, Some(org)).await;
    // A discussion with a question and an answer, and the cohort's survey, to have links to.
    crate::discussions::matrix_fixture(&app, cohort);
    crate::surveys::matrix_fixture(&app, cohort);
    app.user(
        "kaisa@example.fi",
        "Kaisa Koordinaattori",
        Some(Role::RegionalCoordinator {
            region_id: app.region_id("socca"),
        }),
    );
    app.user("admin@example.fi", "Anna Admin", Some(Role::Admin));
    // Kaisa hands Helsinki over to Heli, who takes the account into use.
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let helsinki = app.county_id("helsinki").to_string();
    let res = kaisa
        .post(
            "/verkosto/siirto",
            &[
                ("county_id", &helsinki),
                ("email", "heli@example.fi"),
                ("name", "Heli Helsinki"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let mail = app
        .outbox()
        .into_iter()
        .find(|(to, _, _)| to == "heli@example.fi")
        .unwrap();
    let link = crate::support::link_in(&mail.2, "/salasana/uusi/").unwrap();
    let mut heli = app.browser().await;
    let res = heli
        .post(
            link.trim_start_matches(&app.state.config.base_url),
            &[
                ("password", crate::support::PASSWORD),
                ("password_again", crate::support::PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);

    let mut failures = Vec::new();
    for (who, email) in [
        ("trainee", "trainee@example.fi"),
        ("trainer", "trainer@example.fi"),
        ("regional coordinator", "kaisa@example.fi"),
        ("county coordinator", "heli@example.fi"),
        ("admin", "admin@example.fi"),
    ] {
        let mut b = app.signed_in(email).await;
        failures.extend(crawl(&mut b, who).await);
    }
    assert!(
        failures.is_empty(),
        "links that do not open:\n{}",
        failures.join("\n")
    );
}
