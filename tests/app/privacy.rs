//! Personal data (quality.md): the download holds the user's own data and nothing of others;
//! deleting an account leaves no trace of the person in any column of any table; the last
//! admin stays; the rate limits on password resets, applications and the deletion form.

use crate::support::{Browser, TestApp, PASSWORD};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use kirjaamo::accounts::Role;
use kirjaamo::db::schema::{
    applications, audit_log, certificates, cohorts, enrolments, outbox_messages, users,
};
use kirjaamo::db::{portable_sql, Backend};

const ME: &str = "trainee@example.fi";
const MY_NAME: &str = "Tiina Trainee";
const OTHER: &str = "trainee2@example.fi";
const OTHER_NAME: &str = "Kalle Kakkonen";

/// The fixture trainee as a graduate in Helsinki with a training held and a discussion
/// thread; a second trainee of the same cohort who replies in it and has a thread of their
/// own. Returns the cohort, the trainee's thread and the other's thread.
async fn world(app: &TestApp) -> (i64, i64, i64) {
    let org = crate::network::organisation(app, "Helsingin sosiaalipalvelut", "helsinki", 300);
    let (cohort, _) = crate::network::graduate(app, Some(org)).await;
    let other = app.user(OTHER, OTHER_NAME, None);
    kirjaamo::cohorts::enrol(&mut app.conn(), cohort, other.id, app.clock.now()).unwrap();

    let mut me = app.signed_in(ME).await;
    let org_s = org.to_string();
    let res = me
        .post(
            "/asiantuntija/koulutukset",
            &[
                ("organisation_id", &org_s),
                ("held_on", "2026-11-02"),
                ("theme", "archiving"),
                ("participants", "15"),
                ("notes", "Tiimipalaveri kotihoidossa"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let mine = crate::discussions::ask(
        &mut me,
        cohort,
        "question",
        "Miten kirjaan kotikäynnin?",
        "Kysyn kotikäynnin kirjaamisesta, terveisin Tiina.",
    )
    .await;
    let mut other_b = app.signed_in(OTHER).await;
    crate::discussions::reply(&mut other_b, mine, "Kallen vastaus: kirjaa heti.", None).await;
    let theirs = crate::discussions::ask(
        &mut other_b,
        cohort,
        "question",
        "Kallen oma kysymys",
        "Kallen yksityinen pohdinta arkistoinnista.",
    )
    .await;
    crate::discussions::reply(&mut me, theirs, "Tiinan vastaus Kallelle.", None).await;
    (cohort, mine, theirs)
}

fn user_id(app: &TestApp, email: &str) -> Option<i64> {
    users::table
        .filter(users::email.eq(email))
        .select(users::id)
        .first(&mut app.conn())
        .optional()
        .unwrap()
}

#[actix_web::test]
async fn the_download_holds_my_data_and_nothing_of_others() {
    let app = TestApp::new();
    world(&app).await;
    let code: String = certificates::table
        .select(certificates::code)
        .first(&mut app.conn())
        .unwrap();
    let mut me = app.signed_in(ME).await;
    let res = me.get("/tili/omat-tiedot").await;
    assert_eq!(res.status, 200);
    assert!(res.header("content-disposition").contains("attachment"));
    let data: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(data["profile"]["email"], ME);
    assert_eq!(data["profile"]["name"], MY_NAME);
    let enrolled = data["enrolments"].as_array().unwrap();
    assert_eq!(enrolled.len(), 1);
    assert_eq!(enrolled[0]["course"], "Esimerkkivalmennus");
    assert_eq!(enrolled[0]["status"], "completed");
    let lessons: i64 = kirjaamo::db::schema::lessons::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(data["progress"].as_array().unwrap().len() as i64, lessons);
    assert_eq!(data["certificates"][0]["code"], code.as_str());
    assert_eq!(data["certificates"][0]["holder"], MY_NAME);
    assert_eq!(data["memberships"].as_array().unwrap().len(), 1);
    assert_eq!(
        data["trainings_held"][0]["notes"],
        "Tiimipalaveri kotihoidossa"
    );
    assert_eq!(data["trainings_held"][0]["participants"], 15);
    let posts: Vec<&str> = data["discussions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["body"].as_str().unwrap())
        .collect();
    assert!(posts.iter().any(|b| b.contains("terveisin Tiina")));
    assert!(posts.iter().any(|b| b.contains("Tiinan vastaus Kallelle")));
    // Nothing of the other trainee: not their address, profile or posts anywhere; their name
    // and their reply only inside the e-mails I received ("Kalle replied: …").
    for foreign in [OTHER, "Kallen yksityinen pohdinta"] {
        assert!(!res.body.contains(foreign), "{foreign} in my download");
    }
    let mut without_mail = data.clone();
    without_mail["emails"] = serde_json::Value::Null;
    assert!(!without_mail.to_string().contains(OTHER_NAME));
    assert!(!without_mail.to_string().contains("Kallen vastaus"));
    assert!(data["emails"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["body"].as_str().unwrap().contains(MY_NAME)));
}

/// Every table and column in the database now (not the schema the code knows).
fn all_columns(app: &TestApp) -> Vec<(String, String)> {
    #[derive(QueryableByName)]
    struct Col {
        #[diesel(sql_type = Text)]
        t: String,
        #[diesel(sql_type = Text)]
        c: String,
    }
    let mut conn = app.conn();
    let sql = match conn.backend() {
        Backend::Sqlite => {
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
        }
        Backend::Postgres => {
            "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
             WHERE table_schema = current_schema()"
        }
    };
    let cols: Vec<Col> = diesel::sql_query(sql).load(&mut conn).unwrap();
    cols.into_iter().map(|c| (c.t, c.c)).collect()
}

/// Where `needle` (case-insensitively) appears: "table.column" for every hit.
fn found_in(app: &TestApp, needle: &str) -> Vec<String> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mut conn = app.conn();
    let mut hits = Vec::new();
    for (table, column) in all_columns(app) {
        let sql = portable_sql(
            &conn,
            &format!(
                "SELECT COUNT(*) AS n FROM \"{table}\" \
                 WHERE lower(CAST(\"{column}\" AS TEXT)) LIKE ?"
            ),
        );
        let n: N = diesel::sql_query(sql)
            .bind::<Text, _>(format!("%{}%", needle.to_lowercase()))
            .get_result(&mut conn)
            .unwrap();
        if n.n > 0 {
            hits.push(format!("{table}.{column} ({})", n.n));
        }
    }
    hits
}

#[actix_web::test]
async fn deleting_my_account_leaves_no_trace_and_frees_the_address() {
    let app = TestApp::new();
    let (cohort, mine, _) = world(&app).await;
    let uid = user_id(&app, ME).unwrap();
    let code: String = certificates::table
        .select(certificates::code)
        .first(&mut app.conn())
        .unwrap();
    // More traces: a pending reset link and mail, a failed sign-in's counter, an application
    // with the address, an audit entry naming the address.
    let mut anon = app.browser().await;
    assert_eq!(
        anon.post("/salasana/unohtunut", &[("email", ME)])
            .await
            .status,
        200
    );
    assert_eq!(
        anon.post("/login", &[("email", ME), ("password", "väärä-salasana-1")])
            .await
            .status,
        401
    );
    diesel::insert_into(applications::table)
        .values((
            applications::cohort_id.eq(cohort),
            applications::name.eq(MY_NAME),
            applications::email.eq(ME),
            applications::manager_name.eq("Eila Esihenkilö"),
            applications::manager_email.eq("eila@example.fi"),
            applications::created_at.eq(app.clock.now()),
        ))
        .execute(&mut app.conn())
        .unwrap();
    kirjaamo::accounts::audit::record(
        &mut app.conn(),
        Some(uid),
        "registry.export",
        &format!("user:{uid}"),
        &format!("exported by {ME} ({MY_NAME})"),
        app.clock.now(),
    )
    .unwrap();
    assert!(
        !found_in(&app, ME).is_empty(),
        "the scan finds the address before"
    );
    assert!(!found_in(&app, MY_NAME).is_empty());
    let enrolled_before: i64 = enrolments::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();

    let mut me = app.signed_in(ME).await;
    let page = me.get("/tili").await;
    assert!(page.body.contains("href=\"/tili/poista\""));
    let form = me.get("/tili/poista").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Poista tili") && form.body.contains("Poistettu käyttäjä"));

    // Without the confirmation, or with a wrong password: a clear message, nothing changed.
    let res = me.post("/tili/poista", &[("password", PASSWORD)]).await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("Vahvista poisto"));
    let res = me
        .post(
            "/tili/poista",
            &[("password", "ei-tämä-salasana"), ("confirm", "1")],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("Nykyinen salasana"), "{}", res.body);
    assert_eq!(user_id(&app, ME), Some(uid));

    let res = me
        .post("/tili/poista", &[("password", PASSWORD), ("confirm", "1")])
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.location(), "/tili/poistettu");
    assert!(me
        .get("/tili/poistettu")
        .await
        .body
        .contains("Tili on poistettu"));

    // No trace in any column of any table.
    assert_eq!(
        found_in(&app, ME),
        Vec::<String>::new(),
        "the address remains"
    );
    assert_eq!(
        found_in(&app, MY_NAME),
        Vec::<String>::new(),
        "the name remains"
    );
    assert_eq!(user_id(&app, ME), None);

    // The session is dead, the password opens nothing, the certificate is not found.
    assert_eq!(me.get("/tili").await.status, 303);
    let mut again = app.browser().await;
    assert_eq!(
        again
            .post("/login", &[("email", ME), ("password", PASSWORD)])
            .await
            .status,
        401
    );
    assert_eq!(anon.get(&format!("/todistus/{code}")).await.status, 404);

    // The thread still reads, with the author shown as deleted; the other trainee is intact.
    let mut other = app.signed_in(OTHER).await;
    let thread = other.get(&format!("/keskustelut/ketju/{mine}")).await;
    assert_eq!(thread.status, 200);
    assert!(thread.body.contains("Kysyn kotikäynnin kirjaamisesta"));
    assert!(thread.body.contains("Poistettu käyttäjä"));
    assert!(thread.body.contains("Kallen vastaus"));
    let enrolled_after: i64 = enrolments::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(enrolled_after, enrolled_before - 1);
    assert_eq!(
        cohorts::table
            .find(cohort)
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap(),
        1
    );

    // The audit log keeps the id only.
    let entry: String = audit_log::table
        .filter(audit_log::action.eq("user.delete"))
        .select(audit_log::subject)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(entry, format!("deleted-user:{uid}"));

    // The address can have a new account.
    let fresh = app.user(ME, "Tiina Uusi", None);
    assert_ne!(fresh.id, uid);
    app.signed_in(ME).await;
}

#[actix_web::test]
async fn admins_delete_with_a_reason_and_the_last_admin_stays() {
    let app = TestApp::new();
    let admin = app.user("admin@example.fi", "Aino Admin", Some(Role::Admin));
    let victim = app.user("poistettava@example.fi", "Pertti Poistettava", None);
    let mut a = app.signed_in("admin@example.fi").await;

    // The only admin cannot delete themselves: the page says so and the form is refused.
    let page = a.get("/tili/poista").await;
    assert!(page.body.contains("ainoa ylläpitäjä"));
    assert!(!page.body.contains("action=\"/tili/poista\""));
    let res = a
        .post("/tili/poista", &[("password", PASSWORD), ("confirm", "1")])
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("ainoa ylläpitäjä"));
    let res = a
        .post(
            &format!("/hallinta/kayttajat/{}/poista", admin.id),
            &[("reason", "kokeilu")],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("ainoa ylläpitäjä"));
    assert!(user_id(&app, "admin@example.fi").is_some());

    // Another user: a reason is required, then the user is gone and the reason logged.
    let user_page = a.get(&format!("/hallinta/kayttajat/{}", victim.id)).await;
    assert!(user_page
        .body
        .contains(&format!("/hallinta/kayttajat/{}/poista", victim.id)));
    let res = a
        .post(
            &format!("/hallinta/kayttajat/{}/poista", victim.id),
            &[("reason", "  ")],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("poiston syy"));
    assert!(user_id(&app, "poistettava@example.fi").is_some());
    let res = a
        .post(
            &format!("/hallinta/kayttajat/{}/poista", victim.id),
            &[("reason", "Pyyntö tietosuojavastaavalta")],
        )
        .await;
    assert_eq!(res.status, 303);
    assert!(user_id(&app, "poistettava@example.fi").is_none());
    let (actor, details): (Option<i64>, String) = audit_log::table
        .filter(audit_log::action.eq("user.delete"))
        .filter(audit_log::subject.eq(format!("deleted-user:{}", victim.id)))
        .select((audit_log::actor_user_id, audit_log::details))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(actor, Some(admin.id));
    assert!(details.contains("Pyyntö tietosuojavastaavalta"));
    assert!(found_in(&app, "Pertti Poistettava").is_empty());

    // With a second admin, the first may go.
    app.user("admin2@example.fi", "Toinen Admin", Some(Role::Admin));
    let res = a
        .post("/tili/poista", &[("password", PASSWORD), ("confirm", "1")])
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert!(user_id(&app, "admin@example.fi").is_none());
}

