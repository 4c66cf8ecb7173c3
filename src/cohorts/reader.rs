//! A cohort as its lesson pages open it: the cohort, the reader's role in it, the course's
//! published version and the reader's progress, for trainees and trainers in one round trip on
//! PostgreSQL (the pages' hot path), so the page can check its cached course against the
//! version and show the progress without another.

use super::cohort::Cohort;
use super::roles::{oversees, CohortRole};
use crate::accounts::{self, Principal};
use crate::db::schema::{
    cohort_trainers, cohorts, courses, enrolments, lesson_progress, role_assignments,
};
use crate::db::AnyConnection;
use crate::AppResult;
use diesel::pg::sql_types::Record;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};

/// The course a cohort studies, as published: `content_hash` changes with every publish that
/// changes anything, so it names the version a cache may hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseHead {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub content_hash: String,
}

/// One of a reader's `lesson_progress` rows: the lesson, whether it is done, the answers (JSON).
pub type ProgressRow = (i64, bool, String);

/// A cohort as [`open_for`] opens it: the cohort, the reader's role, the course's published
/// version and the reader's progress rows.
pub type Opened = (Cohort, CohortRole, CourseHead, Vec<ProgressRow>);

/// A user's enrolment in a cohort, to left-join (a withdrawn one gives no role), and their
/// trainer row in it: at most one row each, (cohort, user) being unique in each table. The
/// user and the cohort are expressions (a bound id, or a column of the query); the discussions'
/// followers are joined with the same rules (`discussions::notify`).
macro_rules! enrolment_on {
    ($user_id:expr, $cohort_id:expr) => {
        $crate::db::schema::enrolments::table.on($crate::db::schema::enrolments::cohort_id
            .eq($cohort_id)
            .and($crate::db::schema::enrolments::user_id.eq($user_id))
            .and($crate::db::schema::enrolments::status.ne("withdrawn")))
    };
}
pub(crate) use enrolment_on;
macro_rules! trainer_on {
    ($user_id:expr, $cohort_id:expr) => {
        $crate::db::schema::cohort_trainers::table.on(
            $crate::db::schema::cohort_trainers::cohort_id
                .eq($cohort_id)
                .and($crate::db::schema::cohort_trainers::user_id.eq($user_id)),
        )
    };
}
pub(crate) use trainer_on;

/// The cohort joined to its course and to `who`'s enrolment and trainer rows.
macro_rules! cohort_of {
    ($who:expr, $cohort_id:expr) => {
        cohorts::table
            .inner_join(courses::table)
            .left_join(enrolment_on!($who.user_id, cohorts::id))
            .left_join(trainer_on!($who.user_id, cohorts::id))
            .filter(cohorts::id.eq($cohort_id))
    };
}
/// The columns [`Head`] reads of [`cohort_of`], and after them any `$more`.
macro_rules! head_columns {
    ($($more:expr),*) => {
        (
            Cohort::as_select(),
            (
                courses::id,
                courses::slug,
                courses::title,
                courses::content_hash,
            ),
            enrolments::id.nullable(),
            cohort_trainers::user_id.nullable(),
            $($more),*
        )
    };
}

/// The cohort, its course's version, the reader's enrolment and trainer row.
type Head = (
    Cohort,
    (i64, String, String, String),
    Option<i64>,
    Option<i64>,
);

