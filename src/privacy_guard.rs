//! The privacy guard: what trainees and trainers write (exercise entries and reviews,
//! discussion threads, replies and edits) must not identify a real client. A Finnish personal
//! identity code (henkilötunnus, its check character validated, with the century signs of the
//! old and the 2023 form), a phone number or an e-mail address is refused with a message
//! naming what was found, and nothing is stored. The one place both exercises and discussions
//! call; it knows no other module.

use serde::Serialize;

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    IdentityCode,
    Phone,
    Email,
}

impl Kind {
    /// The catalogue key of the message that names this kind of finding.
    pub fn message_key(self) -> &'static str {
        match self {
            Kind::IdentityCode => "guard.identity_code",
            Kind::Phone => "guard.phone",
            Kind::Email => "guard.email",
        }
    }
}

/// One finding: its kind, the text as written and its byte offset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: Kind,
    pub text: String,
    pub start: usize,
}

/// Everything identifying in `text`, in order of position.
pub fn scan(text: &str) -> Vec<Finding> {
    let mut found = identity_codes(text);
    let taken: Vec<(usize, usize)> = found
        .iter()
        .map(|f| (f.start, f.start + f.text.len()))
        .collect();
    found.extend(emails(text));
    let emails: Vec<(usize, usize)> = found
        .iter()
        .filter(|f| f.kind == Kind::Email)
        .map(|f| (f.start, f.start + f.text.len()))
        .collect();
    found.extend(phones(text).into_iter().filter(|p| {
        let end = p.start + p.text.len();
        !taken
            .iter()
            .chain(&emails)
            .any(|&(s, e)| p.start < e && s < end)
    }));
    found.sort_by_key(|f| f.start);
    found
}

/// Adds one message key per kind of finding in `text` to `errors` (each key once).
pub fn check(text: &str, errors: &mut Vec<&'static str>) {
    for f in scan(text) {
        let key = f.kind.message_key();
        if !errors.contains(&key) {
            errors.push(key);
        }
    }
}

/// True when `text` identifies nobody.
pub fn is_clean(text: &str) -> bool {
    scan(text).is_empty()
}

const CHECK_CHARS: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";

/// The century of a sign: `+` 1800s; `-`, `Y`, `X`, `W`, `V`, `U` 1900s; `A`–`F` 2000s (the
/// letters other than `-` and `A` since 2023). Dashes people paste (‐ ‑ ‒ – −) count as `-`.
fn century(sign: char) -> Option<u32> {
    match sign.to_ascii_uppercase() {
        '+' => Some(1800),
        '-' | 'Y' | 'X' | 'W' | 'V' | 'U' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}'
        | '\u{2212}' => Some(1900),
        'A' | 'B' | 'C' | 'D' | 'E' | 'F' => Some(2000),
        _ => None,
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

/// Whether 11 characters are a valid identity code: a real date, a century sign, an
/// individual number 002–999 and the right check character.
pub fn is_identity_code(chars: &[char]) -> bool {
    let [d1, d2, m1, m2, y1, y2, sign, n1, n2, n3, q] = chars else {
        return false;
    };
    let digits = [d1, d2, m1, m2, y1, y2, n1, n2, n3];
    if !digits.iter().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let Some(century) = century(*sign) else {
        return false;
    };
    let num = |cs: &[&char]| {
        cs.iter()
            .fold(0u32, |acc, c| acc * 10 + c.to_digit(10).unwrap_or(0))
    };
    let (day, month, year) = (num(&[d1, d2]), num(&[m1, m2]), century + num(&[y1, y2]));
    if day == 0 || day > days_in_month(year, month) {
        return false;
    }
    if num(&[n1, n2, n3]) < 2 {
        return false;
    }
    let all = digits.iter().fold(0u64, |acc, c| {
        acc * 10 + u64::from(c.to_digit(10).unwrap_or(0))
    });
    let expected = CHECK_CHARS[(all % 31) as usize] as char;
    q.to_ascii_uppercase() == expected
}

/// Characters as (byte offset, char).
fn indexed(text: &str) -> Vec<(usize, char)> {
    text.char_indices().collect()
}

fn identity_codes(text: &str) -> Vec<Finding> {
    let cs = indexed(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i + 11 <= cs.len() {
        let window: Vec<char> = cs[i..i + 11].iter().map(|&(_, c)| c).collect();
        let bounded_left = i == 0 || !cs[i - 1].1.is_alphanumeric();
        let bounded_right = cs.get(i + 11).is_none_or(|&(_, c)| !c.is_alphanumeric());
        if bounded_left && bounded_right && is_identity_code(&window) {
            let start = cs[i].0;
            let end = cs.get(i + 11).map_or(text.len(), |&(b, _)| b);
            out.push(Finding {
                kind: Kind::IdentityCode,
                text: text[start..end].to_string(),
                start,
            });
            i += 11;
        } else {
            i += 1;
        }
    }
    out
}

fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn is_domain_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '-')
}

