//! Who may do what with a cohort's exercises: pure functions over the caller's role in the
//! cohort (`cohorts::role_in`), tested as a table. Trainees write, assess themselves and review
//! the peers' entries given to them; trainers assess; trainers and overseers (the region's
//! coordinators, admins) see who wrote what, the figures, hide unhelpful reviews and publish
//! examples.

use crate::cohorts::CohortRole;

/// Writing an entry, the self-assessment, peer reviews, consent to publishing.
pub fn can_write(role: CohortRole) -> bool {
    role == CohortRole::Trainee
}

/// The trainer's assessment.
pub fn can_assess(role: CohortRole) -> bool {
    role == CohortRole::Trainer
}

/// Seeing every entry with its writer and reviewers, and the cohort's figures.
pub fn can_oversee(role: CohortRole) -> bool {
    matches!(role, CohortRole::Trainer | CohortRole::Overseer)
}

/// Hiding an unhelpful review (with a reason) and showing it again.
pub fn can_moderate(role: CohortRole) -> bool {
    can_oversee(role)
}

/// Publishing an assessed entry as an example (with the writer's consent).
pub fn can_publish(role: CohortRole) -> bool {
    can_oversee(role)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CohortRole::*;

    #[test]
    fn roles_decide_what_each_may_do() {
        // (role, write, assess, oversee, moderate, publish)
        for (role, w, a, o, m, p) in [
            (Trainee, true, false, false, false, false),
            (Trainer, false, true, true, true, true),
            (Overseer, false, false, true, true, true),
        ] {
            assert_eq!(
                (
                    can_write(role),
                    can_assess(role),
                    can_oversee(role),
                    can_moderate(role),
                    can_publish(role)
                ),
                (w, a, o, m, p),
                "{role:?}"
            );
        }
    }
}
