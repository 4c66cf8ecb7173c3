//! Reading CSV files as people's spreadsheets save them (bulk invitations, organisation
//! imports): `;` or `,` between cells (Finnish Excel writes `;`), a byte-order mark allowed,
//! rows of any length (each import checks its own columns and header).

/// A spreadsheet cell that cannot run as a formula: cells starting with = + - @ (or a tab or
/// carriage return) get a leading apostrophe. Every CSV export writes its text cells so.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// A reader over `text`, with the separator the first line uses more of.
pub fn reader(text: &str) -> csv::Reader<&[u8]> {
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() >= first.matches(',').count() {
        b';'
    } else {
        b','
    };
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
}

#[cfg(test)]
mod tests {
    #[test]
    fn separator_and_bom() {
        let rows: Vec<Vec<String>> = super::reader("\u{feff}a;b,c\nd;e")
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(rows, vec![vec!["a", "b,c"], vec!["d", "e"]]);
        let rows: Vec<usize> = super::reader("a,b,c\n")
            .records()
            .map(|r| r.unwrap().len())
            .collect();
        assert_eq!(rows, vec![3]);
    }
}
