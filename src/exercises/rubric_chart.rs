//! The rubric chart of a cohort's exercise figures: a horizontal stacked bar per criterion as
//! an accessible SVG (title, description, text on the segments), in page pixels.

use super::figures::CriterionFigures;
use crate::i18n::{format, Lang};

/// Colours from the lowest level to the highest (the survey chart's scale); the levels are
/// also told by their order, the text in the segments and the table — never by colour alone.
const COLOURS: [(&str, &str); 5] = [
    ("#7f1d1d", "#ffffff"),
    ("#f2b8b5", "#1a1a1a"),
    ("#e0e0e0", "#1a1a1a"),
    ("#a9cce3", "#1a1a1a"),
    ("#0b4f6c", "#ffffff"),
];

fn colour(level: usize, levels: usize) -> (&'static str, &'static str) {
    let i = match levels {
        0 | 1 => 4,
        n => (level * 4 + (n - 1) / 2) / (n - 1),
    };
    COLOURS[i.min(4)]
}

fn escape(s: &str) -> String {
    tera::escape_html(s)
}

/// The texts the chart needs in the page's language.
pub struct ChartText<'a> {
    pub title: &'a str,
    pub lowest: &'a str,
    pub highest: &'a str,
    /// "{n} ratings" with `{n}`.
    pub ratings: &'a str,
}

/// The chart's measures in page pixels: its width, a criterion's row, the number column
/// and the legend below.
const WIDTH: f64 = 640.0;
const ROW_H: f64 = 30.0;
const LABEL_W: f64 = 40.0;
const LEGEND_H: f64 = 40.0;

/// A horizontal stacked bar per criterion (numbered as in the table): each segment one
/// level's share, its share printed on it when it fits. Every text is escaped.
pub fn chart(criteria: &[CriterionFigures], text: &ChartText<'_>, lang: Lang, id: &str) -> String {
    let w = WIDTH;
    let h = criteria.len().max(1) as f64 * ROW_H + LEGEND_H;
    let mut body = String::new();
    let mut desc = Vec::new();
    for (i, c) in criteria.iter().enumerate() {
        body.push_str(&bar(i, c, lang));
        desc.push(format!(
            "{}. {} ({}): {}",
            c.number,
            c.criterion,
            text.ratings
                .replace("{n}", &format::integer(lang, c.total as i64)),
            c.levels
                .iter()
                .map(|l| format!("{} {}", l.label, format::integer(lang, l.count as i64)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    body.push_str(&legend(h, text));
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h:.0}" role="img" aria-labelledby="{id}-title {id}-desc" class="chart"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>{body}</svg>"##,
        escape(text.title),
        escape(&desc.join("; "))
    )
}

/// Criterion `i`'s row: its number, then a segment per level.
fn bar(i: usize, c: &CriterionFigures, lang: Lang) -> String {
    let (row_h, label_w) = (ROW_H, LABEL_W);
    let bar_w = WIDTH - label_w - 16.0;
    let y = 6.0 + i as f64 * row_h;
    let mut body = format!(
        r##"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="13" fill="#1a1a1a">{}.</text>"##,
        label_w - 8.0,
        y + row_h * 0.55,
        c.number
    );
    let mut x = label_w;
    for (l, level) in c.levels.iter().enumerate() {
        if c.total == 0 {
            break;
        }
        let seg = bar_w * level.count as f64 / c.total as f64;
        if seg <= 0.0 {
            continue;
        }
        let (fill, ink) = colour(l, c.levels.len());
        body.push_str(&format!(
            r##"<rect x="{x:.1}" y="{y:.1}" width="{seg:.1}" height="{:.1}" fill="{fill}" stroke="#ffffff" stroke-width="1.5"/>"##,
            row_h * 0.75
        ));
        if seg >= 44.0 {
            body.push_str(&format!(
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="11" fill="{ink}">{}</text>"##,
                x + seg / 2.0,
                y + row_h * 0.5,
                escape(&format::percent(lang, level.percent))
            ));
        }
        x += seg;
    }
    body
}

/// The legend under the bars: the lowest level's name, the colours in order, the highest's.
fn legend(h: f64, text: &ChartText<'_>) -> String {
    let label_w = LABEL_W;
    let ly = h - LEGEND_H + 20.0;
    let mut body = format!(
        r##"<text x="{label_w:.1}" y="{ly:.1}" font-size="12" fill="#1a1a1a">{}</text>"##,
        escape(text.lowest)
    );
    for (i, (fill, _)) in COLOURS.iter().enumerate() {
        body.push_str(&format!(
            r##"<rect x="{:.1}" y="{:.1}" width="22" height="14" fill="{fill}" stroke="#4d4d4d"/>"##,
            label_w + 150.0 + i as f64 * 26.0,
            ly - 11.0
        ));
    }
    body.push_str(&format!(
        r##"<text x="{:.1}" y="{ly:.1}" font-size="12" fill="#1a1a1a">{}</text>"##,
        label_w + 150.0 + 5.0 * 26.0 + 8.0,
        escape(text.highest)
    ));
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercises::figures::LevelCount;

    #[test]
    fn colours_run_from_lowest_to_highest_whatever_the_number_of_levels() {
        assert_eq!(colour(0, 2), COLOURS[0]);
        assert_eq!(colour(1, 2), COLOURS[4]);
        assert_eq!(colour(1, 3), COLOURS[2]);
        assert_eq!(colour(2, 3), COLOURS[4]);
        assert_eq!(colour(3, 5), COLOURS[3]);
    }

    #[test]
    fn the_chart_is_labelled_and_escapes_text() {
        let c = CriterionFigures {
            number: 1,
            criterion: "Asiakkaan <script>".into(),
            total: 4,
            levels: vec![
                LevelCount {
                    label: "Puuttuu".into(),
                    count: 1,
                    percent: 25.0,
                },
                LevelCount {
                    label: "Selvästi".into(),
                    count: 3,
                    percent: 75.0,
                },
            ],
            score: Some(75.0),
        };
        let text = ChartText {
            title: "Arviot",
            lowest: "Heikoin",
            highest: "Paras",
            ratings: "{n} arviota",
        };
        let svg = chart(&[c], &text, Lang::Fi, "k1");
        assert!(svg.contains(r#"role="img" aria-labelledby="k1-title k1-desc""#));
        assert!(svg.contains("<title id=\"k1-title\">Arviot</title>"));
        assert!(svg.contains("Asiakkaan &lt;script&gt; (4 arviota): Puuttuu 1, Selvästi 3"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("75,0\u{a0}%"));
    }
}
