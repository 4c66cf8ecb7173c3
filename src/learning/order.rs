//! The order a trainee sees a self-check's choices in: shuffled per trainee and check, and
//! stable for that trainee (a reload or a second visit shows the same order), so the right
//! answer has no telltale position. Only the display moves: answers are stored and graded by
//! the choice's own index in the course source (its identity), never by where it was shown.

use crate::accounts::tokens::{derive_key, hmac};

/// The indexes of a check's `n` choices in the order `user_id` sees them: the choices sorted
/// by a keyed hash (HMAC-SHA256 under a key derived from the server secret) of user, lesson,
/// check and choice. Without the secret the order cannot be predicted; with it, it is the
/// same on every server and every visit.
pub fn choice_order(
    secret: &[u8],
    user_id: i64,
    lesson_id: i64,
    check: usize,
    n: usize,
) -> Vec<usize> {
    let key = derive_key(secret, "choice-order");
    let mut keyed: Vec<(Vec<u8>, usize)> = (0..n)
        .map(|choice| {
            let data = format!("{user_id}:{lesson_id}:{check}:{choice}");
            (hmac(&key, data.as_bytes()), choice)
        })
        .collect();
    keyed.sort();
    keyed.into_iter().map(|(_, choice)| choice).collect()
}

#[cfg(test)]
mod tests {
    use super::choice_order;
    use std::collections::HashSet;

    const SECRET: &[u8] = b"test secret";

    #[test]
    fn every_order_is_a_permutation_and_stable() {
        for user in 1..50 {
            let order = choice_order(SECRET, user, 7, 0, 4);
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, vec![0, 1, 2, 3]);
            assert_eq!(
                order,
                choice_order(SECRET, user, 7, 0, 4),
                "stable for the trainee"
            );
        }
        assert!(choice_order(SECRET, 1, 1, 0, 0).is_empty());
    }

    #[test]
    fn trainees_checks_and_secrets_get_different_orders() {
        let orders: HashSet<Vec<usize>> = (1..40)
            .map(|user| choice_order(SECRET, user, 7, 0, 4))
            .collect();
        assert!(
            orders.len() > 5,
            "trainees see different orders: {orders:?}"
        );
        // The first choice shown is not always the same one.
        let firsts: HashSet<usize> = orders.iter().map(|o| o[0]).collect();
        assert_eq!(firsts.len(), 4, "each choice comes first for someone");
        let per_check: HashSet<Vec<usize>> = (0..20)
            .map(|check| choice_order(SECRET, 1, 7, check, 4))
            .collect();
        assert!(per_check.len() > 3, "one trainee's checks differ too");
        let other_secret: Vec<Vec<usize>> = (1..20)
            .map(|u| choice_order(b"another", u, 7, 0, 4))
            .collect();
        let this_secret: Vec<Vec<usize>> =
            (1..20).map(|u| choice_order(SECRET, u, 7, 0, 4)).collect();
        assert_ne!(
            other_secret, this_secret,
            "the order depends on the server secret"
        );
    }
}