fn emails(text: &str) -> Vec<Finding> {
    let cs = indexed(text);
    let mut out = Vec::new();
    let mut covered_to = 0;
    for (at, &(_, c)) in cs.iter().enumerate() {
        if c != '@' || at < covered_to {
            continue;
        }
        let mut s = at;
        while s > 0 && is_local_char(cs[s - 1].1) {
            s -= 1;
        }
        while s < at && matches!(cs[s].1, '.' | '-' | '+') {
            s += 1;
        }
        let mut e = at + 1;
        while e < cs.len() && is_domain_char(cs[e].1) {
            e += 1;
        }
        while e > at + 1 && matches!(cs[e - 1].1, '.' | '-') {
            e -= 1;
        }
        if s == at || e == at + 1 {
            continue;
        }
        let domain: String = cs[at + 1..e].iter().map(|&(_, c)| c).collect();
        let labels: Vec<&str> = domain.split('.').collect();
        let tld_ok = labels
            .last()
            .is_some_and(|t| t.chars().count() >= 2 && t.chars().all(char::is_alphabetic));
        if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) || !tld_ok {
            continue;
        }
        let start = cs[s].0;
        let end = cs.get(e).map_or(text.len(), |&(b, _)| b);
        out.push(Finding {
            kind: Kind::Email,
            text: text[start..end].to_string(),
            start,
        });
        covered_to = e;
    }
    out
}

/// Phone numbers: `+` and 7–15 digits, or a Finnish number beginning with 0 and having 7–12
/// digits, written with single spaces, hyphens or parentheses between the groups. A run that
/// touches a letter or other digits' punctuation (`703/2023`, `1.1.2024`) is not one.
fn phones(text: &str) -> Vec<Finding> {
    let cs = indexed(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i].1;
        let starts = (c == '+' || c == '(' || c.is_ascii_digit())
            && (i == 0
                || !(cs[i - 1].1.is_alphanumeric() || matches!(cs[i - 1].1, '/' | '.' | ',')));
        if !starts {
            i += 1;
            continue;
        }
        // Extend over digits and single separators between digit groups.
        let mut j = i;
        let mut digits = String::new();
        let mut last_digit = None;
        while j < cs.len() {
            let ch = cs[j].1;
            if ch.is_ascii_digit() {
                digits.push(ch);
                last_digit = Some(j);
            } else if !phone_continues(&cs, i, j, digits.len()) {
                break;
            }
            j += 1;
        }
        let Some(last) = last_digit else {
            i += 1;
            continue;
        };
        let after = cs.get(last + 1).map(|&(_, ch)| ch);
        // Not part of a longer token: a word, an act number (703/2023), an address, a date.
        let bounded = after.is_none_or(|ch| {
            let decimal = matches!(ch, '.' | ',')
                && cs.get(last + 2).is_some_and(|&(_, n)| n.is_ascii_digit());
            !(ch.is_alphanumeric() || matches!(ch, '/' | '@') || decimal)
        });
        let first_digit = digits.chars().next();
        let international = c == '+' && (7..=15).contains(&digits.len());
        let domestic = c != '+' && first_digit == Some('0') && (7..=12).contains(&digits.len());
        if bounded && (international || domestic) {
            let start = cs[i].0;
            let end = cs.get(last + 1).map_or(text.len(), |&(b, _)| b);
            out.push(Finding {
                kind: Kind::Phone,
                text: text[start..end].to_string(),
                start,
            });
            i = last + 1;
        } else {
            i = last.max(i) + 1;
        }
    }
    out
}

