//! The demo world's surveys: Socca's network feedback survey with answers enough to show its
//! results, and Helsinki's current-state assessment. Seeded once (found by title).

use super::answering::{store_in, Respondent};
use super::creation::create_in;
use super::{Answer, Audience, NewSurvey};
use crate::db::schema_surveys::surveys;
use crate::db::{write_tx, AnyConnection};
use crate::network::registry::Scope;
use crate::{AppError, AppResult};
use chrono::{Datelike, NaiveDateTime};
use diesel::prelude::*;

pub const DEMO_SURVEY: &str = "Verkoston palaute aluekoordinaatiosta (demo)";

/// Made-up answers to the eleven statements, one row per demo respondent, with the county
/// they work in; 0 is "cannot say". The open answers go to statement 3 and the last question.
const ANSWERS: [(&str, [i32; 11], &str, &str); 7] = [
    (
        "helsinki",
        [4, 5, 4, 5, 3, 4, 5, 4, 4, 3, 2],
        "Sparrausta työpajojen suunnitteluun.",
        "Tapaamiset olivat hyödyllisiä.",
    ),
    (
        "helsinki",
        [5, 4, 3, 4, 4, 4, 4, 5, 4, 4, 3],
        "",
        "Enemmän tukea johdon viestintään.",
    ),
    ("helsinki", [3, 4, 0, 4, 2, 3, 4, 3, 3, 0, 2], "", ""),
    (
        "helsinki",
        [4, 3, 4, 5, 3, 4, 3, 4, 4, 4, 3],
        "Apua koulutusmateriaalien kanssa.",
        "",
    ),
    (
        "helsinki",
        [5, 5, 5, 4, 4, 5, 5, 5, 5, 4, 4],
        "",
        "Kiitos selkeästä viestinnästä.",
    ),
    (
        "vantaa-kerava",
        [3, 2, 0, 3, 3, 2, 3, 3, 2, 3, 1],
        "",
        "Verkoston tapaamisia voisi olla useammin.",
    ),
    ("vantaa-kerava", [4, 0, 3, 4, 0, 3, 4, 4, 3, 0, 2], "", ""),
];

pub fn seed(
    conn: &mut AnyConnection,
    socca: i64,
    editor_id: Option<i64>,
    now: NaiveDateTime,
) -> AppResult<()> {
    let exists: i64 = surveys::table
        .filter(surveys::title.eq(DEMO_SURVEY))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(());
    }
    let helsinki = crate::network::county_by_code(conn, "helsinki")?;
    let vantaa = crate::network::county_by_code(conn, "vantaa-kerava")?;
    let today = now.date();
    let [intro, intro_sv, intro_en] = super::templates::NETWORK_FEEDBACK_INTRO;
    let new = NewSurvey {
        title: DEMO_SURVEY.into(),
        intro: intro.into(),
        title_sv: "Nätverkets respons på den regionala koordineringen (demo)".into(),
        title_en: "The network's feedback on the regional coordination (demo)".into(),
        intro_sv: intro_sv.into(),
        intro_en: intro_en.into(),
        template: "network_feedback".into(),
        audience: Audience::Area(Scope::Region(socca)),
        anonymous: true,
        opens_on: Some(today - chrono::Duration::days(14)),
        closes_on: Some(today + chrono::Duration::days(14)),
        questions: super::templates::questions("network_feedback").unwrap_or_default(),
    };
    write_tx(conn, |tx| {
        let id = create_in(tx, "feedback", &new, None, None, now)?;
        let survey = super::find(tx, id)?;
        let qs = super::questions(tx, id)?;
        for (n, (county, values, support, other)) in ANSWERS.iter().enumerate() {
            let county_id = if *county == "helsinki" {
                helsinki.id
            } else {
                vantaa.id
            };
            let mut answers: Vec<Answer> = values
                .iter()
                .zip(&qs)
                .map(|(v, q)| Answer {
                    question_id: q.id,
                    value: Some(*v),
                    text: if q.follow_up {
                        support.to_string()
                    } else {
                        String::new()
                    },
                })
                .collect();
            if let Some(last) = qs.last().filter(|q| !q.is_likert() && !other.is_empty()) {
                answers.push(Answer {
                    question_id: last.id,
                    value: None,
                    text: other.to_string(),
                });
            }
            // Demo respondents are not users: their keys only keep them apart.
            let key = format!("demo:{n}");
            let who = Respondent {
                key: &key,
                user_id: None,
                region_id: Some(socca),
                county_id: Some(county_id),
            };
            store_in(tx, &survey, &who, &answers, now)?;
        }
        Ok::<_, AppError>(())
    })?;
    // Helsinki's current-state assessment for this year.
    let assessment = super::assessment::ensure_year(conn, today.year(), now)?;
    let qs = super::questions(conn, assessment.id)?;
    let values = [4, 3, 2, 3, 4, 3];
    let mut answers: Vec<Answer> = qs
        .iter()
        .filter(|q| q.is_likert())
        .zip(values)
        .map(|(q, v)| Answer {
            question_id: q.id,
            value: Some(v),
            text: String::new(),
        })
        .collect();
    if let Some(q) = qs.iter().find(|q| !q.is_likert()) {
        answers.push(Answer {
            question_id: q.id,
            value: None,
            text: "Sosiaalihuollon asiakirjojen arkistointi Kantaan ja rakenteinen kirjaaminen."
                .into(),
        });
    }
    let key = format!("county:{}", helsinki.id);
    let who = Respondent {
        key: &key,
        user_id: editor_id,
        region_id: Some(socca),
        county_id: Some(helsinki.id),
    };
    write_tx(conn, |tx| store_in(tx, &assessment, &who, &answers, now))
}