fn outbox_count(app: &TestApp) -> i64 {
    outbox_messages::table
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}

#[actix_web::test]
async fn password_reset_requests_are_limited_per_inbox_not_per_office() {
    let app = TestApp::new();
    app.user(ME, MY_NAME, None);
    app.user("kollega@example.fi", "Kaisa Kollega", None);
    let mut b = app.browser().await;
    for i in 0..kirjaamo::accounts::rate_limit::RESET_PER_EMAIL.max {
        let res = b.post("/salasana/unohtunut", &[("email", ME)]).await;
        assert_eq!(res.status, 200, "request {i}");
    }
    let mails = outbox_count(&app);
    assert_eq!(mails, 5);
    let res = b.post("/salasana/unohtunut", &[("email", ME)]).await;
    assert_eq!(res.status, 429);
    assert!(
        res.body
            .contains("Salasanan palautuslinkkejä on pyydetty liian monta kertaa"),
        "{}",
        res.body
    );
    assert!(res.header("retry-after").parse::<i64>().unwrap() > 0);
    assert!(res.body.contains(ME), "the address stays in the form");
    assert_eq!(outbox_count(&app), mails, "no mail after the limit");
    // A colleague at the same office address asks for their own link: not held.
    let mut other = app.browser().await;
    other.peer = b.peer;
    let res = other
        .post("/salasana/unohtunut", &[("email", "kollega@example.fi")])
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(outbox_count(&app), mails + 1);
    // An hour later the window is new.
    app.clock.advance(chrono::Duration::minutes(61));
    assert_eq!(
        b.post("/salasana/unohtunut", &[("email", ME)]).await.status,
        200
    );
}

