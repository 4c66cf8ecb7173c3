//! The demo cohort's writing exercise (`kirjaamo demo`): in the basic course's first exercise,
//! three trainees and the demo trainee have submitted entries, the peers were allocated by the
//! real rules, some reviews are written and one is still open for the demo trainee, the
//! trainer has assessed one entry whose writer consented, and that entry is published as an
//! example in the knowledge bank. Seeded once (nothing happens when the cohort has entries);
//! nobody is e-mailed.

use super::access::Scope;
use super::allocation::{self, Change};
use super::model::{Rating, ASSIGNED, DONE, PEER, SELF, TRAINER};
use super::{access, peers};
use crate::accounts;
use crate::courses::markdown::render_user;
use crate::db::schema::{course_modules, lessons};
use crate::db::schema_exercises::{
    exercise_entries as ee, exercise_examples as ex, exercise_reviews as er,
    exercise_versions as ev,
};
use crate::db::{search, AnyConnection};
use crate::AppResult;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

/// Stands for the demo trainee's address, which the caller gives.
const DEMO_TRAINEE: &str = "";

/// The exercise lesson the demo seeds.
pub const LESSON: &str = "harjoitus-kotikaynti";

/// (e-mail, entry, hours ago)
const ENTRIES: [(&str, &str, i64); 4] = [
    (
        "liisa.lahtinen@demo.kirjaamo.test",
        "Kotikäynti Kertun luona 14.10. klo 10–11 pojan yhteydenoton jälkeen.\n\nKerttu kertoo \
         pärjäävänsä ja haluaa asua kotona: ”Täältä minä lähden vasta jalat edellä.” Hän kertoo, \
         että portaat ovat raskaat ja ruoanlaitto on jäänyt vähemmälle. Kesällä hän kaatui \
         kylpyhuoneessa ja pelkää nyt käydä suihkussa yksin.\n\nHavaitsin, että Kerttu käveli \
         seinään tukeutuen ja jääkaapissa oli vähän ruokaa.\n\nArvioin, että Kerttu tarvitsee \
         tukea ruokailuun ja peseytymiseen. Kerttu haluaa kokeilla ateriapalvelua ja apua \
         suihkuun kerran viikossa. Turvapuhelinta hän ei halua. Sovimme, että haen \
         ateriapalvelua tällä viikolla ja tulen uudelleen 28.10.",
        70,
    ),
    (
        "jukka.koskinen@demo.kirjaamo.test",
        "Kotikäynti 14.10. Asiakas asuu yksin, portaat raskaat. Jääkaapissa vähän ruokaa. \
         Asiakas kertoo pärjäävänsä. Ateriapalvelu aloitetaan, turvapuhelinta asiakas ei halua. \
         Uusi käynti 28.10.",
        60,
    ),
    (
        "sanna.virtanen@demo.kirjaamo.test",
        "Kerttu kertoo, että poika hätäilee turhaan. Hän haluaa asua kotona. Kerttu kertoo \
         kaatuneensa kesällä ja pelkäävänsä suihkussa käymistä. Havaitsin, että eteisessä oli \
         kaksi roskapussia ja jääkaapissa vähän ruokaa. Kerttu haluaa kokeilla \
         ateriapalvelua. Sovimme uuden käynnin 28.10.",
        50,
    ),
    (
        DEMO_TRAINEE,
        "Kotikäynti Kertun kotona 14.10. Kerttu kertoo, ettei halua muuttaa pois: hän on asunut \
         kodissaan viisikymmentä vuotta. Havaitsin, että Kerttu nousi tuolista käsinojiin \
         tukeutuen. Kerttu haluaa apua suihkussa käymiseen kerran viikossa ja kokeilla \
         ateriapalvelua. Sovimme, että tulen uudelle käynnille 28.10.",
        40,
    ),
];

