//! Who may do what in a cohort's discussions: pure functions over the caller's role in the
//! cohort (`cohorts::role_in`), tested as a table. Reading needs any role (trainee, trainer,
//! overseer); writing is for the cohort's trainees and trainers; moderating (pin, lock, hide,
//! restore, handle reports, publish to the answer bank) for its trainers and overseers
//! (the region's coordinators and admins). Only trainers edit others' posts.

use crate::cohorts::CohortRole;
use chrono::{Duration, NaiveDateTime};

/// How long authors may edit their own posts.
pub const EDIT_WINDOW_MINUTES: i64 = 30;

/// Starting threads and replying: the cohort's trainees and trainers. Overseers read.
pub fn can_post(role: CohortRole) -> bool {
    matches!(role, CohortRole::Trainee | CohortRole::Trainer)
}

/// Pin, lock, hide, restore, see reports and revisions, publish answers.
pub fn can_moderate(role: CohortRole) -> bool {
    matches!(role, CohortRole::Trainer | CohortRole::Overseer)
}

/// Posting in a thread: a locked thread takes posts from moderators only.
pub fn can_post_in(role: CohortRole, locked: bool) -> bool {
    can_post(role) && (!locked || can_moderate(role))
}

/// Editing a post: its author for [`EDIT_WINDOW_MINUTES`] (not in a locked thread), trainers
/// always.
pub fn can_edit(
    role: CohortRole,
    is_author: bool,
    created_at: NaiveDateTime,
    now: NaiveDateTime,
    locked: bool,
) -> bool {
    role == CohortRole::Trainer
        || (is_author
            && can_post(role)
            && !locked
            && now - created_at <= Duration::minutes(EDIT_WINDOW_MINUTES))
}

/// A hidden post's text and the reason: its author and the moderators.
pub fn can_see_hidden(role: CohortRole, is_author: bool) -> bool {
    is_author || can_moderate(role)
}

/// Marking the best answer of a question: the asker, or a moderator.
pub fn can_mark_best(role: CohortRole, is_asker: bool) -> bool {
    (is_asker && can_post(role)) || can_moderate(role)
}

/// Reporting a post to the trainers: any member, not about their own post.
pub fn can_report(_role: CohortRole, is_author: bool) -> bool {
    !is_author
}

/// Redacting a post (its text and history replaced for good): the moderators.
pub fn can_redact(role: CohortRole) -> bool {
    can_moderate(role)
}

/// Asking the moderators to redact a post: its author, while they may write in the cohort.
pub fn can_ask_redaction(role: CohortRole, is_author: bool) -> bool {
    is_author && can_post(role)
}

#[cfg(test)]
mod tests {
    #[test]
    fn moderators_redact_and_authors_ask() {
        use super::*;
        // (role, redacts, asks about their own post)
        let table = [
            (CohortRole::Trainee, false, true),
            (CohortRole::Trainer, true, true),
            (CohortRole::Overseer, true, false),
        ];
        for (role, redacts, asks) in table {
            assert_eq!(can_redact(role), redacts, "{role:?}");
            assert_eq!(can_ask_redaction(role, true), asks, "{role:?}");
            assert!(
                !can_ask_redaction(role, false),
                "{role:?}: not others' posts"
            );
        }
    }

    use super::*;
    use CohortRole::*;

    fn t(h: u32, m: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    #[test]
    fn roles_decide_posting_and_moderating() {
        // (role, post, moderate, post in a locked thread)
        let table = [
            (Trainee, true, false, false),
            (Trainer, true, true, true),
            (Overseer, false, true, false),
        ];
        for (role, post, moderate, locked) in table {
            assert_eq!(can_post(role), post, "{role:?}");
            assert_eq!(can_moderate(role), moderate, "{role:?}");
            assert_eq!(can_post_in(role, true), locked, "{role:?}");
            assert_eq!(can_post_in(role, false), post, "{role:?}");
        }
    }

    #[test]
    fn authors_edit_for_thirty_minutes_trainers_always() {
        let created = t(9, 0);
        assert!(can_edit(Trainee, true, created, t(9, 30), false));
        assert!(!can_edit(Trainee, true, created, t(9, 31), false));
        assert!(!can_edit(Trainee, false, created, t(9, 1), false));
        assert!(!can_edit(Trainee, true, created, t(9, 1), true), "locked");
        assert!(can_edit(Trainer, false, created, t(23, 0), true));
        assert!(!can_edit(Overseer, false, created, t(9, 1), false));
    }

    #[test]
    fn hidden_posts_best_answers_and_reports() {
        assert!(can_see_hidden(Trainee, true));
        assert!(!can_see_hidden(Trainee, false));
        assert!(can_see_hidden(Trainer, false));
        assert!(can_see_hidden(Overseer, false));
        assert!(can_mark_best(Trainee, true));
        assert!(!can_mark_best(Trainee, false));
        assert!(can_mark_best(Trainer, false));
        assert!(can_report(Trainee, false));
        assert!(!can_report(Trainee, true));
    }
}
