//! The survey lists: those a person may answer (and whether they have), and those a
//! coordinator manages (with how many have answered).

use super::audience::{audience_includes, facts};
use super::course_feedback::ensure_course_feedback;
use super::{respondent_key, Survey};
use crate::accounts::Principal;
use crate::cohorts::{self, Cohort};
use crate::db::schema::{cohorts as cohorts_t, counties};
use crate::db::schema_surveys::{survey_responses, surveys};
use crate::db::AnyConnection;
use crate::network::registry::Scope;
use crate::AppResult;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

/// A survey on someone's list, with whether they have answered.
#[derive(Debug, Clone, Serialize)]
pub struct ForMe {
    pub survey: Survey,
    pub answered: bool,
    pub open: bool,
}

/// The surveys a person may answer (open now, or closed within the last 30 days so they can
/// see they answered), newest first.
pub fn for_user(
    conn: &mut AnyConnection,
    secret: &[u8],
    user_id: i64,
    now: NaiveDateTime,
) -> AppResult<Vec<ForMe>> {
    let today = now.date();
    let f = facts(conn, user_id)?;
    for cohort in f.cohorts.clone() {
        // Every cohort a person studies in has its end-of-course survey.
        let c = cohorts::find(conn, cohort)?;
        ensure_course_feedback(conn, &c, now)?;
    }
    let candidates: Vec<Survey> = surveys::table
        .filter(surveys::kind.ne("assessment"))
        .filter(surveys::opens_on.le(today))
        .filter(surveys::closes_on.ge(today - chrono::Duration::days(30)))
        .order(surveys::id.desc())
        .limit(200)
        .select(Survey::as_select())
        .load(conn)?;
    let mine: Vec<Survey> = candidates
        .into_iter()
        .filter(|s| audience_includes(s.audience(), &f))
        .collect();
    let keys: Vec<String> = mine
        .iter()
        .map(|s| respondent_key(secret, s.id, user_id))
        .collect();
    let answered: Vec<(i64, String)> = survey_responses::table
        .filter(survey_responses::respondent_key.eq_any(&keys))
        .select((
            survey_responses::survey_id,
            survey_responses::respondent_key,
        ))
        .load(conn)?;
    Ok(mine
        .into_iter()
        .map(|s| {
            let key = respondent_key(secret, s.id, user_id);
            ForMe {
                answered: answered.iter().any(|(sid, k)| *sid == s.id && *k == key),
                open: s.is_open(today),
                survey: s,
            }
        })
        .collect())
}

/// A cohort's end-of-course survey for one of its trainees: whether it is open and whether
/// they have answered.
pub fn course_feedback_for(
    conn: &mut AnyConnection,
    secret: &[u8],
    cohort: &Cohort,
    user_id: i64,
    now: NaiveDateTime,
) -> AppResult<ForMe> {
    let survey = ensure_course_feedback(conn, cohort, now)?;
    let key = respondent_key(secret, survey.id, user_id);
    let answered: i64 = survey_responses::table
        .filter(survey_responses::survey_id.eq(survey.id))
        .filter(survey_responses::respondent_key.eq(&key))
        .count()
        .get_result(conn)?;
    Ok(ForMe {
        answered: answered > 0,
        open: survey.is_open(now.date()),
        survey,
    })
}

/// A survey in a coordinator's list: how many have answered.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub survey: Survey,
    pub responses: i64,
    pub open: bool,
}

/// The surveys `who` manages (an admin: all), newest first, with their response counts in one
/// grouped query. `scope` narrows to surveys addressed to that region or county (a region's
/// includes its counties' and its cohorts').
pub fn managed(
    conn: &mut AnyConnection,
    who: &Principal,
    scope: Option<Scope>,
    today: NaiveDate,
    limit: i64,
) -> AppResult<Vec<Summary>> {
    let mut q = surveys::table
        .filter(surveys::kind.ne("assessment"))
        // A training's feedback is on its training's page, not in the survey lists.
        .filter(surveys::kind.ne("training_feedback"))
        .order(surveys::id.desc())
        .select(Survey::as_select())
        .into_boxed();
    let regions = who.regions_managed();
    let counties_managed = who.counties_managed();
    let region_counties: Vec<i64> = counties::table
        .filter(counties::region_id.eq_any(&regions))
        .select(counties::id)
        .load(conn)?;
    let region_cohorts: Vec<i64> = cohorts_t::table
        .filter(cohorts_t::region_id.eq_any(&regions))
        .select(cohorts_t::id)
        .load(conn)?;
    if !who.is_admin() {
        q = q.filter(
            surveys::region_id
                .eq_any(regions.clone())
                .or(surveys::county_id.eq_any(region_counties.clone()))
                .or(surveys::county_id.eq_any(counties_managed))
                .or(surveys::cohort_id.eq_any(region_cohorts)),
        );
    }
    if let Some(scope) = scope {
        let (r, cs, cohort_ids) = addressed_in(conn, scope)?;
        q = q.filter(
            surveys::region_id
                .eq_any(r.into_iter().collect::<Vec<_>>())
                .or(surveys::county_id.eq_any(cs))
                .or(surveys::cohort_id.eq_any(cohort_ids)),
        );
    }
    let list: Vec<Survey> = q.limit(limit).load(conn)?;
    let ids: Vec<i64> = list.iter().map(|s| s.id).collect();
    let counts = response_counts(conn, &ids)?;
    Ok(list
        .into_iter()
        .map(|s| Summary {
            responses: counts
                .iter()
                .find(|c| c.0 == s.id)
                .map(|c| c.1)
                .unwrap_or(0),
            open: s.is_open(today),
            survey: s,
        })
        .collect())
}

/// What a survey addressed to `scope` names: the region (none for a county), the counties and
/// the cohorts (a region's own).
fn addressed_in(
    conn: &mut AnyConnection,
    scope: Scope,
) -> AppResult<(Option<i64>, Vec<i64>, Vec<i64>)> {
    let (r, cs) = match scope {
        Scope::Region(r) => (
            Some(r),
            counties::table
                .filter(counties::region_id.eq(r))
                .select(counties::id)
                .load::<i64>(conn)?,
        ),
        Scope::County(c) => (None, vec![c]),
    };
    let cohort_ids: Vec<i64> = match r {
        Some(r) => cohorts_t::table
            .filter(cohorts_t::region_id.eq(r))
            .select(cohorts_t::id)
            .load(conn)?,
        None => Vec::new(),
    };
    Ok((r, cs, cohort_ids))
}

/// The number of responses of each survey, in one grouped query: (survey, responses).
fn response_counts(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    survey_responses::table
        .filter(survey_responses::survey_id.eq_any(ids))
        .group_by(survey_responses::survey_id)
        .select((survey_responses::survey_id, diesel::dsl::count_star()))
        .load(conn)
}
