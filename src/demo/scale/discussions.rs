//! The scaled discussions: threads of every length in the cohorts' lessons (one long thread in
//! the bench cohort), their posts, and who follows them.

use super::bulk::{bulk, next_id, opt, q, ts, Bulk};
use super::plan::{People, Rng, POSTS_PER_USER};
use crate::db::AnyConnection;
use crate::AppResult;
use chrono::{Duration, NaiveDateTime};

const TITLES: [&str; 8] = [
    "Miten kirjaan asiakkaan oman näkemyksen?",
    "Lyhenteet asiakaskertomuksessa",
    "Kuka saa lukea palvelutarpeen arvion?",
    "Kirjaaminen tapaamisen aikana",
    "Arkistointi Kanta-palveluihin",
    "Monialainen yhteistyö ja tietojen luovutus",
    "Rakenteisen kirjaamisen otsikot",
    "Toisiokäyttö ja tietosuoja",
];

/// Post texts (Markdown, sanitised HTML, search text) with `#N` to fill in.
fn texts() -> Vec<(String, String, String)> {
    use crate::courses::markdown::{plain_text, render_user};
    [
        "Kiitos hyvästä kysymyksestä #N. Kirjaa **asiakkaan oma näkemys** erikseen ja perustele oma arviosi.",
        "Meillä on sovittu, että lyhenteet kirjoitetaan auki, kun asiakas voi lukea tekstin (#N).",
        "Voisiko tässä käyttää palvelutehtävän mukaista asiakirjatyyppiä?\n\n- asiakaskertomus\n- palvelusuunnitelma\n- päätös\n\nViesti #N.",
        "Hyvä huomio #N! Tiedonkulku on helpompaa, kun *kaikki* kirjaavat samaan paikkaan.",
        "Lisäisin vielä, että [Kanta-palvelujen ohjeet](https://www.kanta.fi/) kannattaa lukea ennen arkistointia. #N",
        "Meidän yksikössämme asiakas saa nähdä kirjauksen heti tapaamisen jälkeen. Se on muuttanut kirjoitustapaa paljon: lauseet ovat lyhyempiä ja arvioinnit perustellaan. #N",
        "Samaa mieltä (#N).",
    ]
    .iter()
    .map(|md| (md.to_string(), render_user(md), plain_text(md).to_lowercase()))
    .collect()
}

struct Thread {
    id: i64,
    /// The cohort's place in [`People::cohorts`].
    cohort: usize,
    question: bool,
    author: i64,
    first_post: i64,
    count: usize,
    created: NaiveDateTime,
}

/// The threads, their posts numbered consecutively from each thread's first.
pub(super) struct Threads {
    list: Vec<Thread>,
    /// The first thread's id: the long thread of the bench cohort.
    pub(super) base: i64,
    /// The long thread's length.
    pub(super) long: usize,
}

/// Posts follow each other in a thread at this pace.
fn post_interval() -> Duration {
    Duration::seconds(37)
}

/// Threads: about ten posts per user. Lengths: one long thread in the bench cohort (N/5 posts,
/// at most 20,000), one in a hundred threads long (100–1,000 posts), the rest short (a
/// geometric spread around 6).
pub(super) fn plan_threads(
    conn: &mut AnyConnection,
    people: &People,
    users: usize,
    rng: &mut Rng,
) -> AppResult<Threads> {
    let total_posts = users * POSTS_PER_USER;
    let long = (users / 5).clamp(120, 20_000).min(total_posts / 2);
    let thread_base = next_id(conn, "discussion_threads")?;
    let post_base = next_id(conn, "discussion_posts")?;
    let mut threads: Vec<Thread> = Vec::new();
    let mut next_post = post_base;
    let mut left = total_posts;
    while left > 0 {
        let t = threads.len();
        let (cohort, count) = if t == 0 {
            (0, long)
        } else {
            let count = if rng.below(100) == 0 {
                100 + rng.below(900)
            } else {
                1 + (-(1.0 - rng.unit()).ln() * 6.0) as usize
            };
            (rng.below(people.cohorts.len()), count.min(left))
        };
        let c = &people.cohorts[cohort];
        let author = people.any_trainee_of(cohort, rng);
        threads.push(Thread {
            id: thread_base + t as i64,
            cohort,
            question: t.is_multiple_of(2),
            author,
            first_post: next_post,
            count,
            created: c.starts + Duration::minutes(rng.below(60 * 24 * 20) as i64),
        });
        next_post += count as i64;
        left -= count;
    }
    Ok(Threads {
        list: threads,
        base: thread_base,
        long,
    })
}

