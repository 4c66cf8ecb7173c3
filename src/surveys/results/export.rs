//! The results as a CSV file for Finnish Excel.

use super::{Dist, Results};
use crate::network::registry::neutralise;

/// The mean to two decimals with a decimal comma, for Finnish spreadsheets.
fn exact(mean: Option<f64>) -> String {
    mean.map(crate::i18n::format::csv_decimal)
        .unwrap_or_default()
}

/// The results as CSV for Finnish Excel (UTF-8 with a byte-order mark, `;` between cells,
/// decimal comma, the mean to two decimals): the whole, then each shown region and county, then the open
/// answers. Hidden groups say so and carry no figures; formulas are neutralised.
pub fn csv(results: &Results) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .flexible(true)
            .from_writer(&mut out);
        w.write_record([
            "ryhmä",
            "nimi",
            "nro",
            "kysymys",
            "vastauksia",
            "en osaa sanoa",
            "1",
            "2",
            "3",
            "4",
            "5",
            "keskiarvo",
            "vastaus",
        ])?;
        if !results.shown {
            w.write_record(["kaikki", "", "", "", "alle 5 vastausta"])?;
        }
        write_figures(&mut w, results)?;
        write_open_answers(&mut w, results)?;
        w.flush()?;
    }
    Ok(out)
}

/// A statement's figures as cells: answers, "cannot say", the counts of 1..5 and the mean.
fn figures(d: &Dist) -> Vec<String> {
    let mut v = vec![d.answers.to_string(), d.cannot_say.to_string()];
    v.extend(d.counts.iter().map(|n| n.to_string()));
    v.push(exact(d.mean));
    v
}

/// Each shown Likert statement's figures: the whole, then by region and by county.
fn write_figures(w: &mut csv::Writer<&mut Vec<u8>>, results: &Results) -> anyhow::Result<()> {
    for q in results
        .questions
        .iter()
        .filter(|q| q.likert && results.shown)
    {
        let head = |group: &str, name: &str| {
            vec![
                group.to_string(),
                neutralise(name),
                q.number.to_string(),
                neutralise(&q.text),
            ]
        };
        let mut row = head("kaikki", "");
        row.extend(figures(&q.dist));
        w.write_record(&row)?;
        for (group, rows) in [("alue", &q.by_region), ("hyvinvointialue", &q.by_county)] {
            for g in rows {
                let mut row = head(group, &g.name);
                match &g.dist {
                    Some(d) if !g.hidden => row.extend(figures(d)),
                    _ => row.push("alle 5 vastausta".into()),
                }
                w.write_record(&row)?;
            }
        }
    }
    Ok(())
}

/// Every open answer, in the last column.
fn write_open_answers(w: &mut csv::Writer<&mut Vec<u8>>, results: &Results) -> anyhow::Result<()> {
    for q in &results.questions {
        for a in &q.open_answers {
            let mut row = vec![
                "avoin vastaus".to_string(),
                neutralise(a.name.as_deref().unwrap_or("")),
                q.number.to_string(),
                neutralise(&q.text),
            ];
            row.extend(std::iter::repeat_n(String::new(), 8));
            row.push(neutralise(&a.text));
            w.write_record(&row)?;
        }
    }
    Ok(())
}
