//! Peer allocation as pure functions over one exercise of one cohort: who has submitted (in
//! order) and the review assignments so far. They return the changes to make; the caller
//! stores them (`peers.rs`). The rules (each checked by the property tests):
//!
//! - nobody reviews their own entry, nor the same entry twice;
//! - a peer is given entries to review only once they have submitted their own;
//! - a newcomer is paired both ways with those who still lack reviews (so everyone reviews as
//!   many as they receive); when nobody lacks any, an open assignment X→Y is split into X→new
//!   and new→Y (X and Y keep their counts); only when no open assignment is left (every review
//!   done) do others take one more than `k`, never more than [`cap`];
//! - a peer whose window passes without a review loses the assignment (expired) and it goes to
//!   a peer who has not let one lapse and reviews no more than they receive;
//! - a trainee who still owes reviews and has none open may ask for one more.

/// The state of one review assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Open,
    Done,
    Expired,
}

/// `reviewer` reviews the entry of `author`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment {
    pub reviewer: i64,
    pub author: i64,
    pub state: State,
}

/// What to store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Assign {
        reviewer: i64,
        author: i64,
    },
    /// An open assignment taken back when it is split (nothing was written for it).
    Withdraw {
        reviewer: i64,
        author: i64,
    },
    /// An open assignment whose window passed.
    Expire {
        reviewer: i64,
        author: i64,
    },
}

/// One exercise of one cohort: `k` reviews per entry, who has submitted (first first), and
/// every assignment so far.
#[derive(Debug, Clone, Default)]
pub struct Pool {
    pub k: usize,
    pub submitters: Vec<i64>,
    pub assignments: Vec<Assignment>,
}

/// The most reviews anyone gives or receives: one more than `k`, for late entries.
pub fn cap(k: usize) -> usize {
    k + 1
}

impl Pool {
    /// Reviews `user` gives that count (open or done).
    pub fn given(&self, user: i64) -> usize {
        self.assignments
            .iter()
            .filter(|a| a.reviewer == user && a.state != State::Expired)
            .count()
    }

    /// Reviews of `user`'s entry that count (open or done).
    pub fn received(&self, user: i64) -> usize {
        self.assignments
            .iter()
            .filter(|a| a.author == user && a.state != State::Expired)
            .count()
    }

    /// Whether `user` has let a review lapse.
    pub fn defaulted(&self, user: i64) -> bool {
        self.assignments
            .iter()
            .any(|a| a.reviewer == user && a.state == State::Expired)
    }

    /// Whether `reviewer` has (or had) `author`'s entry to review, in any state.
    pub fn paired(&self, reviewer: i64, author: i64) -> bool {
        self.assignments
            .iter()
            .any(|a| a.reviewer == reviewer && a.author == author)
    }

    fn position(&self, user: i64) -> usize {
        self.submitters
            .iter()
            .position(|u| *u == user)
            .unwrap_or(usize::MAX)
    }

    /// Applies changes in order (as the database will).
    pub fn apply(&mut self, changes: &[Change]) {
        for change in changes {
            match *change {
                Change::Assign { reviewer, author } => self.assignments.push(Assignment {
                    reviewer,
                    author,
                    state: State::Open,
                }),
                Change::Withdraw { reviewer, author } => {
                    self.assignments.retain(|a| {
                        !(a.reviewer == reviewer && a.author == author && a.state == State::Open)
                    });
                }
                Change::Expire { reviewer, author } => {
                    for a in &mut self.assignments {
                        if a.reviewer == reviewer && a.author == author && a.state == State::Open {
                            a.state = State::Expired;
                        }
                    }
                }
            }
        }
    }
}

