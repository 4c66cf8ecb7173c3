//! The results' chart: a stacked bar per Likert statement, as SVG in page pixels.

use super::Dist;
use crate::templates::escape_html;

/// The five answer colours, from "fully disagree" to "fully agree", each with a text colour
/// that reads on it (contrast at least 4.5:1); segments are also told apart by white borders,
/// their order and the numbers printed on them, never by colour alone.
const COLOURS: [(&str, &str); 5] = [
    ("#7f1d1d", "#ffffff"),
    ("#f2b8b5", "#1a1a1a"),
    ("#e0e0e0", "#1a1a1a"),
    ("#a9cce3", "#1a1a1a"),
    ("#0b4f6c", "#ffffff"),
];

/// A horizontal stacked bar per statement (numbered as on the page): each segment one answer
/// value's share, with the share printed on it when it is wide enough. The SVG has no viewBox:
/// widths are percentages and text stays 13 px at any width (as in `web::charts`); the legend
/// is a list under it. `labels` are the legend's names for 1..5. Every text is escaped; the
/// figures also stand in a table beside the chart.
pub fn chart(rows: &[(usize, &Dist)], title: &str, labels: &[String; 5], id: &str) -> String {
    let (row_h, bar_h) = (46u32, 24u32);
    let height = rows.len().max(1) as u32 * row_h;
    let mut body = String::new();
    let mut desc = Vec::new();
    for (i, (number, d)) in rows.iter().enumerate() {
        let y = i as u32 * row_h;
        body.push_str(&format!(
            r##"<text x="0" y="{}" fill="#1a1a1a" font-weight="600">{number}.</text>"##,
            y + 14
        ));
        let bar_y = y + 18;
        let mut x = 0.0;
        for (v, (fill, ink)) in COLOURS.iter().enumerate() {
            if d.answers == 0 {
                break;
            }
            let seg = 100.0 * d.counts[v] as f64 / d.answers as f64;
            if seg <= 0.0 {
                continue;
            }
            body.push_str(&format!(
                r##"<rect x="{x:.2}%" y="{bar_y}" width="{seg:.2}%" height="{bar_h}" fill="{fill}" stroke="#ffffff" stroke-width="1.5"/>"##
            ));
            // Printed where it fits: a twelfth of the width is ~28 px on a phone.
            if seg >= 12.0 {
                body.push_str(&format!(
                    r##"<text x="{:.2}%" y="{}" text-anchor="middle" fill="{ink}">{} %</text>"##,
                    x + seg / 2.0,
                    bar_y + 17,
                    d.percents[v]
                ));
            }
            x += seg;
        }
        desc.push(format!(
            "{number}. {}",
            (0..5)
                .map(|v| format!("{}: {}", v + 1, d.counts[v]))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let legend = legend(labels);
    format!(
        r##"<div class="chart-block"><svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{height}" role="img" aria-labelledby="{id}-title {id}-desc" class="chart" font-family="system-ui, sans-serif" font-size="13"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>{body}</svg><ul class="chart-legend" aria-hidden="true">{legend}</ul></div>"##,
        escape_html(title),
        escape_html(&desc.join("; "))
    )
}

/// The legend's items: each answer value's swatch, number and name.
fn legend(labels: &[String; 5]) -> String {
    labels
        .iter()
        .enumerate()
        .map(|(v, label)| {
            format!(
                r#"<li><span class="swatch swatch-{}"></span>{} – {}</li>"#,
                v + 1,
                v + 1,
                escape_html(label)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_is_labelled_and_escapes_text() {
        let d = Dist::from_counts([(1, 1), (5, 3)]);
        let labels = [
            "<b>1</b>".to_string(),
            "2".into(),
            "3".into(),
            "4".into(),
            "5".into(),
        ];
        let svg = chart(&[(1, &d)], "Tulos <script>", &labels, "c1");
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("<title id=\"c1-title\">Tulos &lt;script&gt;</title>"));
        assert!(svg.contains("1. 1: 1, 2: 0, 3: 0, 4: 0, 5: 3"));
        assert!(svg.contains("75 %"));
        assert!(!svg.contains("<b>"));
        assert!(!svg.contains("viewBox"), "the text is never scaled");
        assert!(svg.contains(r#"width="75.00%""#));
        assert!(svg.contains("&lt;b&gt;1&lt;&#x2F;b&gt;") || svg.contains("&lt;b&gt;1&lt;/b&gt;"));
    }
}
