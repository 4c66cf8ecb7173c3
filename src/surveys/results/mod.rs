//! A survey's results: for each Likert statement the number of answers, "cannot say" counted
//! apart (and left out of the mean), the distribution over 1..5 and the mean; the same by
//! region and by county; the open answers; the [`chart`]; the CSV file ([`export`]).
//!
//! The small-group rule: a region or county with fewer than [`MIN_GROUP`] responses is shown
//! as "fewer than 5 answers", never with figures — for every survey, anonymous or not, so there
//! is one rule to reason about. When the hidden groups together have fewer than [`MIN_GROUP`]
//! responses, their figures could be worked out by subtracting the shown groups from the total,
//! so the smallest shown group is hidden too, until they are at least [`MIN_GROUP`] together.
//! An anonymous survey shows no figures at all (and no open answers) until it has
//! [`MIN_GROUP`] responses. Everything is read in three grouped queries, whatever the number
//! of responses.

pub mod chart;
pub mod export;

use super::{questions, Question, Survey};
use crate::db::schema::{counties, regions, users};
use crate::db::schema_surveys::{survey_answers as sa, survey_responses as sr};
use crate::db::AnyConnection;
use crate::AppResult;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// The smallest group whose figures are shown.
pub const MIN_GROUP: i64 = 5;

/// The answers to one statement.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Dist {
    /// Answers 1..5 (the mean's base).
    pub answers: i64,
    pub cannot_say: i64,
    /// How many answered 1, 2, 3, 4 and 5.
    pub counts: [i64; 5],
    /// The same as whole per cents of `answers`.
    pub percents: [i64; 5],
    /// The exact mean of the answers 1..5; none without answers.
    pub mean: Option<f64>,
    /// The mean to one decimal with a decimal point (templates swap in the language's comma).
    pub mean_text: String,
}

impl Dist {
    /// From (value, count) pairs; value 0 is "cannot say".
    pub fn from_counts(pairs: impl IntoIterator<Item = (i32, i64)>) -> Dist {
        let mut d = Dist::default();
        for (v, n) in pairs {
            match v {
                0 => d.cannot_say += n,
                1..=5 => d.counts[(v - 1) as usize] += n,
                _ => {}
            }
        }
        d.answers = d.counts.iter().sum();
        if d.answers > 0 {
            let sum: i64 = d
                .counts
                .iter()
                .enumerate()
                .map(|(i, n)| (i as i64 + 1) * n)
                .sum();
            let mean = sum as f64 / d.answers as f64;
            d.mean = Some(mean);
            d.mean_text = format!("{:.1}", (mean * 10.0).round() / 10.0);
            for i in 0..5 {
                d.percents[i] = (d.counts[i] * 100 + d.answers / 2) / d.answers;
            }
        }
        d
    }
}