/// (reviewer, author, levels, comment): the reviews written so far.
const REVIEWS: [(&str, &str, [usize; 4], &str); 3] = [
    (
        "jukka.koskinen@demo.kirjaamo.test",
        "liisa.lahtinen@demo.kirjaamo.test",
        [2, 2, 2, 2],
        "Kertun oma ääni kuuluu hienosti lainauksessa. Arvio ja sen perusteet erottuvat selvästi.",
    ),
    (
        "liisa.lahtinen@demo.kirjaamo.test",
        "jukka.koskinen@demo.kirjaamo.test",
        [0, 1, 1, 1],
        "Kirjaus on selkeä, mutta Kertun nimi ja hänen omat sanansa puuttuvat. Kirjoittaisin \
         myös, kuka hakee ateriapalvelua.",
    ),
    (
        "sanna.virtanen@demo.kirjaamo.test",
        "liisa.lahtinen@demo.kirjaamo.test",
        [2, 1, 2, 2],
        "Hyvä kirjaus. Havainnot voisi vielä erottaa omaksi kappaleekseen arviosta.",
    ),
];

fn user(conn: &mut AnyConnection, email: &str) -> AppResult<Option<i64>> {
    Ok(accounts::model::find_by_email(conn, email)?.map(|u| u.id))
}

fn ratings(scope: &Scope, levels: &[usize]) -> String {
    let r: Vec<Rating> = scope
        .exercise
        .rubric
        .iter()
        .zip(levels)
        .map(|(c, &level)| Rating {
            criterion: c.criterion.clone(),
            level: level.min(c.levels.len().saturating_sub(1)),
        })
        .collect();
    serde_json::to_string(&r).unwrap_or_else(|_| "[]".into())
}

/// Seeds the demo cohort's exercise. Returns the number of entries made.
pub fn seed(
    conn: &mut AnyConnection,
    cohort_id: i64,
    trainee_email: &str,
    trainer_id: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let cohort = crate::cohorts::find(conn, cohort_id)?;
    let Some(lesson_id) = lessons::table
        .filter(lessons::course_id.eq(cohort.course_id))
        .filter(lessons::slug.eq(LESSON))
        .select(lessons::id)
        .first::<i64>(conn)
        .optional()?
    else {
        return Ok(0);
    };
    let scope = match access::scope(conn, cohort_id, lesson_id) {
        Ok(s) => s,
        Err(crate::AppError::NotFound) => return Ok(0),
        Err(e) => return Err(e),
    };
    let existing: i64 = ee::table
        .filter(ee::cohort_id.eq(cohort_id))
        .count()
        .get_result(conn)?;
    if existing > 0 {
        return Ok(0);
    }
    let mut made = 0;
    for (email, text, hours) in ENTRIES {
        let email = if email == DEMO_TRAINEE {
            trainee_email
        } else {
            email
        };
        let Some(uid) = user(conn, email)? else {
            continue;
        };
        let at = now - Duration::hours(hours);
        let entry_id: i64 = diesel::insert_into(ee::table)
            .values((
                ee::cohort_id.eq(cohort_id),
                ee::lesson_id.eq(lesson_id),
                ee::user_id.eq(uid),
                ee::submitted_at.eq(Some(at)),
                ee::versions.eq(1),
                ee::latest_at.eq(Some(at)),
                ee::created_at.eq(at),
                ee::updated_at.eq(at),
            ))
            .returning(ee::id)
            .get_result(conn)?;
        diesel::insert_into(ev::table)
            .values((
                ev::entry_id.eq(entry_id),
                ev::number.eq(1),
                ev::body.eq(text),
                ev::submitted_at.eq(at),
            ))
            .execute(conn)?;
        let pool = peers::pool(conn, &scope)?;
        let changes: Vec<Change> = allocation::on_submit(&pool, uid);
        peers::store(conn, None, &scope, &changes, at)?;
        diesel::insert_into(er::table)
            .values((
                er::entry_id.eq(entry_id),
                er::kind.eq(SELF),
                er::reviewer_id.eq(Some(uid)),
                er::status.eq(DONE),
                er::version.eq(1),
                er::assigned_at.eq(at),
                er::done_at.eq(Some(at)),
                er::ratings_json.eq(ratings(&scope, &[1, 1, 2, 1])),
            ))
            .execute(conn)?;
        made += 1;
    }
    for (reviewer, author, levels, comment) in REVIEWS {
        let (Some(r), Some(a)) = (user(conn, reviewer)?, user(conn, author)?) else {
            continue;
        };
        let Some(entry) = access::entry_of(conn, cohort_id, lesson_id, a)? else {
            continue;
        };
        diesel::update(
            er::table
                .filter(er::entry_id.eq(entry.id))
                .filter(er::kind.eq(PEER))
                .filter(er::reviewer_id.eq(r))
                .filter(er::status.eq(ASSIGNED)),
        )
        .set((
            er::status.eq(DONE),
            er::ratings_json.eq(ratings(&scope, &levels)),
            er::comment.eq(comment),
            er::done_at.eq(Some(now - Duration::hours(20))),
        ))
        .execute(conn)?;
    }
    seed_assessment(conn, &scope, trainer_id, now)?;
    Ok(made)
}

