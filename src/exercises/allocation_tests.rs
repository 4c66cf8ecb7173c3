//! Property tests of peer allocation: thousands of random cohorts (size, `k`, the order people
//! submit, which reviews get written, which windows pass), each checked after every step.
//! Seeded, so a failure names the seed that reproduces it.

use super::allocation::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashSet;

/// A random cohort's run and what it must never break.
struct Run {
    seed: u64,
    pool: Pool,
    /// When each assignment was made, who had submitted then.
    submitted: HashSet<i64>,
    /// Users whose review lapsed, and authors who lost a review to a lapse.
    touched_by_lapse: HashSet<i64>,
}

impl Run {
    fn new(seed: u64, k: usize) -> Run {
        Run {
            seed,
            pool: Pool {
                k,
                ..Pool::default()
            },
            submitted: HashSet::new(),
            touched_by_lapse: HashSet::new(),
        }
    }

    fn apply(&mut self, changes: &[Change]) {
        for c in changes {
            if let Change::Assign { reviewer, author } = *c {
                assert!(
                    self.submitted.contains(&reviewer),
                    "seed {}: {reviewer} was given a review before submitting",
                    self.seed
                );
                assert!(
                    self.submitted.contains(&author),
                    "seed {}: {author} has no entry",
                    self.seed
                );
                assert_ne!(reviewer, author, "seed {}: a self-review", self.seed);
                assert!(
                    !self.pool.paired(reviewer, author),
                    "seed {}: {reviewer} had {author}'s entry already",
                    self.seed
                );
            }
        }
        self.pool.apply(changes);
    }

    fn submit(&mut self, user: i64) {
        self.submitted.insert(user);
        self.pool.submitters.push(user);
        let changes = on_submit(&self.pool, user);
        self.apply(&changes);
    }

    fn invariants(&self, balanced_for_all: bool) {
        let pool = &self.pool;
        let limit = cap(pool.k);
        for &u in &pool.submitters {
            let (g, r) = (pool.given(u) as i64, pool.received(u) as i64);
            assert!(
                g <= limit as i64 && r <= limit as i64,
                "seed {}: {u} gives {g}, receives {r}, over the cap {limit}",
                self.seed
            );
            let faithful = !self.touched_by_lapse.contains(&u);
            if balanced_for_all || faithful {
                assert!(
                    (g - r).abs() <= 1,
                    "seed {}: {u} gives {g} and receives {r}",
                    self.seed
                );
            }
        }
        let mut pairs = HashSet::new();
        for a in &pool.assignments {
            assert!(
                pairs.insert((a.reviewer, a.author)),
                "seed {}: {} reviews {} twice",
                self.seed,
                a.reviewer,
                a.author
            );
        }
    }
}

fn open_assignments(pool: &Pool) -> Vec<(i64, i64)> {
    pool.assignments
        .iter()
        .filter(|a| a.state == State::Open)
        .map(|a| (a.reviewer, a.author))
        .collect()
}

fn finish(pool: &mut Pool, reviewer: i64, author: i64) {
    for a in &mut pool.assignments {
        if a.reviewer == reviewer && a.author == author && a.state == State::Open {
            a.state = State::Done;
        }
    }
}

#[test]
fn when_everyone_submits_before_reviewing_everyone_gets_exactly_k() {
    for seed in 0..2000u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let n = rng.random_range(1..=14i64);
        let k = rng.random_range(1..=4usize);
        let mut order: Vec<i64> = (1..=n).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        let mut run = Run::new(seed, k);
        for u in order {
            run.submit(u);
            run.invariants(true);
        }
        let want = k.min(n as usize - 1);
        for &u in &run.pool.submitters {
            assert_eq!(
                (run.pool.given(u), run.pool.received(u)),
                (want, want),
                "seed {seed}: n={n} k={k}, user {u}"
            );
        }
    }
}

#[test]
fn with_reviews_written_between_submissions_the_balance_holds_and_few_wait() {
    for seed in 0..2000u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let n = rng.random_range(2..=14i64);
        let k = rng.random_range(1..=3usize);
        let mut run = Run::new(seed, k);
        let mut next = 1;
        while next <= n {
            if rng.random_bool(0.5) {
                run.submit(next);
                next += 1;
            } else {
                let open = open_assignments(&run.pool);
                if !open.is_empty() {
                    let (r, a) = open[rng.random_range(0..open.len())];
                    finish(&mut run.pool, r, a);
                }
            }
            run.invariants(true);
        }
        // Entries still short of reviews are the newest, waiting for the next newcomer: at
        // most k of them.
        let want = k.min(n as usize - 1);
        let short: Vec<i64> = run
            .pool
            .submitters
            .iter()
            .copied()
            .filter(|&u| run.pool.received(u) < want)
            .collect();
        assert!(
            short.len() <= k,
            "seed {seed}: n={n} k={k}: {short:?} lack reviews"
        );
    }
}

