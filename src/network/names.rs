//! Region and county names in the reader's language: Swedish pages show the Swedish names
//! ("Vanda och Kervo välfärdsområde"), Finnish and English pages the Finnish ones (the
//! official names; templates mark them `lang="fi"` on an English page). Both names live in
//! `regions` and `counties`; these expressions pick the column, so a query keeps its shape and
//! only its name column depends on the language.

use crate::i18n::Lang;
use diesel::dsl::sql;
use diesel::expression::SqlLiteral;
use diesel::sql_types::{Nullable, Text};

fn column(table: &str, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!("{table}.name_sv"),
        Lang::Fi | Lang::En => format!("{table}.name_fi"),
    }
}

/// `counties.name_sv` or `counties.name_fi`, for a query that joins `counties`.
pub fn county(lang: Lang) -> SqlLiteral<Text> {
    sql(&column("counties", lang))
}

/// [`county`] where `counties` is left-joined.
pub fn county_or_none(lang: Lang) -> SqlLiteral<Nullable<Text>> {
    sql(&column("counties", lang))
}

/// `regions.name_sv` or `regions.name_fi`, for a query that joins `regions`.
pub fn region(lang: Lang) -> SqlLiteral<Text> {
    sql(&column("regions", lang))
}

/// [`region`] where `regions` is left-joined.
pub fn region_or_none(lang: Lang) -> SqlLiteral<Nullable<Text>> {
    sql(&column("regions", lang))
}

/// The name of a loaded row in the reader's language.
pub fn pick<'a>(lang: Lang, name_fi: &'a str, name_sv: &'a str) -> &'a str {
    match lang {
        Lang::Sv if !name_sv.trim().is_empty() => name_sv,
        _ => name_fi,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_pages_get_swedish_names() {
        assert_eq!(column("counties", Lang::Sv), "counties.name_sv");
        assert_eq!(column("counties", Lang::Fi), "counties.name_fi");
        assert_eq!(column("regions", Lang::En), "regions.name_fi");
        assert_eq!(
            pick(
                Lang::Sv,
                "Vantaan ja Keravan hyvinvointialue",
                "Vanda och Kervo välfärdsområde"
            ),
            "Vanda och Kervo välfärdsområde"
        );
        assert_eq!(pick(Lang::Sv, "Socca", " "), "Socca");
        assert_eq!(
            pick(
                Lang::Fi,
                "Kainuun hyvinvointialue",
                "Kajanalands välfärdsområde"
            ),
            "Kainuun hyvinvointialue"
        );
    }
}
