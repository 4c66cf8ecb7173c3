//! The network's figures drawn on the server as accessible SVG charts (`web::charts`), with
//! the same figures in a table beside them.

use crate::i18n::Lang;
use crate::network::reach::{self, quarterly::Quarter};
use crate::web::charts;

/// A bar chart of one figure per quarter (`web::charts`), numbers as `lang` writes them; the
/// same figures stand in a table beside it.
pub fn bar_chart(
    quarters: &[Quarter],
    value: impl Fn(&Quarter) -> i64,
    title: &str,
    id: &str,
    lang: Lang,
) -> String {
    let bars: Vec<charts::Bar> = quarters
        .iter()
        .map(|q| charts::Bar {
            label: q.label.clone(),
            value: value(q) as f64,
            shown: crate::i18n::format::integer(lang, value(q)),
        })
        .collect();
    charts::columns(id, title, &bars)
}

/// Reach per county against the goal of a quarter of all staff (`web::charts`); a county whose
/// organisations report no staff shows "no data", not 0 %.
pub fn reach_chart(reach: &reach::Reach, catalog: &crate::i18n::Catalog, lang: Lang) -> String {
    let bars: Vec<charts::Bar> = reach
        .by_county
        .iter()
        .map(|c| charts::Bar {
            label: c.county.clone(),
            value: if c.has_staff {
                c.percent.min(100.0)
            } else {
                0.0
            },
            shown: if c.has_staff {
                // Above 100 % the figure is marked (the page explains why).
                let mark = if c.over_100 { " !" } else { "" };
                format!("{}{mark}", crate::i18n::format::percent(lang, c.percent))
            } else {
                catalog.get("network.no_data").to_string()
            },
        })
        .collect();
    charts::rows(
        "reach",
        catalog.get("network.chart_reach"),
        &bars,
        Some(&charts::Goal {
            value: reach.goal_percent,
            label: format!(
                "{} {}",
                catalog.get("chart.goal"),
                crate::i18n::format::percent(lang, reach.goal_percent)
            ),
        }),
    )
}
