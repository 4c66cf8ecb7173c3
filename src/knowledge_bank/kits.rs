//! Training kits (valmennuspaketit): what an expert needs to train colleagues on one theme of
//! a published course — the facilitator's guide and slides compiled from the module's
//! `ohjaajan-opas.md` (for experts, trainers and coordinators), and a printable handout of the
//! module's knowledge-bank summaries (public and free to reuse, CC BY 4.0, like the
//! knowledge bank).

use crate::accounts::Principal;
use crate::courses::model::PlanStep;
use crate::db::schema::{course_modules, courses, lessons, memberships};
use crate::db::schema_trainings::training_kits;
use crate::db::AnyConnection;
use crate::AppResult;
use diesel::prelude::*;
use serde::Serialize;

/// Who may use the kits: network members (experts), trainers, coordinators and admins.
pub fn may_use(conn: &mut AnyConnection, who: &Principal) -> AppResult<bool> {
    if who.is_trainer() || who.manages_anything() {
        return Ok(true);
    }
    let member: i64 = memberships::table
        .filter(memberships::user_id.eq(who.user_id))
        .count()
        .get_result(conn)?;
    Ok(member > 0)
}

/// A kit on the list.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub course_slug: String,
    pub course_title: String,
    pub module_slug: String,
    pub module_title: String,
    pub theme: Option<String>,
    pub title: String,
    pub minutes: i32,
    pub slides: usize,
}

/// Every kit of the published courses, in course order.
pub fn list(conn: &mut AnyConnection) -> AppResult<Vec<Listed>> {
    type Row = (
        String,
        String,
        String,
        String,
        Option<String>,
        String,
        i32,
        String,
    );
    let rows: Vec<Row> = training_kits::table
        .inner_join(course_modules::table.inner_join(courses::table))
        .filter(course_modules::active.eq(true))
        .filter(courses::active.eq(true))
        .order((courses::kind, courses::slug, course_modules::position))
        .select((
            courses::slug,
            courses::title,
            course_modules::slug,
            course_modules::title,
            course_modules::theme,
            training_kits::title,
            training_kits::minutes,
            training_kits::slides_json,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| Listed {
            course_slug: r.0,
            course_title: r.1,
            module_slug: r.2,
            module_title: r.3,
            theme: r.4,
            title: r.5,
            minutes: r.6,
            slides: serde_json::from_str::<Vec<String>>(&r.7).map_or(0, |s| s.len()),
        })
        .collect())
}

/// A guide as the pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct Guide {
    pub title: String,
    pub minutes: i32,
    pub intro_html: String,
    pub aims_html: String,
    pub plan: Vec<PlanStep>,
    pub questions_html: String,
    pub slides: Vec<String>,
}

/// A summary on the handout.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub lesson_slug: String,
    pub title: String,
    pub summary_html: String,
}

/// One module's kit: its guide (if written) and its summaries.
#[derive(Debug, Clone, Serialize)]
pub struct Kit {
    pub course_slug: String,
    pub course_title: String,
    pub course_language: String,
    pub module_slug: String,
    pub module_title: String,
    pub theme: Option<String>,
    pub guide: Option<Guide>,
    pub summaries: Vec<Summary>,
}

/// The kit of a module of a published course; `NotFound` for anything else.
pub fn kit(conn: &mut AnyConnection, course: &str, module: &str) -> AppResult<Kit> {
    let (module_id, course_title, language, module_title, theme): (
        i64,
        String,
        String,
        String,
        Option<String>,
    ) = course_modules::table
        .inner_join(courses::table)
        .filter(courses::slug.eq(course))
        .filter(courses::active.eq(true))
        .filter(course_modules::slug.eq(module))
        .filter(course_modules::active.eq(true))
        .select((
            course_modules::id,
            courses::title,
            courses::language,
            course_modules::title,
            course_modules::theme,
        ))
        .first(conn)?;
    type GuideRow = (String, i32, String, String, String, String, String);
    let guide: Option<GuideRow> = training_kits::table
        .filter(training_kits::module_id.eq(module_id))
        .select((
            training_kits::title,
            training_kits::minutes,
            training_kits::intro_html,
            training_kits::aims_html,
            training_kits::plan_json,
            training_kits::questions_html,
            training_kits::slides_json,
        ))
        .first(conn)
        .optional()?;
    let guide = guide.map(|g| Guide {
        title: g.0,
        minutes: g.1,
        intro_html: g.2,
        aims_html: g.3,
        plan: serde_json::from_str(&g.4).unwrap_or_default(),
        questions_html: g.5,
        slides: serde_json::from_str(&g.6).unwrap_or_default(),
    });
    let summaries: Vec<(String, String, Option<String>)> = lessons::table
        .filter(lessons::module_id.eq(module_id))
        .filter(lessons::active.eq(true))
        .filter(lessons::summary_html.is_not_null())
        .order(lessons::position)
        .select((lessons::slug, lessons::title, lessons::summary_html))
        .load(conn)?;
    Ok(Kit {
        course_slug: course.to_string(),
        course_title,
        course_language: language,
        module_slug: module.to_string(),
        module_title,
        theme,
        guide,
        summaries: summaries
            .into_iter()
            .map(|(lesson_slug, title, html)| Summary {
                lesson_slug,
                title,
                summary_html: html.unwrap_or_default(),
            })
            .collect(),
    })
}

/// Where a guide's link to a lesson (`…/valmennuspaketit/<course>/<lesson slug>`) leads: the
/// lesson's knowledge-bank page when it has a summary (the guide is read outside any cohort).
pub fn lesson_page(
    conn: &mut AnyConnection,
    course: &str,
    lesson: &str,
) -> AppResult<Option<String>> {
    let found: Option<Option<String>> = lessons::table
        .inner_join(courses::table.on(courses::id.eq(lessons::course_id)))
        .filter(courses::slug.eq(course))
        .filter(courses::active.eq(true))
        .filter(lessons::slug.eq(lesson))
        .filter(lessons::active.eq(true))
        .select(lessons::summary_html)
        .first(conn)
        .optional()?;
    Ok(match found {
        Some(Some(_)) => Some(format!("/tietopankki/{course}/{lesson}")),
        _ => None,
    })
}

/// Each theme's handout: (theme, course slug, module slug) of the basic courses' modules that
/// have a summary to print.
pub fn handouts_for(conn: &mut AnyConnection) -> AppResult<Vec<(String, String, String)>> {
    use diesel::dsl::exists;
    let rows: Vec<(Option<String>, String, String)> = course_modules::table
        .inner_join(courses::table)
        .filter(courses::kind.eq("basic"))
        .filter(courses::active.eq(true))
        .filter(course_modules::active.eq(true))
        .filter(exists(
            lessons::table
                .filter(lessons::module_id.eq(course_modules::id))
                .filter(lessons::active.eq(true))
                .filter(lessons::summary_html.is_not_null()),
        ))
        .order((courses::slug, course_modules::position))
        .select((course_modules::theme, courses::slug, course_modules::slug))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(t, c, m)| Some((t?, c, m)))
        .collect())
}