/// The trainer's assessment of Liisa's entry, her consent, and the published example.
fn seed_assessment(
    conn: &mut AnyConnection,
    scope: &Scope,
    trainer_id: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<()> {
    let Some(liisa) = user(conn, ENTRIES[0].0)? else {
        return Ok(());
    };
    let Some(entry) = access::entry_of(conn, scope.cohort_id, scope.lesson_id, liisa)? else {
        return Ok(());
    };
    let comment = "Kirjauksesi on hyvä esimerkki asiakaslähtöisyydestä: Kertun oma näkemys, \
                   havaintosi ja arviosi erottuvat, ja sovitut asiat ovat selvät. Lisää vielä, \
                   että Kerttu antoi luvan kertoa pojalleen käynnin tuloksista.";
    let quote = "Täältä minä lähden vasta jalat edellä.";
    diesel::insert_into(er::table)
        .values((
            er::entry_id.eq(entry.id),
            er::kind.eq(TRAINER),
            er::reviewer_id.eq(trainer_id),
            er::status.eq(DONE),
            er::version.eq(1),
            er::assigned_at.eq(now - Duration::hours(10)),
            er::done_at.eq(Some(now - Duration::hours(10))),
            er::ratings_json.eq(ratings(scope, &[2, 2, 2, 1])),
            er::comment.eq(comment),
            er::quote.eq(quote),
        ))
        .execute(conn)?;
    diesel::update(ee::table.find(entry.id))
        .set(ee::consent_at.eq(Some(now - Duration::hours(9))))
        .execute(conn)?;
    let (course_id, theme): (i64, Option<String>) = lessons::table
        .inner_join(course_modules::table)
        .filter(lessons::id.eq(scope.lesson_id))
        .select((lessons::course_id, course_modules::theme))
        .first(conn)?;
    let title = "Esimerkki: kotikäynti ikääntyneen asiakkaan luona";
    let feedback = format!(
        "- **Asiakkaan oma näkemys erottuu**: selvästi\n- **Havainnot ja arviot erotettu**: \
         selvästi\n\n> {quote}\n\n{comment}"
    );
    let body = ENTRIES[0]
        .1
        .replace("Kertun", "asiakkaan")
        .replace("Kerttu", "Asiakas");
    let id: i64 = diesel::insert_into(ex::table)
        .values((
            ex::entry_id.eq(Some(entry.id)),
            ex::course_id.eq(course_id),
            ex::lesson_id.eq(Some(scope.lesson_id)),
            ex::theme.eq(theme),
            ex::title.eq(title),
            ex::entry_text.eq(&body),
            ex::feedback_markdown.eq(&feedback),
            ex::feedback_html.eq(render_user(&feedback)),
            ex::ratings_json.eq(ratings(scope, &[2, 2, 2, 1])),
            ex::published_by.eq(trainer_id),
            ex::published_at.eq(now - Duration::hours(8)),
            ex::updated_at.eq(now - Duration::hours(8)),
        ))
        .returning(ex::id)
        .get_result(conn)?;
    search::replace_entry(conn, &format!("example:{id}"), title, &body)?;
    Ok(())
}