async fn apply(
    b: &mut Browser,
    cohort: i64,
    org: i64,
    n: usize,
) -> crate::support::browser::Response {
    let email = format!("hakija{n}@example.fi");
    let name = format!("Hakija {n}");
    let org = org.to_string();
    b.post(
        &format!("/haku/{cohort}"),
        &[
            ("name", name.as_str()),
            ("email", email.as_str()),
            ("organisation_id", org.as_str()),
            ("manager_name", "Eila Esihenkilö"),
            ("manager_email", "eila@example.fi"),
            ("motivation", "Haluan kehittää kirjaamista."),
        ],
    )
    .await
}

#[actix_web::test]
async fn applications_are_limited_per_applicant_not_per_office() {
    let app = TestApp::new();
    crate::cohorts::coordinator(&app);
    let org = crate::cohorts::organisation(&app, "Vantaan sosiaalipalvelut", "vantaa-kerava");
    let cohort = crate::cohorts::open_cohort(&app, "100", false).await;
    // Twenty colleagues apply from one office address: nobody is held.
    let mut b = app.browser().await;
    for n in 0..20 {
        let mut colleague = app.browser().await;
        colleague.peer = b.peer;
        let res = apply(&mut colleague, cohort, org, n).await;
        assert_eq!(res.status, 200, "application {n}: {}", res.body);
    }
    let count = || {
        applications::table
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap()
    };
    assert_eq!(count(), 20);
    // One address sent again and again is held after a few.
    for _ in 1..kirjaamo::accounts::rate_limit::APPLY_PER_EMAIL.max {
        assert_eq!(apply(&mut b, cohort, org, 0).await.status, 200);
    }
    let mails = outbox_count(&app);
    let res = apply(&mut b, cohort, org, 0).await;
    assert_eq!(res.status, 429);
    assert!(
        res.body.contains("Hakemuksia on lähetetty liian monta"),
        "{}",
        res.body
    );
    assert!(
        res.body.contains("hakija0@example.fi"),
        "the form keeps its input"
    );
    assert!(res.header("retry-after").parse::<i64>().unwrap() > 0);
    assert_eq!(count(), 20, "no application after the limit");
    assert_eq!(outbox_count(&app), mails, "no mail after the limit");
}