#[test]
fn lapsed_reviews_go_to_faithful_peers_and_the_balance_holds_for_them() {
    let mut replaced = 0;
    for seed in 0..2000u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let n = rng.random_range(2..=12i64);
        let k = rng.random_range(1..=3usize);
        let mut run = Run::new(seed, k);
        let mut next = 1;
        for _ in 0..(n * 6) {
            let roll = rng.random_range(0..10);
            if next <= n && (roll < 4 || run.pool.assignments.is_empty()) {
                run.submit(next);
                next += 1;
            } else {
                let open = open_assignments(&run.pool);
                if open.is_empty() {
                    continue;
                }
                let (r, a) = open[rng.random_range(0..open.len())];
                if roll < 8 {
                    finish(&mut run.pool, r, a);
                } else {
                    let changes = replace_expired(&run.pool, &[(r, a)]);
                    assert_eq!(
                        changes.first(),
                        Some(&Change::Expire {
                            reviewer: r,
                            author: a
                        }),
                        "seed {seed}"
                    );
                    run.touched_by_lapse.insert(r);
                    run.touched_by_lapse.insert(a);
                    if let Some(Change::Assign { reviewer, author }) = changes.get(1).copied() {
                        replaced += 1;
                        assert_eq!(author, a, "seed {seed}");
                        assert!(
                            reviewer != r && reviewer != a && !run.pool.defaulted(reviewer),
                            "seed {seed}: {reviewer} replaces {r} for {a}"
                        );
                        assert!(
                            run.pool.given(reviewer) <= run.pool.received(reviewer),
                            "seed {seed}: {reviewer} already reviews more than they receive"
                        );
                    } else {
                        // Nobody could take it: check that nobody eligible was passed over.
                        let mut after = run.pool.clone();
                        after.apply(&changes);
                        let eligible = after.submitters.iter().any(|&p| {
                            p != a
                                && p != r
                                && !after.paired(p, a)
                                && !after.defaulted(p)
                                && after.given(p) < cap(k)
                                && after.given(p) <= after.received(p)
                        });
                        assert!(!eligible, "seed {seed}: a replacement was possible");
                    }
                    run.apply(&changes);
                }
            }
            run.invariants(false);
        }
    }
    assert!(
        replaced > 500,
        "only {replaced} replacements: the runs test too little"
    );
}

#[test]
fn an_extra_review_is_one_the_reviewer_has_not_had() {
    for seed in 0..500u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let n = rng.random_range(2..=8i64);
        let mut run = Run::new(seed, 2);
        for u in 1..=n {
            run.submit(u);
        }
        let who = rng.random_range(1..=n);
        match one_more_for(&run.pool, who) {
            Some(Change::Assign { reviewer, author }) => {
                assert_eq!(reviewer, who);
                assert!(
                    author != who && !run.pool.paired(who, author),
                    "seed {seed}"
                );
                assert!(run.pool.received(author) < cap(2), "seed {seed}");
            }
            Some(other) => panic!("seed {seed}: {other:?}"),
            None => {
                // Only when every other entry is the reviewer's already or at the cap.
                assert!(run.pool.submitters.iter().all(|&a| a == who
                    || run.pool.paired(who, a)
                    || run.pool.received(a) >= cap(2)));
            }
        }
    }
    // Nobody who has not submitted gets one.
    let pool = Pool {
        k: 2,
        submitters: vec![1, 2],
        assignments: vec![],
    };
    assert_eq!(one_more_for(&pool, 3), None);
}

#[test]
fn a_newcomer_pairs_with_those_lacking_reviews_first() {
    let mut run = Run::new(0, 2);
    run.submit(10);
    run.submit(20);
    assert_eq!(
        run.pool
            .assignments
            .iter()
            .map(|a| (a.reviewer, a.author))
            .collect::<Vec<_>>(),
        vec![(10, 20), (20, 10)]
    );
    run.submit(30);
    run.submit(40);
    // 40 came when everyone had two: an open assignment was split for them.
    assert_eq!((run.pool.given(40), run.pool.received(40)), (2, 2));
    assert_eq!(on_submit(&run.pool, 99), vec![], "99 has not submitted");
}