pub(super) fn seed_threads(
    conn: &mut AnyConnection,
    threads: &Threads,
    people: &People,
    lesson_ids: &[i64],
) -> AppResult<usize> {
    let step = post_interval();
    bulk(
        conn,
        "discussion_threads",
        "id, cohort_id, lesson_id, kind, title, author_id, opening_post_id, pinned, locked, \
         hidden, answered_at, post_count, last_post_id, last_post_at, created_at",
        threads.list.iter().map(|t| {
            let answered = (t.question && t.count > 1).then(|| t.created + step * 2);
            format!(
                "{}, {}, {}, '{}', {}, {}, {}, FALSE, FALSE, FALSE, {}, {}, {}, {}, {}",
                t.id,
                people.cohorts[t.cohort].id,
                lesson_ids[(t.id as usize) % lesson_ids.len()],
                if t.question { "question" } else { "discussion" },
                q(TITLES[(t.id as usize) % TITLES.len()]),
                t.author,
                t.first_post,
                answered.map(ts).unwrap_or_else(|| "NULL".into()),
                t.count,
                t.first_post + t.count as i64 - 1,
                ts(t.created + step * t.count as i32),
                ts(t.created)
            )
        }),
        true,
    )
}

/// Every thread's posts: the opening post by its author, every seventh by the trainer, a third
/// of the rest replies to a recent answer.
pub(super) fn seed_posts(
    conn: &mut AnyConnection,
    threads: &Threads,
    people: &People,
    rng: &mut Rng,
) -> AppResult<usize> {
    let step = post_interval();
    let texts = texts();
    let mut posts = Bulk::new(
        conn,
        "discussion_posts",
        "id, thread_id, parent_id, author_id, by_trainer, body_markdown, body_html, search_text, \
         created_at",
        true,
    );
    for t in &threads.list {
        let mut answers: Vec<i64> = Vec::new();
        let c = &people.cohorts[t.cohort];
        for k in 0..t.count {
            let post_id = t.first_post + k as i64;
            let trainer = k % 7 == 1;
            let who = match k {
                0 => t.author,
                _ if trainer => c.trainer,
                _ => people.any_trainee_of(t.cohort, rng),
            };
            // A third of the posts reply to one of the last twenty answers: people answer what
            // was just said, and each page of a long thread then carries about as many replies
            // as any other. (Replying to any earlier answer piled the replies on the first
            // pages: the bench's middle page showed 25 replies at 1,000,000 posts and 11 at
            // 10,000, so its two sizes measured pages of 63 and 51 KB.)
            let parent = (k > 0 && k % 3 == 0 && !answers.is_empty()).then(|| {
                let recent = answers.len().min(20);
                answers[answers.len() - 1 - rng.below(recent)]
            });
            if k > 0 && parent.is_none() {
                answers.push(post_id);
            }
            let (md, html, search) = &texts[(post_id as usize) % texts.len()];
            let n = post_id.to_string();
            posts.push(format!(
                "{post_id}, {}, {}, {who}, {}, {}, {}, {}, {}",
                t.id,
                opt(parent),
                if trainer { "TRUE" } else { "FALSE" },
                q(&md.replace("#N", &n)),
                q(&html.replace("#N", &n)),
                q(&search.replace("#n", &n)),
                ts(t.created + step * (k as i32 + 1))
            ))?;
        }
    }
    posts.finish()
}

/// Authors follow their threads, and the cohort's trainer follows its questions.
pub(super) fn seed_subscriptions(
    conn: &mut AnyConnection,
    threads: &Threads,
    people: &People,
) -> AppResult<usize> {
    bulk(
        conn,
        "discussion_subscriptions",
        "thread_id, user_id, following, created_at",
        threads.list.iter().flat_map(|t| {
            let mut v = vec![format!("{}, {}, TRUE, {}", t.id, t.author, ts(t.created))];
            let trainer = people.cohorts[t.cohort].trainer;
            if t.question && trainer != t.author {
                v.push(format!("{}, {trainer}, TRUE, {}", t.id, ts(t.created)));
            }
            v
        }),
        false,
    )
}
