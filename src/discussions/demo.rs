//! Discussions of the demo cohort (`kirjaamo demo`): an answered question with a best answer
//! and a reply, a discussion among trainees, a question still waiting for the trainer, and a
//! reply to a lesson's prompt. Seeded once (nothing happens when the cohort already has
//! threads); nobody is e-mailed.

use super::{moderation, posting, principal_of};
use crate::cohorts;
use crate::db::schema::lessons;
use crate::db::schema_discussions::discussion_threads as dt;
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

/// (lesson slug, kind, author e-mail, title, text, hours ago)
const THREADS: [(&str, &str, &str, &str, &str, i64); 3] = [
    (
        "asiakkaan-osallisuus",
        "question",
        "liisa.lahtinen@demo.kirjaamo.test",
        "Miten kirjaan asiakkaan näkemyksen, jos se poikkeaa omastani?",
        "Asiakas on eri mieltä siitä, tarvitaanko kotikäyntejä. Kirjaanko hänen näkemyksensä \
         omaksi kappaleekseen vai osaksi omaa arviotani?",
        50,
    ),
    (
        "kunnioittava-ja-ymmarrettava-kieli",
        "discussion",
        "jukka.koskinen@demo.kirjaamo.test",
        "Lyhenteet kirjauksissa",
        "Meillä kirjoitetaan usein *AS* ja *PS*. Onko teillä sovittu lyhenteistä yhdessä, vai \
         kirjoitetaanko kaikki auki?",
        30,
    ),
    (
        "mita-kirjataan-ja-mita-ei",
        "question",
        "sanna.virtanen@demo.kirjaamo.test",
        "Saako asiakkaan sanoja lainata suoraan?",
        "Asiakas kuvasi tilannettaan hyvin osuvasti. Voinko kirjata hänen sanansa \
         lainausmerkeissä?",
        26,
    ),
];

fn lesson_id(conn: &mut AnyConnection, course_id: i64, slug: &str) -> AppResult<Option<i64>> {
    Ok(lessons::table
        .filter(lessons::course_id.eq(course_id))
        .filter(lessons::slug.eq(slug))
        .select(lessons::id)
        .first(conn)
        .optional()?)
}

/// Seeds the demo cohort's discussions, with the demo's trainer and trainee (their e-mail
/// addresses, from `demo`) among the writers. Returns the number of threads started.
pub fn seed(
    conn: &mut AnyConnection,
    cohort_id: i64,
    trainer_email: &str,
    trainee_email: &str,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let started: i64 = dt::table
        .filter(dt::cohort_id.eq(cohort_id))
        .filter(dt::kind.ne(super::PROMPT))
        .count()
        .get_result(conn)?;
    if started > 0 {
        return Ok(0);
    }
    let cohort = cohorts::find(conn, cohort_id)?;
    let who =
        |conn: &mut AnyConnection, email: &str| -> AppResult<Option<crate::accounts::Principal>> {
            match crate::accounts::model::find_by_email(conn, email)? {
                Some(u) => principal_of(conn, u.id),
                None => Ok(None),
            }
        };
    let Some(trainer) = who(conn, trainer_email)? else {
        return Ok(0);
    };
    let mut ids = Vec::new();
    for (slug, kind, author, title, body, hours) in THREADS {
        let (Some(lesson), Some(author)) =
            (lesson_id(conn, cohort.course_id, slug)?, who(conn, author)?)
        else {
            continue;
        };
        let at = now - Duration::hours(hours);
        let new = posting::NewThread {
            lesson_id: lesson,
            kind,
            title,
            body,
        };
        ids.push(posting::start_thread(
            conn, None, &author, cohort.id, new, at,
        )?);
    }
    let [question, discussion, ..] = ids.as_slice() else {
        return Ok(ids.len());
    };
    let liisa = who(conn, "liisa.lahtinen@demo.kirjaamo.test")?;
    let jukka = who(conn, "jukka.koskinen@demo.kirjaamo.test")?;
    let sanna = who(conn, "sanna.virtanen@demo.kirjaamo.test")?;
    let answer = posting::reply(
        conn,
        None,
        &trainer,
        *question,
        None,
        "Kirjaa asiakkaan näkemys **hänen omin sanoinaan** ja erikseen oma arviosi \
         perusteluineen. Näin lukija näkee, että asiakasta on kuultu, vaikka päädyitte eri \
         ratkaisuun.",
        now - Duration::hours(45),
    )?;
    if let Some(jukka) = &jukka {
        posting::reply(
            conn,
            None,
            jukka,
            *question,
            Some(answer),
            "Tämä auttoi meilläkin. Kirjoitamme nyt otsikon *Asiakkaan näkemys* alle.",
            now - Duration::hours(40),
        )?;
    }
    if let Some(liisa) = &liisa {
        moderation::mark_best(conn, liisa, answer)?;
    }
    if let Some(sanna) = &sanna {
        posting::reply(
            conn,
            None,
            sanna,
            *discussion,
            None,
            "Meillä on yhteinen lyhenneluettelo, mutta asiakkaalle näkyviin teksteihin \
             kirjoitamme kaiken auki.",
            now - Duration::hours(28),
        )?;
    }
    posting::prompts::ensure_prompt_threads(conn, &cohort, now)?;
    let prompt: Option<i64> = dt::table
        .filter(dt::cohort_id.eq(cohort.id))
        .filter(dt::kind.eq(super::PROMPT))
        .order(dt::id)
        .select(dt::id)
        .first(conn)
        .optional()?;
    if let (Some(prompt), Some(matti)) = (prompt, who(conn, trainee_email)?) {
        posting::reply(
            conn,
            None,
            &matti,
            prompt,
            None,
            "Meillä asiakkaan ääni näkyy parhaiten, kun kirjaamme tapaamisen lopuksi yhdessä.",
            now - Duration::hours(3),
        )?;
    }
    Ok(ids.len())
}