/// The assignments to make when `newcomer` submits (they must be in `pool.submitters`).
pub fn on_submit(pool: &Pool, newcomer: i64) -> Vec<Change> {
    let mut work = pool.clone();
    let mut changes = Vec::new();
    let k = pool.k;
    if k == 0 || !pool.submitters.contains(&newcomer) {
        return changes;
    }
    let pair = |work: &mut Pool, other: i64, changes: &mut Vec<Change>| {
        let both = [
            Change::Assign {
                reviewer: other,
                author: newcomer,
            },
            Change::Assign {
                reviewer: newcomer,
                author: other,
            },
        ];
        work.apply(&both);
        changes.extend(both);
    };
    // 1. Both ways with those who still lack reviews: the fewest first, then the earliest.
    let mut lacking: Vec<i64> = pool
        .submitters
        .iter()
        .copied()
        .filter(|&p| p != newcomer && pool.given(p) < k && pool.received(p) < k)
        .filter(|&p| !pool.paired(p, newcomer) && !pool.paired(newcomer, p))
        .collect();
    lacking.sort_by_key(|&p| {
        (
            pool.defaulted(p),
            pool.given(p).max(pool.received(p)),
            pool.position(p),
        )
    });
    for p in lacking {
        if work.given(newcomer) >= k {
            break;
        }
        pair(&mut work, p, &mut changes);
    }
    // 2. Split open assignments, the newest first (the least likely to have been started).
    while work.given(newcomer) < k && work.received(newcomer) < k {
        let split = work.assignments.iter().rev().find(|a| {
            a.state == State::Open
                && a.reviewer != newcomer
                && a.author != newcomer
                && !work.paired(a.reviewer, newcomer)
                && !work.paired(newcomer, a.author)
        });
        let Some(&Assignment {
            reviewer, author, ..
        }) = split
        else {
            break;
        };
        let three = [
            Change::Withdraw { reviewer, author },
            Change::Assign {
                reviewer,
                author: newcomer,
            },
            Change::Assign {
                reviewer: newcomer,
                author,
            },
        ];
        work.apply(&three);
        changes.extend(three);
    }
    // 3. Every review is done already: both ways with the least loaded, up to the cap.
    let limit = cap(k);
    while work.given(newcomer) < k {
        let mut others: Vec<i64> = work
            .submitters
            .iter()
            .copied()
            .filter(|&p| p != newcomer && work.given(p) < limit && work.received(p) < limit)
            .filter(|&p| !work.paired(p, newcomer) && !work.paired(newcomer, p))
            .collect();
        others.sort_by_key(|&p| {
            (
                work.defaulted(p),
                work.given(p) + work.received(p),
                work.position(p),
            )
        });
        let Some(&p) = others.first() else { break };
        pair(&mut work, p, &mut changes);
    }
    changes
}

/// Expires the `overdue` assignments (reviewer, author) and hands each to another peer: one
/// who has submitted, has not let a review lapse, is neither the author nor anyone who has had
/// the entry, is under the cap and reviews no more than they receive — the least loaded first.
/// An entry nobody can take keeps fewer reviews (the trainer's figures show it missing).
pub fn replace_expired(pool: &Pool, overdue: &[(i64, i64)]) -> Vec<Change> {
    let mut work = pool.clone();
    let mut changes = Vec::new();
    let limit = cap(pool.k);
    for &(reviewer, author) in overdue {
        let open = work
            .assignments
            .iter()
            .any(|a| a.reviewer == reviewer && a.author == author && a.state == State::Open);
        if !open {
            continue;
        }
        let expire = Change::Expire { reviewer, author };
        work.apply(&[expire]);
        changes.push(expire);
        let mut candidates: Vec<i64> = work
            .submitters
            .iter()
            .copied()
            .filter(|&p| p != author && p != reviewer && !work.paired(p, author))
            .filter(|&p| !work.defaulted(p) && work.given(p) < limit)
            .filter(|&p| work.given(p) <= work.received(p))
            .collect();
        candidates.sort_by_key(|&p| {
            (
                work.given(p) as i64 - work.received(p) as i64,
                work.given(p),
                work.position(p),
            )
        });
        if let Some(&p) = candidates.first() {
            let assign = Change::Assign {
                reviewer: p,
                author,
            };
            work.apply(&[assign]);
            changes.push(assign);
        }
    }
    changes
}

/// One more entry for `reviewer` to review (they asked: they still owe reviews and have none
/// open): an entry they have not had, not at the cap, the fewest reviews first.
pub fn one_more_for(pool: &Pool, reviewer: i64) -> Option<Change> {
    if !pool.submitters.contains(&reviewer) {
        return None;
    }
    let limit = cap(pool.k);
    pool.submitters
        .iter()
        .copied()
        .filter(|&a| a != reviewer && !pool.paired(reviewer, a) && pool.received(a) < limit)
        .min_by_key(|&a| (pool.received(a), pool.position(a)))
        .map(|author| Change::Assign { reviewer, author })
}