/// Whether the non-digit at `j` may stand inside a phone number that began at `start`: a
/// leading `+`, an opening parenthesis early on, a closing one before more digits, or one
/// space, hyphen or dash between digit groups.
fn phone_continues(cs: &[(usize, char)], start: usize, j: usize, digits: usize) -> bool {
    let ch = cs[j].1;
    let next = |k: usize| cs.get(k).map(|&(_, c)| c);
    match ch {
        '+' => j == start,
        '(' => digits <= 5,
        ')' => {
            next(j + 1).is_some_and(|n| n.is_ascii_digit())
                || (next(j + 1) == Some(' ') && next(j + 2).is_some_and(|m| m.is_ascii_digit()))
        }
        ' ' | '-' | '\u{2013}' => {
            next(j + 1).is_some_and(|n| n.is_ascii_digit() || n == '(')
                && (j == start || cs[j - 1].1 != ' ')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Kind> {
        scan(text).into_iter().map(|f| f.kind).collect()
    }

    #[test]
    fn valid_identity_codes_of_every_century_sign_are_found() {
        // The check character of 131052308 is T (131052308 mod 31 = 25).
        for code in [
            "131052-308T",
            "131052Y308T",
            "131052X308T",
            "131052W308T",
            "131052V308T",
            "131052U308T",
            "131052+308T",
            "131052A308T",
            "131052B308T",
            "131052F308T",
            "131052a308t",
            "131052–308T",
        ] {
            let found = scan(&format!("Asiakas ({code}) kävi."));
            assert_eq!(found.len(), 1, "{code}: {found:?}");
            assert_eq!(found[0].kind, Kind::IdentityCode);
            assert_eq!(found[0].text, code);
        }
        // 29 February exists in 2000 and 1952, not in 1900 or 2001.
        let leap = |d: &str| {
            let digits = format!("{}{}", &d[..6], &d[7..10]);
            let n: u64 = digits.parse().unwrap();
            format!("{d}{}", CHECK_CHARS[(n % 31) as usize] as char)
        };
        assert_eq!(kinds(&leap("290200A123")), vec![Kind::IdentityCode]);
        assert_eq!(kinds(&leap("290252-123")), vec![Kind::IdentityCode]);
        assert!(kinds(&leap("290200-123")).is_empty());
        assert!(kinds(&leap("290201A123")).is_empty());
    }

    #[test]
    fn invalid_identity_codes_are_not_findings() {
        for text in [
            "131052-308S",  // wrong check character
            "131052G308T",  // no such century sign
            "321052-308T",  // no 32nd day
            "131352-308T",  // no 13th month
            "131052-001T",  // individual numbers start at 002
            "x131052-308T", // part of a longer word
            "131052-308TT",
            "Lain 812/2000 mukaan 1.1.2024 alkaen",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", scan(text));
        }
    }

    #[test]
    fn phone_numbers_and_addresses_are_found_but_not_dates_or_acts() {
        assert_eq!(kinds("Soita 040 123 4567."), vec![Kind::Phone]);
        assert_eq!(kinds("puh. 040-1234567"), vec![Kind::Phone]);
        assert_eq!(kinds("+358 40 123 4567"), vec![Kind::Phone]);
        assert_eq!(kinds("(09) 310 1691"), vec![Kind::Phone]);
        assert_eq!(kinds("0501234567"), vec![Kind::Phone]);
        assert_eq!(kinds("aino.asiakas@example.fi"), vec![Kind::Email]);
        assert_eq!(
            scan("Lähetä: maija.m+1@posti.example.com.")[0].text,
            "maija.m+1@posti.example.com"
        );
        for clean in [
            "Laki 703/2023 tuli voimaan 1.1.2024.",
            "Kotikäynti klo 9.30–10.15, mukana 2 työntekijää.",
            "Asiakas on 84-vuotias, ja hänellä on 3 lasta.",
            "Postinumero 00100, asunto 12.",
            "Tuki 1 234,50 euroa kuukaudessa.",
            "@tiimi sovitaan palaveri",
            "vuosina 2019 2020 2021",
        ] {
            assert!(kinds(clean).is_empty(), "{clean}: {:?}", scan(clean));
        }
    }

    #[test]
    fn check_names_each_kind_once() {
        let mut errors = Vec::new();
        check(
            "131052-308T, 040 123 4567 ja 050 765 4321, a@b.fi",
            &mut errors,
        );
        assert_eq!(
            errors,
            vec!["guard.identity_code", "guard.phone", "guard.email"]
        );
        assert!(is_clean("Asiakas kertoo voivansa hyvin."));
    }
}