/// One region or county in a breakdown.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GroupRow {
    pub name: String,
    /// Hidden by the small-group rule: no figures, not even the exact count.
    pub hidden: bool,
    pub responses: Option<i64>,
    pub dist: Option<Dist>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OpenAnswer {
    /// Only for surveys that are not anonymous.
    pub name: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestionResult {
    pub number: usize,
    pub question: Question,
    pub text: String,
    /// The language of `text` ("fi" when the question has no translation).
    pub text_lang: &'static str,
    pub likert: bool,
    pub dist: Dist,
    pub by_region: Vec<GroupRow>,
    pub by_county: Vec<GroupRow>,
    pub open_answers: Vec<OpenAnswer>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub responses: i64,
    /// False for an anonymous survey with fewer than [`MIN_GROUP`] responses: nothing shown.
    pub shown: bool,
    pub questions: Vec<QuestionResult>,
    /// Whether the breakdowns have more than one group (else they say nothing new).
    pub several_regions: bool,
    pub several_counties: bool,
}

/// Which groups to hide, given their sizes (see the module documentation).
pub fn hidden_groups(sizes: &[i64]) -> Vec<bool> {
    let mut hidden: Vec<bool> = sizes.iter().map(|n| *n < MIN_GROUP).collect();
    loop {
        let hidden_sum: i64 = sizes
            .iter()
            .zip(&hidden)
            .filter(|(_, h)| **h)
            .map(|(n, _)| n)
            .sum();
        if !hidden.iter().any(|h| *h) || hidden_sum >= MIN_GROUP {
            return hidden;
        }
        let smallest_shown = sizes
            .iter()
            .enumerate()
            .filter(|(i, _)| !hidden[*i])
            .min_by_key(|(i, n)| (**n, *i))
            .map(|(i, _)| i);
        match smallest_shown {
            Some(i) => hidden[i] = true,
            None => return hidden,
        }
    }
}

type CountRow = (Option<i64>, Option<i64>, i64, Option<i32>, i64);

/// A region or county of a breakdown: its id, name, number of responses and whether the
/// small-group rule hides it.
type Group = (Option<i64>, String, i64, bool);

/// The results of a survey, its texts in `lang`.
pub fn results(conn: &mut AnyConnection, survey: &Survey, lang: &str) -> AppResult<Results> {
    let qs = questions(conn, survey.id)?;
    // 1. Responses per (region, county).
    let sizes: Vec<(Option<i64>, Option<i64>, i64)> = sr::table
        .filter(sr::survey_id.eq(survey.id))
        .group_by((sr::region_id, sr::county_id))
        .select((sr::region_id, sr::county_id, diesel::dsl::count_star()))
        .load(conn)?;
    let total: i64 = sizes.iter().map(|s| s.2).sum();
    let shown = !survey.anonymous || total >= MIN_GROUP;
    // 2. Answers per (region, county, question, value).
    let counts = answer_counts(conn, survey.id)?;
    // 3. Open answers (with names only where the survey is not anonymous).
    let open = if shown {
        open_texts(conn, survey.id)?
    } else {
        Vec::new()
    };
    let (region_groups, county_groups) = breakdown_groups(conn, &sizes, lang)?;

    let mut out = Vec::new();
    for (i, q) in qs.into_iter().enumerate() {
        let number = i + 1;
        let (dist, by_region, by_county) = if shown && q.is_likert() {
            likert_figures(q.id, &counts, &region_groups, &county_groups)
        } else {
            (Dist::default(), Vec::new(), Vec::new())
        };
        let open_answers = open_answers(q.id, &open, survey.anonymous);
        out.push(QuestionResult {
            number,
            text: q.text(lang).to_string(),
            text_lang: q.text_lang(lang),
            likert: q.is_likert(),
            question: q,
            dist,
            by_region,
            by_county,
            open_answers,
        });
    }
    Ok(Results {
        responses: total,
        shown,
        questions: out,
        several_regions: region_groups.len() > 1,
        several_counties: county_groups.len() > 1,
    })
}

/// The Likert answers of a survey counted per (region, county, question, value).
fn answer_counts(conn: &mut AnyConnection, survey_id: i64) -> QueryResult<Vec<CountRow>> {
    sa::table
        .inner_join(sr::table)
        .filter(sr::survey_id.eq(survey_id))
        .filter(sa::value.is_not_null())
        .group_by((sr::region_id, sr::county_id, sa::question_id, sa::value))
        .select((
            sr::region_id,
            sr::county_id,
            sa::question_id,
            sa::value,
            diesel::dsl::count_star(),
        ))
        .load(conn)
}

/// The open answers of a survey: (question, text, the respondent's name when stored).
fn open_texts(
    conn: &mut AnyConnection,
    survey_id: i64,
) -> QueryResult<Vec<(i64, String, Option<String>)>> {
    sa::table
        .inner_join(sr::table.left_join(users::table))
        .filter(sr::survey_id.eq(survey_id))
        .filter(sa::text.ne(""))
        .select((sa::question_id, sa::text, users::name.nullable()))
        .load(conn)
}

/// The regions and the counties of the breakdowns, named in `lang`, each with its number of
/// responses and whether it is hidden.
fn breakdown_groups(
    conn: &mut AnyConnection,
    sizes: &[(Option<i64>, Option<i64>, i64)],
    lang: &str,
) -> AppResult<(Vec<Group>, Vec<Group>)> {
    let lang_code = crate::i18n::Lang::parse(lang).unwrap_or_default();
    let region_names: BTreeMap<i64, String> = regions::table
        .select((regions::id, crate::network::names::region(lang_code)))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let county_names: BTreeMap<i64, String> = counties::table
        .select((counties::id, crate::network::names::county(lang_code)))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let unknown = match lang {
        "sv" => "Område okänt",
        "en" => "Area unknown",
        _ => "Alue ei tiedossa",
    };

    // The groups and which are hidden.
    let mut region_sizes: BTreeMap<Option<i64>, i64> = BTreeMap::new();
    let mut county_sizes: BTreeMap<Option<i64>, i64> = BTreeMap::new();
    for (r, c, n) in sizes {
        *region_sizes.entry(*r).or_default() += n;
        *county_sizes.entry(*c).or_default() += n;
    }
    let name_of = |names: &BTreeMap<i64, String>, id: Option<i64>| {
        id.and_then(|i| names.get(&i).cloned())
            .unwrap_or_else(|| unknown.to_string())
    };
    let groups = |sizes: &BTreeMap<Option<i64>, i64>, names: &BTreeMap<i64, String>| {
        let mut list: Vec<(Option<i64>, String, i64)> = sizes
            .iter()
            .map(|(id, n)| (*id, name_of(names, *id), *n))
            .collect();
        list.sort_by(|a, b| (a.0.is_none(), &a.1).cmp(&(b.0.is_none(), &b.1)));
        let hidden = hidden_groups(&list.iter().map(|g| g.2).collect::<Vec<_>>());
        list.into_iter()
            .zip(hidden)
            .map(|((id, name, n), h)| (id, name, n, h))
            .collect::<Vec<_>>()
    };
    Ok((
        groups(&region_sizes, &region_names),
        groups(&county_sizes, &county_names),
    ))
}

/// One Likert statement's figures: the whole, and by region and by county (no figures for a
/// hidden group).
fn likert_figures(
    question_id: i64,
    counts: &[CountRow],
    region_groups: &[Group],
    county_groups: &[Group],
) -> (Dist, Vec<GroupRow>, Vec<GroupRow>) {
    let mine: Vec<&CountRow> = counts.iter().filter(|c| c.2 == question_id).collect();
    let dist_where = |f: &dyn Fn(&CountRow) -> bool| {
        Dist::from_counts(
            mine.iter()
                .filter(|c| f(c))
                .map(|c| (c.3.unwrap_or(-1), c.4)),
        )
    };
    let by_region = region_groups
        .iter()
        .map(|(id, name, n, hidden)| GroupRow {
            name: name.clone(),
            hidden: *hidden,
            responses: (!hidden).then_some(*n),
            dist: (!hidden).then(|| dist_where(&|c: &CountRow| c.0 == *id)),
        })
        .collect();
    let by_county = county_groups
        .iter()
        .map(|(id, name, n, hidden)| GroupRow {
            name: name.clone(),
            hidden: *hidden,
            responses: (!hidden).then_some(*n),
            dist: (!hidden).then(|| dist_where(&|c: &CountRow| c.1 == *id)),
        })
        .collect();
    (dist_where(&|_| true), by_region, by_county)
}

/// One question's open answers, named only when the survey is not anonymous.
fn open_answers(
    question_id: i64,
    open: &[(i64, String, Option<String>)],
    anonymous: bool,
) -> Vec<OpenAnswer> {
    let mut open_answers: Vec<OpenAnswer> = open
        .iter()
        .filter(|(qid, _, _)| *qid == question_id)
        .map(|(_, text, name)| OpenAnswer {
            name: if anonymous { None } else { name.clone() },
            text: text.clone(),
        })
        .collect();
    // Alphabetical, never in the order given (which would follow time).
    open_answers.sort_by(|a, b| (&a.text, &a.name).cmp(&(&b.text, &b.name)));
    open_answers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_distribution_by_hand() {
        // 1, 2, 2, 4, 5, 5 and two "cannot say": mean 19 / 6 = 3.1666…
        let d = Dist::from_counts([(1, 1), (2, 2), (4, 1), (5, 2), (0, 2)]);
        assert_eq!(d.answers, 6);
        assert_eq!(d.cannot_say, 2);
        assert_eq!(d.counts, [1, 2, 0, 1, 2]);
        assert_eq!(d.percents, [17, 33, 0, 17, 33]);
        assert!((d.mean.unwrap() - 19.0 / 6.0).abs() < 1e-12);
        assert_eq!(d.mean_text, "3.2");
        let none = Dist::from_counts([(0, 3)]);
        assert_eq!(none.mean, None);
        assert_eq!(none.cannot_say, 3);
        assert_eq!(none.mean_text, "");
    }

    #[test]
    fn small_groups_are_hidden_and_cannot_be_worked_out() {
        assert_eq!(hidden_groups(&[5, 7]), vec![false, false]);
        // One hidden group of 2 could be read off the total: the smallest shown goes too.
        assert_eq!(hidden_groups(&[2, 6, 9]), vec![true, true, false]);
        // Hidden groups of 3 and 4 together make 7: enough.
        assert_eq!(hidden_groups(&[3, 4, 8]), vec![true, true, false]);
        // Everything small: all hidden.
        assert_eq!(hidden_groups(&[1, 2]), vec![true, true]);
        assert_eq!(hidden_groups(&[]), Vec::<bool>::new());
    }
}
