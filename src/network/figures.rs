//! The figures of the coordinators' network page for one scope, read together: the first page
//! of the registry, the member counts, the quarters, the year's reach, the blind spots and the
//! area's trainings. The same for every coordinator of the scope, so the page keeps them in
//! memory per figures version (`db::figures`); what differs per viewer is read apart.

use super::reach::{self, quarterly::Quarter, Reach};
use super::registry::{self, BlindSpot, RegistryRow, Scope};
use super::trainings::lists::{self, Listed};
use crate::db::AnyConnection;
use crate::i18n::Lang;
use crate::AppResult;
use chrono::{Datelike, NaiveDate};
use std::sync::OnceLock;

/// Registry rows shown on the network page; the CSV export has every row.
pub const REGISTRY_PAGE: i64 = 200;
/// Blind spots listed on the page (all are counted).
pub const BLIND_SPOTS_SHOWN: usize = 50;

/// What the network page shows of a scope on a day, in a language.
#[derive(Debug)]
pub struct NetworkFigures {
    pub registry: Vec<RegistryRow>,
    /// Members: all, active.
    pub members: (i64, i64),
    pub quarters: Vec<Quarter>,
    pub reach: Reach,
    /// The largest blind spots, and how many there are in all.
    pub blind_spots: Vec<BlindSpot>,
    pub blind_total: usize,
    pub upcoming: Vec<Listed>,
    pub flagged: Vec<Listed>,
    /// The page's sections drawn from these figures (nothing per viewer in them), rendered by
    /// the first page that shows them, in the key's language, and kept with them.
    pub html: OnceLock<FiguresHtml>,
}

/// The network page's parts that are the same for every viewer of the scope, as HTML.
#[derive(Debug)]
pub struct FiguresHtml {
    /// The area's coming trainings (`network/upcoming.html`).
    pub upcoming: String,
    /// Trainings over time, reach, flagged trainings, blind spots, the registry
    /// (`network/figures.html`).
    pub sections: String,
}

/// The key the figures are kept under: everything they depend on besides the data.
pub type NetworkKey = (Scope, Lang, NaiveDate);

pub fn network_figures(
    conn: &mut AnyConnection,
    scope: Scope,
    today: NaiveDate,
    lang: Lang,
) -> AppResult<NetworkFigures> {
    let counties = registry::counties_of(conn, scope)?;
    let mut blind = registry::blind_spots(conn, scope, lang)?;
    let blind_total = blind.len();
    blind.truncate(BLIND_SPOTS_SHOWN);
    Ok(NetworkFigures {
        registry: registry::registry_first(conn, scope, REGISTRY_PAGE, lang)?,
        members: registry::registry_counts(conn, scope)?,
        quarters: reach::quarterly::quarters(conn, scope, today, 8)?,
        reach: reach::reach(conn, scope, today.year(), lang)?,
        blind_spots: blind,
        blind_total,
        upcoming: lists::upcoming(conn, &counties, today, 20)?,
        flagged: lists::flagged(conn, &counties)?,
        html: OnceLock::new(),
    })
}
