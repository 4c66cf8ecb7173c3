//! Opening a cohort as a member: the cohort, the reader's role, the course's version from the
//! lesson cache and the reader's progress, for the cohort's pages (`web::learning`,
//! `web::lesson_page`) and for the frame, which reads a lesson page's cohort in the session
//! check's own hand-off ([`Prefetched`]). Kept apart from the pages so the frame does not
//! depend on them.

use crate::accounts::Principal;
use crate::cohorts::reader::ProgressRow;
use crate::cohorts::{self, CohortRole};
use crate::db::AnyConnection;
use crate::learning::cache::{CourseVersion, LessonCache};
use crate::{AppError, AppResult};
use actix_web::http::Method;
use std::sync::Arc;

/// A cohort as a member opens it: the cohort, the caller's role in it, its course's version
/// from the cache (checked against the published one) and the caller's progress rows
/// (`learning::cache::progress_from`).
pub type Opened = (
    cohorts::Cohort,
    CohortRole,
    Arc<CourseVersion>,
    Vec<ProgressRow>,
);

/// The cohort as `cohorts::reader::open_for` reads it for `who`; anyone without a role gets a
/// 404, so guessing ids reveals nothing.
pub fn open_in(
    conn: &mut AnyConnection,
    cache: &LessonCache,
    who: &Principal,
    cohort_id: i64,
) -> AppResult<Opened> {
    let opened = cohorts::reader::open_for(conn, who, cohort_id)?;
    with_course(conn, cache, opened)
}

/// The cohort as the reader opened it, with its course's version from the cache; a 404 when
/// the reader found no cohort of the caller's.
fn with_course(
    conn: &mut AnyConnection,
    cache: &LessonCache,
    opened: Option<cohorts::reader::Opened>,
) -> AppResult<Opened> {
    let (cohort, role, head, progress) = opened.ok_or(AppError::NotFound)?;
    let course = cache.course(conn, head.id, &head.content_hash)?;
    Ok((cohort, role, course, progress))
}

/// The cohort a lesson page shows, read by the frame (`web::frame`) right after the session
/// check, on the same connection in the same hand-off to the blocking pool: on PostgreSQL each
/// hand-off and round trip was a large share of the page (benches/README.md, issue 19's sixth
/// round). Read for the principal the session check has just found, and taken by this
/// request's handler only.
pub struct Prefetched {
    cohort_id: i64,
    opened: AppResult<Opened>,
}

impl Prefetched {
    /// The cohort of a lesson page's address (`/ryhmat/{cohort}/{lesson}`, GET), if it is one.
    pub fn wanted(method: &Method, path: &str) -> Option<i64> {
        if method != Method::GET {
            return None;
        }
        let rest = path.strip_prefix("/ryhmat/")?;
        let (cohort, lesson) = rest.split_once('/')?;
        if lesson.is_empty() || lesson.contains('/') {
            return None;
        }
        cohort.parse().ok()
    }

    /// The session check for a token's user and version and, for the principal it finds, the
    /// cohort (`cohorts::reader::signed_in_with_cohort`: one statement on PostgreSQL). None when
    /// the session is not current. A cohort they have no role in is kept as the 404 it is; a
    /// database error ends the read, as the session check's own would.
    pub fn check_session_and_read(
        conn: &mut AnyConnection,
        cache: &LessonCache,
        user_id: i64,
        version: i32,
        cohort_id: i64,
    ) -> AppResult<Option<(Principal, Prefetched)>> {
        let Some((who, opened)) =
            cohorts::reader::signed_in_with_cohort(conn, user_id, version, cohort_id)?
        else {
            return Ok(None);
        };
        let opened = match with_course(conn, cache, opened) {
            Err(AppError::NotFound) => Err(AppError::NotFound),
            other => Ok(other?),
        };
        Ok(Some((who, Prefetched { cohort_id, opened })))
    }

    /// What the lesson page's handler takes: the opened cohort (or its 404), if it is the one
    /// the page shows.
    pub fn take_for(self, cohort_id: i64) -> Option<AppResult<Opened>> {
        (self.cohort_id == cohort_id).then_some(self.opened)
    }
}

#[cfg(test)]
mod tests {
    use super::Prefetched;
    use actix_web::http::Method;

    #[test]
    fn only_a_lesson_pages_get_is_read_ahead() {
        let get = Method::GET;
        assert_eq!(
            Prefetched::wanted(&get, "/ryhmat/12/mita-kirjataan"),
            Some(12)
        );
        assert_eq!(
            Prefetched::wanted(&Method::POST, "/ryhmat/12/mita-kirjataan"),
            None
        );
        for other in [
            "/ryhmat/12/",
            "/ryhmat/12",
            "/ryhmat/12/mita-kirjataan/luettu",
            "/ryhmat/kaksi/mita-kirjataan",
            "/keskustelut/12/mita-kirjataan",
        ] {
            assert_eq!(Prefetched::wanted(&get, other), None, "{other}");
        }
    }
}
