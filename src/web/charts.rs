//! Bar charts people can read at any width. The SVG has no `viewBox`: it is as wide as its box
//! (`width="100%"`), positions across are percentages and heights are pixels, so text keeps its
//! size (13 px, never scaled down on a phone) and bars stretch instead. Every bar above zero
//! shows at least a 3-pixel stub, however small beside the largest or the goal line. The chart
//! is an image with a title and a description (`role="img"`); the same figures stand in a
//! table beside it. Only numbers and labels go in, all escaped.

use crate::templates::escape_html;

const INK: &str = "#1a1a1a";
const MUTED: &str = "#4d4d4d";
const BAR: &str = "#0b4f6c";
const TRACK: &str = "#e8eef1";
const GOAL: &str = "#8a1c13";
/// Text size in pixels (at least 12 px, as the charts' labels must be).
const FONT: u32 = 13;

/// One bar: its label, its value (what the bar's length shows) and the value as the page
/// writes it ("25,0 %", "1 234").
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub shown: String,
}

fn pct(x: f64) -> String {
    format!("{:.2}%", x.clamp(0.0, 100.0))
}

fn head(id: &str, title: &str, desc: &str, height: u32) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{height}" role="img" aria-labelledby="{id}-title {id}-desc" class="chart" font-family="system-ui, sans-serif" font-size="{FONT}"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape_html(title),
        escape_html(desc)
    )
}

fn describe(bars: &[Bar]) -> String {
    bars.iter()
        .map(|b| format!("{} {}", b.label, b.shown))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Vertical bars, one per label (e.g. quarters): the value above each bar, the label under
/// it, one word a line.
pub fn columns(id: &str, title: &str, bars: &[Bar]) -> String {
    let (top, plot, bottom) = (22u32, 210u32, 40u32);
    let height = top + plot + bottom;
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let slot = 100.0 / bars.len().max(1) as f64;
    let mut out = head(id, title, &describe(bars), height);
    let base = top + plot;
    out.push_str(&format!(
        r#"<line x1="0" x2="100%" y1="{base}.5" y2="{base}.5" stroke="{MUTED}"/>"#
    ));
    for (i, b) in bars.iter().enumerate() {
        let centre = slot * (i as f64 + 0.5);
        let h = if max > 0.0 {
            (b.value / max * f64::from(plot)).round()
        } else {
            0.0
        };
        let h = if b.value > 0.0 { h.max(3.0) } else { h };
        let y = f64::from(base) - h;
        out.push_str(&format!(
            r#"<rect x="{}" y="{y}" width="{}" height="{h}" fill="{BAR}"/>"#,
            pct(centre - slot * 0.3),
            pct(slot * 0.6)
        ));
        out.push_str(&format!(
            r#"<text x="{}" y="{}" text-anchor="middle" fill="{INK}">{}</text>"#,
            pct(centre),
            y - 6.0,
            escape_html(&b.shown)
        ));
        out.push_str(&format!(
            r#"<text x="{}" y="{}" text-anchor="middle" fill="{MUTED}">"#,
            pct(centre),
            base + 16
        ));
        for (n, word) in b.label.split_whitespace().enumerate() {
            let dy = if n == 0 { 0 } else { 15 };
            out.push_str(&format!(
                r#"<tspan x="{}" dy="{dy}">{}</tspan>"#,
                pct(centre),
                escape_html(word)
            ));
        }
        out.push_str("</text>");
    }
    out.push_str("</svg>");
    out
}

/// A goal line across horizontal bars: where it stands and what it says ("Tavoite 25,0 %").
pub struct Goal {
    pub value: f64,
    pub label: String,
}

/// Horizontal bars, one row each: the label and the shown value on a line, the bar under them
/// on a light track, so long names never squeeze the bars. With a goal, the scale reaches a
/// fifth past it and a dashed line marks it.
pub fn rows(id: &str, title: &str, bars: &[Bar], goal: Option<&Goal>) -> String {
    let (top, row) = (if goal.is_some() { 22u32 } else { 4 }, 42u32);
    let height = top + row * bars.len().max(1) as u32 + 4;
    let largest = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let scale = match goal {
        Some(g) => (g.value * 1.2).max(largest * 1.05),
        None => largest,
    }
    .max(f64::MIN_POSITIVE);
    let mut desc = describe(bars);
    if let Some(g) = goal {
        desc.push_str(&format!("; {}", g.label));
    }
    let mut out = head(id, title, &desc, height);
    for (i, b) in bars.iter().enumerate() {
        let y = top + row * i as u32;
        out.push_str(&format!(
            r#"<text x="0" y="{}" fill="{INK}">{}</text><text x="100%" y="{}" text-anchor="end" fill="{INK}" font-weight="600">{}</text>"#,
            y + 14,
            escape_html(&b.label),
            y + 14,
            escape_html(&b.shown)
        ));
        let bar_y = y + 20;
        out.push_str(&format!(
            r#"<rect x="0" y="{bar_y}" width="100%" height="14" fill="{TRACK}"/>"#
        ));
        if b.value > 0.0 {
            out.push_str(&format!(
                r#"<rect x="0" y="{bar_y}" width="{}" height="14" fill="{BAR}"/><rect x="0" y="{bar_y}" width="3" height="14" fill="{BAR}"/>"#,
                pct(b.value / scale * 100.0)
            ));
        }
    }
    if let Some(g) = goal {
        let x = pct(g.value / scale * 100.0);
        out.push_str(&format!(
            r#"<line x1="{x}" x2="{x}" y1="18" y2="{}" stroke="{GOAL}" stroke-width="2" stroke-dasharray="5 3"/><text x="{x}" y="13" text-anchor="middle" fill="{GOAL}">{}</text>"#,
            height - 2,
            escape_html(&g.label)
        ));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: f64) -> Bar {
        Bar {
            label: label.into(),
            value,
            shown: format!("{value}"),
        }
    }

    #[test]
    fn text_is_never_scaled_and_small_bars_show() {
        let svg = rows(
            "reach",
            "Tavoittavuus <b>",
            &[bar("Helsingin kaupunki", 0.8), bar("Kainuu", 0.0)],
            Some(&Goal {
                value: 25.0,
                label: "Tavoite 25 %".into(),
            }),
        );
        assert!(!svg.contains("viewBox"), "no scaling of the text");
        assert!(svg.contains(r#"font-size="13""#));
        assert!(svg.contains(r#"width="100%""#));
        assert!(svg.contains("<title id=\"reach-title\">Tavoittavuus &lt;b&gt;</title>"));
        // 0.8 % on a scale of 30 %: 2.67 % of the width, and a 3-pixel stub under it.
        assert!(svg.contains(r#"width="2.67%""#), "{svg}");
        assert_eq!(
            svg.matches(r#"width="3" height="14""#).count(),
            1,
            "none for zero"
        );
        // The goal at 25 of 30: five sixths of the way.
        assert!(svg.contains(r#"x1="83.33%""#));
        let cols = columns(
            "q",
            "Osallistujat",
            &[
                bar("2026 Q1", 0.0),
                bar("2026 Q2", 1.0),
                bar("2026 Q3", 300.0),
            ],
        );
        assert!(!cols.contains("viewBox"));
        assert!(cols.contains(
            r#"<tspan x="16.67%" dy="0">2026</tspan><tspan x="16.67%" dy="15">Q1</tspan>"#
        ));
        // 1 beside 300 is still a visible bar.
        assert!(cols.contains(r#"height="3" fill"#), "{cols}");
    }
}