#[actix_web::test]
async fn wrong_passwords_on_the_deletion_form_are_slowed_not_locked() {
    let app = TestApp::new();
    app.user(ME, MY_NAME, None);
    let mut me = app.signed_in(ME).await;
    for i in 0..5 {
        let res = me
            .post(
                "/tili/poista",
                &[("password", "arvaus-123"), ("confirm", "1")],
            )
            .await;
        assert_eq!(res.status, 400, "attempt {i}");
    }
    // Now even the right password waits, and the page says until when.
    let res = me
        .post("/tili/poista", &[("password", PASSWORD), ("confirm", "1")])
        .await;
    assert_eq!(res.status, 429);
    assert!(res
        .body
        .contains("Liian monta väärää salasanaa. Voit yrittää uudelleen klo"));
    let wait: i64 = res.header("retry-after").parse().unwrap();
    assert!((1..=30).contains(&wait), "{wait}");
    assert!(user_id(&app, ME).is_some());
    // The delay passes: the right password works.
    app.clock.advance(chrono::Duration::seconds(wait));
    let res = me
        .post("/tili/poista", &[("password", PASSWORD), ("confirm", "1")])
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert!(user_id(&app, ME).is_none());
}

#[actix_web::test]
async fn a_deleted_accounts_session_never_opens_an_account_that_gets_its_id() {
    let app = TestApp::new();
    app.user("admin@example.fi", "Aino Admin", Some(Role::Admin));
    let old = app.user(ME, MY_NAME, None);
    let mut elsewhere = app.signed_in(ME).await;
    let token = elsewhere.cookies["kirjaamo_session"].clone();
    let mut me = app.signed_in(ME).await;
    let res = me
        .post("/tili/poista", &[("password", PASSWORD), ("confirm", "1")])
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(
        elsewhere.get("/tili").await.status,
        303,
        "the other session ended"
    );
    // A copy of the token kept by someone else.
    elsewhere.cookies.insert("kirjaamo_session".into(), token);
    app.clock.advance(chrono::Duration::minutes(5));
    let fresh = app.user("uusi@example.fi", "Uusi Ihminen", None);
    if app.conn().backend() == Backend::Sqlite {
        // SQLite hands out the largest id again: the case this guards against.
        assert_eq!(fresh.id, old.id);
    }
    let res = elsewhere.get("/tili").await;
    assert_eq!(
        res.status, 303,
        "an old token must not open the new account"
    );
    assert!(!res.body.contains("Uusi Ihminen"));
    let mut new_b = app.signed_in("uusi@example.fi").await;
    assert!(new_b.get("/tili").await.body.contains("Uusi Ihminen"));
}

