//! Regions and counties kept by admins: names in both languages (and Swedish pages showing the
//! Swedish ones), and moving a county to another region from a day on, so that past figures
//! stay in the region they were counted in.

use crate::network::organisation;
use crate::support::TestApp;
use chrono::NaiveDate;
use diesel::prelude::*;
use kirjaamo::accounts::Role;
use kirjaamo::db::schema::{audit_log, counties, trainings_held};
use kirjaamo::db::schema_regions::county_regions as cr;
use kirjaamo::network::places;
use kirjaamo::network::registry::Scope;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn coordinator(app: &TestApp, email: &str, region: &str) {
    app.user(
        email,
        email,
        Some(Role::RegionalCoordinator {
            region_id: app.region_id(region),
        }),
    );
}

fn held(app: &TestApp, user: i64, organisation: i64, on: &str, participants: i32) {
    diesel::insert_into(trainings_held::table)
        .values((
            trainings_held::user_id.eq(user),
            trainings_held::organisation_id.eq(organisation),
            trainings_held::held_on.eq(day(on)),
            trainings_held::theme.eq("archiving"),
            trainings_held::participants.eq(participants),
            trainings_held::created_at.eq(app.clock.now()),
        ))
        .execute(&mut app.conn())
        .unwrap();
    kirjaamo::network::trainings::recount::rebuild(&mut app.conn()).unwrap();
}

/// (label, participants) of the region's or county's quarters.
fn quarters(app: &TestApp, scope: Scope) -> Vec<(String, i64)> {
    kirjaamo::network::reach::quarterly::quarters(&mut app.conn(), scope, app.clock.today(), 4)
        .unwrap()
        .into_iter()
        .map(|q| (q.label, q.participants))
        .collect()
}

fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    audit_log::table
        .order(audit_log::id)
        .select((audit_log::action, audit_log::subject))
        .load(&mut app.conn())
        .unwrap()
}

fn changes(app: &TestApp, county: i64) -> i64 {
    cr::table
        .filter(cr::county_id.eq(county))
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}