/// The cohort, `who`'s role in it (as [`super::role_in`] decides), its course's published
/// version and `who`'s own `lesson_progress` rows, of every course (the caller keeps those of
/// the version it serves: `learning::cache::progress_from`); None when the cohort does not
/// exist or `who` has no role in it. Every page of a cohort runs this, on the engine's own
/// connection. On PostgreSQL, where each statement is a round trip, it is one statement (the
/// cohort's columns come again on each progress row; a reader has a few dozen). On SQLite it
/// is two: a statement costs microseconds there, and each repeated row's dates, stored as
/// text, were parsed again (5 % of the lesson page with 19 progress rows).
pub fn open_for(
    conn: &mut AnyConnection,
    who: &Principal,
    cohort_id: i64,
) -> AppResult<Option<Opened>> {
    let (head, progress): (Option<Head>, Vec<ProgressRow>) = match conn {
        AnyConnection::Postgresql(c) => {
            type Row = (
                Cohort,
                (i64, String, String, String),
                Option<i64>,
                Option<i64>,
                Option<i64>,
                bool,
                Option<String>,
            );
            let rows: Vec<Row> = cohort_of!(who, cohort_id)
                .left_join(lesson_progress::table.on(lesson_progress::user_id.eq(who.user_id)))
                .select(head_columns!(
                    lesson_progress::lesson_id.nullable(),
                    // Whether, not when: parsing a timestamp per row was a tenth of the
                    // progress read.
                    lesson_progress::done_at.nullable().is_not_null(),
                    lesson_progress::answers_json.nullable()
                ))
                .load(c)?;
            let mut head = None;
            let mut progress = Vec::new();
            for (cohort, course, enrolment, trainer, lesson, done, answers) in rows {
                if let Some(id) = lesson {
                    progress.push((id, done, answers.unwrap_or_default()));
                }
                head.get_or_insert((cohort, course, enrolment, trainer));
            }
            (head, progress)
        }
        AnyConnection::Sqlite(c) => {
            let head: Option<Head> = cohort_of!(who, cohort_id)
                .select(head_columns!())
                .first(c)
                .optional()?;
            let progress = match head {
                Some(_) => lesson_progress::table
                    .filter(lesson_progress::user_id.eq(who.user_id))
                    .select((
                        lesson_progress::lesson_id,
                        lesson_progress::done_at.is_not_null(),
                        lesson_progress::answers_json,
                    ))
                    .load(c)?,
                None => Vec::new(),
            };
            (head, progress)
        }
    };
    let Some((cohort, course, enrolment, trainer)) = head else {
        return Ok(None);
    };
    let Some(role) = role_of(conn, who, &cohort, enrolment, trainer)? else {
        return Ok(None);
    };
    Ok(Some((cohort, role, course.into(), progress)))
}

/// The session check (`accounts::principal_for`) and [`open_for`] for the principal it finds,
/// for the lesson page, which the frame reads right after the session check
/// (`web::open_cohort::Prefetched`). None when the session is not current; otherwise the
/// principal and the cohort as [`open_for`] gives it. One statement on both engines: the user's
/// rows (one per role; a trainee has none) joined to [`open_for`]'s cohort, with the progress
/// as one value. On PostgreSQL each round trip was a large share of the page (benches/README.md,
/// issue 19's seventh round); on SQLite each statement is a read transaction of its own, and
/// taking and giving back its locks was a fifth of the page (the ninth round).
pub fn signed_in_with_cohort(
    conn: &mut AnyConnection,
    user_id: i64,
    version: i32,
    cohort_id: i64,
) -> AppResult<Option<(Principal, Option<Opened>)>> {
    // The user's rows joined to the cohort, its course and the user's rows in it, with
    // `$progress` (a subquery giving the reader's progress as one value) last.
    macro_rules! with_cohort {
        ($progress:expr) => {
            accounts::signed_in_user!(user_id, version)
                .left_join(cohorts::table.on(cohorts::id.eq(cohort_id)))
                .left_join(courses::table.on(courses::id.eq(cohorts::course_id)))
                .left_join(enrolment_on!(user_id, cohorts::id))
                .left_join(trainer_on!(user_id, cohorts::id))
                .order(role_assignments::id.nullable())
                .select((
                    role_assignments::id.nullable(),
                    accounts::principal_columns!(),
                    Option::<Cohort>::as_select(),
                    (
                        courses::id,
                        courses::slug,
                        courses::title,
                        courses::content_hash,
                    )
                        .nullable(),
                    enrolments::id.nullable(),
                    cohort_trainers::user_id.nullable(),
                    $progress,
                ))
        };
    }
    let mine = lesson_progress::table.filter(lesson_progress::user_id.eq(user_id));
    // Each role's row carries the progress again; only the first row's is taken.
    let (rows, progress): (Vec<RoleRow<()>>, Option<Vec<ProgressRow>>) = match conn {
        AnyConnection::Postgresql(c) => {
            // The progress as one array of (lesson, done, answers) records, read once: joined
            // as rows, each progress row carried the cohort's and the user's columns again (a
            // trainee has a few dozen), which PostgreSQL sent and the server decoded every time.
            let progress = mine
                .select(progress_array(progress_record(
                    lesson_progress::lesson_id,
                    lesson_progress::done_at.is_not_null(),
                    lesson_progress::answers_json,
                )))
                .single_value();
            first_progress(with_cohort!(progress).load(c)?)
        }
        AnyConnection::Sqlite(c) => {
            // SQLite has no arrays: the progress as one JSON array of [lesson, done, answers].
            let progress = mine
                .select(json_group_array(progress_json(
                    lesson_progress::lesson_id,
                    lesson_progress::done_at.is_not_null(),
                    lesson_progress::answers_json,
                )))
                .single_value();
            let (rows, json) = first_progress::<String>(with_cohort!(progress).load(c)?);
            (rows, json.as_deref().map(progress_from_json).transpose()?)
        }
    };
    // One row per role (a user without roles gives one row).
    let mut rows = rows.into_iter();
    let Some((_, first, cohort, course, enrolment, trainer, _)) = rows.next() else {
        return Ok(None);
    };
    let principal_rows = std::iter::once(first).chain(rows.map(|r| r.1));
    let Some(who) = accounts::principal_from(user_id, principal_rows) else {
        return Ok(None);
    };
    let (Some(cohort), Some(course)) = (cohort, course) else {
        return Ok(Some((who, None)));
    };
    let role = role_of(conn, &who, &cohort, enrolment, trainer)?;
    let progress = progress.unwrap_or_default();
    let opened = role.map(|role| (cohort, role, course.into(), progress));
    Ok(Some((who, opened)))
}