#[actix_web::test]
async fn deletion_removes_named_survey_answers_and_unties_anonymous_ones() {
    use crate::surveys::{answer_as, create_survey, pairs, question_ids, region_survey};
    use kirjaamo::db::schema_surveys::survey_responses as sr;
    let app = crate::surveys::world();
    app.user("admin@example.fi", "Aino Admin", Some(Role::Admin));
    let mut coord = app.signed_in(crate::surveys::COORD_A).await;
    let named = create_survey(
        &mut coord,
        &pairs(&region_survey(&app, false, "Sain apua.")),
    )
    .await;
    let anon = create_survey(
        &mut coord,
        &pairs(&region_survey(&app, true, "Opin paljon.")),
    )
    .await;
    let fields = |survey: i64, text: &str| {
        let qs = question_ids(&app, survey);
        vec![
            (format!("q{}", qs[0].0), "4".to_string()),
            (format!("t{}", qs[1].0), text.to_string()),
        ]
    };
    answer_as(
        &app,
        1,
        "helsinki",
        named,
        &fields(named, "Nimetty ajatukseni"),
    )
    .await;
    let mut me = app.signed_in("vastaaja1@example.fi").await;
    let res = me
        .post(
            &format!("/kyselyt/{anon}"),
            &pairs(&fields(anon, "Nimetön ajatukseni")),
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    answer_as(&app, 2, "helsinki", anon, &fields(anon, "Toisen ajatus")).await;
    let uid = user_id(&app, "vastaaja1@example.fi").unwrap();
    let responses = |survey: i64| -> Vec<String> {
        sr::table
            .filter(sr::survey_id.eq(survey))
            .select(sr::respondent_key)
            .load(&mut app.conn())
            .unwrap()
    };
    let my_key = kirjaamo::surveys::respondent_key(&app.state.config.secret, anon, uid);
    assert!(responses(anon).contains(&my_key));

    let res = me
        .post("/tili/poista", &[("password", PASSWORD), ("confirm", "1")])
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert!(responses(named).is_empty(), "the named response is gone");
    assert!(found_in(&app, "Nimetty ajatukseni").is_empty());
    // The anonymous answers still count, but nothing ties them to the id any more.
    let left = responses(anon);
    assert_eq!(left.len(), 2);
    assert!(!left.contains(&my_key));
    assert!(!found_in(&app, "Nimetön ajatukseni").is_empty());
    assert!(found_in(&app, "vastaaja1@example.fi").is_empty());
    assert!(found_in(&app, "Vastaaja Numero1").is_empty());
}
