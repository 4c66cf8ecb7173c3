//! What the scaled graduates have: completions with certificates, memberships of the expert
//! network, and the trainings they held in their organisations.

use super::bulk::{bulk, next_id, q, ts};
use super::plan::{BasicCourse, People, Places, Rng};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::{Duration, NaiveDateTime};

const THEMES: [&str; 5] = [
    "client-centred",
    "multiprofessional",
    "structured",
    "archiving",
    "secondary-use",
];

/// A certificate code from an id: ten characters without look-alikes, in two groups.
fn certificate_code(id: i64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    // Spread consecutive ids over the code space (an odd multiplier is a bijection mod 2^50).
    let mut v = (id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15 | 1) & ((1u64 << 50) - 1);
    let mut out = String::with_capacity(11);
    for i in 0..10 {
        if i == 5 {
            out.push('-');
        }
        out.push(ALPHABET[(v & 31) as usize] as char);
        v >>= 5;
    }
    out
}

/// When graduate `k` completed the course.
fn completed_at(people: &People, k: usize) -> NaiveDateTime {
    people.cohort_of(k).starts + Duration::days(27)
}

/// The graduates' completions and certificates.
pub(super) fn seed_completions(
    conn: &mut AnyConnection,
    people: &People,
    course: &BasicCourse,
    graduates: &[usize],
    enrolment_base: i64,
) -> AppResult<usize> {
    let completion_base = next_id(conn, "completions")?;
    let n = bulk(
        conn,
        "completions",
        "id, enrolment_id, user_id, course_id, course_kind, course_version, completed_at",
        graduates.iter().enumerate().map(|(g, k)| {
            format!(
                "{}, {}, {}, {}, {}, {}, {}",
                completion_base + g as i64,
                enrolment_base + *k as i64,
                people.trainee_id(*k),
                course.id,
                q(&course.kind),
                q(&course.version),
                ts(completed_at(people, *k))
            )
        }),
        true,
    )?;
    bulk(
        conn,
        "certificates",
        "completion_id, code, holder_name, course_title, course_version, issued_on",
        graduates.iter().enumerate().map(|(g, k)| {
            let id = completion_base + g as i64;
            format!(
                "{id}, '{}', 'Valmistunut {}', {}, {}, '{}'",
                certificate_code(id),
                k + 1,
                q(&course.title),
                q(&course.version),
                completed_at(people, *k).date()
            )
        }),
        false,
    )?;
    Ok(n)
}

/// The graduates' network memberships, in the region of their organisation's county.
pub(super) fn seed_memberships(
    conn: &mut AnyConnection,
    people: &People,
    places: &Places,
    graduates: &[usize],
    now: NaiveDateTime,
) -> AppResult<usize> {
    let region_of_county: std::collections::HashMap<i64, i64> =
        places.counties.iter().copied().collect();
    bulk(
        conn,
        "memberships",
        "user_id, region_id, county_id, organisation_id, joined_at, refreshed_at, status",
        graduates.iter().map(|k| {
            let (org, county) = people.org_of[*k];
            let at = completed_at(people, *k);
            // Graduates of more than three years ago whose competence lapsed.
            let status = if (now - at).num_days() > 3 * 365 && k % 3 == 0 {
                "lapsed"
            } else {
                "active"
            };
            format!(
                "{}, {}, {county}, {org}, {}, {}, '{status}'",
                people.trainee_id(*k),
                region_of_county[&county],
                ts(at),
                ts(at)
            )
        }),
        false,
    )
}

/// Up to three trainings each graduate held in their organisation since completing.
pub(super) fn seed_trainings_held(
    conn: &mut AnyConnection,
    people: &People,
    graduates: &[usize],
    now: NaiveDateTime,
) -> AppResult<usize> {
    let mut t_rng = Rng(0x0dd_b1a5_e5ca_1ab1);
    bulk(
        conn,
        "trainings_held",
        "user_id, organisation_id, held_on, theme, participants, notes, created_at",
        graduates.iter().flat_map(move |k| {
            let n = t_rng.below(4);
            let since = (now - completed_at(people, *k)).num_days().max(1) as usize;
            (0..n)
                .map(|_| {
                    let held = now - Duration::days(t_rng.below(since) as i64);
                    format!(
                        "{}, {}, '{}', '{}', {}, 'Tiimin kirjaamisvalmennus', {}",
                        people.trainee_id(*k),
                        people.org_of[*k].0,
                        held.date(),
                        THEMES[t_rng.below(THEMES.len())],
                        4 + t_rng.below(36),
                        ts(held)
                    )
                })
                .collect::<Vec<_>>()
        }),
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_codes_are_distinct_and_readable() {
        let codes: std::collections::HashSet<String> = (1..20_000).map(certificate_code).collect();
        assert_eq!(codes.len(), 19_999);
        let c = certificate_code(42);
        assert_eq!(c.len(), 11);
        assert_eq!(&c[5..6], "-");
        assert!(!c.contains('O') && !c.contains('0') && !c.contains('I') && !c.contains('1'));
    }
}