#[actix_web::test]
async fn a_moved_county_leaves_its_past_quarters_in_the_old_region() {
    let app = TestApp::new();
    app.user("admin@example.fi", "Admin", Some(Role::Admin));
    coordinator(&app, "kaisa@example.fi", "socca");
    coordinator(&app, "vera@example.fi", "vasso");
    let expert = app.user("expert@example.fi", "Eeva Expert", None);
    let (socca, vasso) = (app.region_id("socca"), app.region_id("vasso"));
    let county = app.county_id("ita-uusimaa");
    let org = organisation(&app, "Itä-Uudenmaan sosiaalipalvelut", "ita-uusimaa", 100);
    held(&app, expert.id, org, "2026-03-10", 10);
    held(&app, expert.id, org, "2026-10-05", 20);
    assert_eq!(
        quarters(&app, Scope::Region(socca)),
        vec![
            ("2026 Q1".to_string(), 10),
            ("2026 Q2".to_string(), 0),
            ("2026 Q3".to_string(), 0),
            ("2026 Q4".to_string(), 20)
        ]
    );

    let mut admin = app.signed_in("admin@example.fi").await;
    let list = admin.get("/hallinta/alueet").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains(&format!(
        "/hallinta/hyvinvointialueet/{county}\">Itä-Uudenmaan hyvinvointialue</a>"
    )));
    let page = admin
        .get(&format!("/hallinta/hyvinvointialueet/{county}"))
        .await;
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains("Kuuluu nyt alueeseen <strong>Socca</strong>"));

    // Refused, each with its reason next to the field, the input kept, nothing changed.
    let move_url = format!("/hallinta/hyvinvointialueet/{county}/siirto");
    let vasso_s = vasso.to_string();
    let fskc = app.region_id("fskc").to_string();
    for (region, date, message) in [
        (
            vasso_s.as_str(),
            "2027-01-01",
            "Siirtoa ei voi merkitä tulevaisuuteen",
        ),
        (
            vasso_s.as_str(),
            "2019-05-01",
            "ennen hyvinvointialueiden aloitusta",
        ),
        (
            vasso_s.as_str(),
            "huomenna",
            "Anna päivämäärä muodossa pp.kk.vvvv",
        ),
        (
            fskc.as_str(),
            "2026-07-01",
            "Valtakunnalliseen verkostoon ei kuulu",
        ),
        ("", "2026-07-01", "Valitse alue luettelosta"),
        (
            socca.to_string().as_str(),
            "2026-07-01",
            "kuului jo tuona päivänä",
        ),
    ] {
        let res = admin
            .post(&move_url, &[("region_id", region), ("valid_from", date)])
            .await;
        assert_eq!(res.status, 400, "{region} {date}");
        assert!(res.body.contains(message), "{message}:\n{}", res.body);
        assert!(res.body.contains(r#"aria-invalid="true""#));
        assert!(
            res.body.contains(&format!("value=\"{date}\"")),
            "the date is kept"
        );
        assert_eq!(changes(&app, county), 1);
    }

    // From 1.7.2026 on, Itä-Uusimaa belongs to VASSO.
    let res = admin
        .post(
            &move_url,
            &[("region_id", &vasso_s), ("valid_from", "2026-07-01")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = admin.get(&res.location()).await;
    assert!(
        page.body.contains("Siirto on merkitty."),
        "the notice says so"
    );
    assert!(page
        .body
        .contains("Kuuluu nyt alueeseen <strong>VASSO</strong>"));
    assert!(page.body.contains("1.7.2026"));
    let mut conn = app.conn();
    assert_eq!(
        places::region_on(&mut conn, county, day("2026-06-30")).unwrap(),
        socca
    );
    assert_eq!(
        places::region_on(&mut conn, county, day("2026-07-01")).unwrap(),
        vasso
    );
    assert_eq!(
        places::region_on(&mut conn, county, day("2020-01-01")).unwrap(),
        socca
    );
    let current: i64 = counties::table
        .find(county)
        .select(counties::region_id)
        .first(&mut conn)
        .unwrap();
    assert_eq!(current, vasso);
    drop(conn);
    // The past stays where it was counted; the county's own figures are whole.
    assert_eq!(
        quarters(&app, Scope::Region(socca))[0],
        ("2026 Q1".to_string(), 10)
    );
    assert_eq!(
        quarters(&app, Scope::Region(socca))[3],
        ("2026 Q4".to_string(), 0)
    );
    assert_eq!(
        quarters(&app, Scope::Region(vasso))[0],
        ("2026 Q1".to_string(), 0)
    );
    assert_eq!(
        quarters(&app, Scope::Region(vasso))[3],
        ("2026 Q4".to_string(), 20)
    );
    assert_eq!(quarters(&app, Scope::County(county))[0].1, 10);
    // Today's scopes follow the move: VASSO's coordinator sees the county, Socca's no longer.
    let mut vera = app.signed_in("vera@example.fi").await;
    let view = vera.get("/verkosto").await;
    assert!(view.body.contains("Itä-Uudenmaan hyvinvointialue"));
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    assert_eq!(
        kaisa
            .get(&format!("/verkosto?maakunta={county}"))
            .await
            .status,
        403
    );
    // A second change on the same day is refused.
    let again = admin
        .post(
            &move_url,
            &[
                ("region_id", &socca.to_string()),
                ("valid_from", "2026-07-01"),
            ],
        )
        .await;
    assert_eq!(again.status, 400);
    assert!(again
        .body
        .contains("Samalle päivälle on jo merkitty siirto"));

    // Taken back: the county is Socca's again, and the only entry left cannot be.
    let change: i64 = cr::table
        .filter(cr::county_id.eq(county))
        .filter(cr::valid_from.eq(day("2026-07-01")))
        .select(cr::id)
        .first(&mut app.conn())
        .unwrap();
    let res = admin
        .post(
            &format!("/hallinta/hyvinvointialueet/muutokset/{change}/peru"),
            &[],
        )
        .await;
    assert_eq!(res.status, 303);
    assert!(admin
        .get(&res.location())
        .await
        .body
        .contains("Siirto on peruttu."));
    assert_eq!(
        quarters(&app, Scope::Region(socca))[3],
        ("2026 Q4".to_string(), 20)
    );
    let only: i64 = cr::table
        .filter(cr::county_id.eq(county))
        .select(cr::id)
        .first(&mut app.conn())
        .unwrap();
    let res = admin
        .post(
            &format!("/hallinta/hyvinvointialueet/muutokset/{only}/peru"),
            &[],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("Ainoaa merkintää ei voi perua."));
    assert_eq!(changes(&app, county), 1);

    let actions = audit_actions(&app);
    let subject = format!("county:{county}");
    assert!(actions.contains(&("county.move".to_string(), subject.clone())));
    assert!(actions.contains(&("county.move_undone".to_string(), subject)));
}

#[actix_web::test]
async fn names_are_kept_in_both_languages_and_swedish_pages_show_the_swedish_ones() {
    let app = TestApp::new();
    app.user("admin@example.fi", "Admin", Some(Role::Admin));
    coordinator(&app, "kaisa@example.fi", "socca");
    organisation(&app, "Vantaan sosiaalipalvelut", "vantaa-kerava", 200);
    let county = app.county_id("vantaa-kerava");
    let mut kaisa = app.signed_in("kaisa@example.fi").await;
    let fi = kaisa.get("/verkosto").await.body;
    assert!(fi.contains("Vantaan ja Keravan hyvinvointialue"));
    assert!(
        kaisa
            .post("/tili/kieli", &[("language", "sv")])
            .await
            .status
            < 400
    );
    let sv = kaisa.get("/verkosto").await.body;
    assert!(sv.contains(r#"<html lang="sv">"#));
    assert!(sv.contains("Vanda och Kervo välfärdsområde"), "{sv}");
    assert!(sv.contains("Helsingfors stad"));
    assert!(!sv.contains("Vantaan ja Keravan hyvinvointialue"));
    assert!(!sv.contains("Helsingin kaupunki"));

    // The admin fixes a name: an empty one is refused next to its field, the input kept.
    let mut admin = app.signed_in("admin@example.fi").await;
    let url = format!("/hallinta/hyvinvointialueet/{county}");
    let bad = admin
        .post(&url, &[("name_fi", "  "), ("name_sv", "Vanda–Kervo <b>")])
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Kirjoita nimi"));
    assert!(bad.body.contains(r#"id="name_fi-error""#));
    assert!(
        bad.body.contains("value=\"Vanda–Kervo &lt;b&gt;\""),
        "kept, escaped"
    );
    let ok = admin
        .post(
            &url,
            &[
                ("name_fi", "Vantaan ja Keravan hyvinvointialue"),
                ("name_sv", "Vanda och Kervo välfärdsområde (Vakehyva)"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303);
    assert!(admin
        .get(&ok.location())
        .await
        .body
        .contains("Hyvinvointialueen nimet on tallennettu."));
    let sv = kaisa.get("/verkosto").await.body;
    assert!(sv.contains("Vanda och Kervo välfärdsområde (Vakehyva)"));
    // A region too; the Swedish name shows in the Swedish scope list.
    let region = app.region_id("socca");
    let res = admin
        .post(
            &format!("/hallinta/alueet/{region}"),
            &[
                ("name_fi", "Socca"),
                ("name_sv", "Socca – Huvudstadsregionen"),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    let sv = kaisa.get("/verkosto").await.body;
    assert!(sv.contains("Socca – Huvudstadsregionen"));
    let fi_admin = admin.get("/hallinta/alueet").await.body;
    assert!(fi_admin.contains(r#"<span lang="sv">Socca – Huvudstadsregionen</span>"#));
    let actions = audit_actions(&app);
    assert!(actions.contains(&("county.rename".to_string(), format!("county:{county}"))));
    assert!(actions.contains(&("region.rename".to_string(), format!("region:{region}"))));
}