/// One of [`signed_in_with_cohort`]'s rows (one per role): the role's id, the user's columns,
/// the cohort, its course, the enrolment and trainer rows, and the progress as one value `P`.
type RoleRow<P> = (
    Option<i64>,
    accounts::PrincipalRow,
    Option<Cohort>,
    Option<(i64, String, String, String)>,
    Option<i64>,
    Option<i64>,
    Option<P>,
);

/// The first row's progress value, and the rows without theirs.
fn first_progress<P>(rows: Vec<RoleRow<P>>) -> (Vec<RoleRow<()>>, Option<P>) {
    let mut progress = None;
    let rows = rows
        .into_iter()
        .map(|(id, user, cohort, course, enrolment, trainer, p)| {
            if progress.is_none() {
                progress = Some(p);
            }
            (id, user, cohort, course, enrolment, trainer, None)
        })
        .collect();
    (rows, progress.flatten())
}

/// The progress rows from SQLite's `json_group_array` of `[lesson, done (0 or 1), answers]`.
fn progress_from_json(json: &str) -> AppResult<Vec<ProgressRow>> {
    let rows: Vec<(i64, i64, String)> =
        serde_json::from_str(json).map_err(|e| crate::AppError::Internal(e.into()))?;
    Ok(rows
        .into_iter()
        .map(|(lesson, done, answers)| (lesson, done != 0, answers))
        .collect())
}

diesel::define_sql_function! {
    /// A progress row as an SQLite JSON array.
    #[sql_name = "json_array"]
    fn progress_json(lesson: BigInt, done: Bool, answers: Text) -> Text;
}

diesel::define_sql_function! {
    /// SQLite's JSON array of the rows' values.
    #[aggregate]
    #[sql_name = "json_group_array"]
    fn json_group_array(value: Text) -> Text;
}

diesel::define_sql_function! {
    /// A progress row as a PostgreSQL record.
    #[sql_name = "ROW"]
    fn progress_record(lesson: BigInt, done: Bool, answers: Text) -> Record<(BigInt, Bool, Text)>;
}

diesel::define_sql_function! {
    /// PostgreSQL's `array_agg` of progress records.
    #[aggregate]
    #[sql_name = "array_agg"]
    fn progress_array(
        record: Record<(BigInt, Bool, Text)>,
    ) -> Array<Record<(BigInt, Bool, Text)>>;
}

/// The role the joined enrolment and trainer rows give; overseers (rarer) take their own queries.
fn role_of(
    conn: &mut AnyConnection,
    who: &Principal,
    cohort: &Cohort,
    enrolment: Option<i64>,
    trainer: Option<i64>,
) -> AppResult<Option<CohortRole>> {
    Ok(if enrolment.is_some() {
        Some(CohortRole::Trainee)
    } else if trainer.is_some() {
        Some(CohortRole::Trainer)
    } else if oversees(conn, who, cohort)? {
        Some(CohortRole::Overseer)
    } else {
        None
    })
}

impl From<(i64, String, String, String)> for CourseHead {
    fn from((id, slug, title, content_hash): (i64, String, String, String)) -> CourseHead {
        CourseHead {
            id,
            slug,
            title,
            content_hash,
        }
    }
}
