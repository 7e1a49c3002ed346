//! The one CSV writer of every export (reports, TPS, vulnerability classes, the audit log, and every later one).
//!
//! *Formula injection.* A spreadsheet opens a cell that begins with `=`, `+`, `-` or `@` as a formula, and a tab or
//! carriage return at the start can smuggle one past a first look; a report's description or an SMS sender's text
//! can begin so (`=HYPERLINK(…)`, `=cmd|…`). As OWASP recommends, such a cell is written with a `'` in front, which
//! spreadsheets show as text and do not evaluate; a cell that is a plain number (`-6.59`, `+62`) stays a number. The
//! import of TPS reads such a cell back without its `'` (see [`unescape`]), so an exported file still imports.
//!
//! Records end in CRLF and fields are quoted when they hold a comma, a quote or a line break (RFC 4180).

/// A CSV file being written in memory.
pub struct CsvOut {
    writer: csv::Writer<Vec<u8>>,
}

impl Default for CsvOut {
    fn default() -> Self {
        CsvOut::new()
    }
}

impl CsvOut {
    pub fn new() -> CsvOut {
        CsvOut { writer: csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new()) }
    }

    /// Writes one record, each cell made safe for spreadsheets.
    pub fn row<I, S>(&mut self, cells: I) -> Result<(), csv::Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let safe: Vec<String> = cells.into_iter().map(|c| safe_cell(c.as_ref())).collect();
        self.writer.write_record(&safe)
    }

    /// The bytes written.
    pub fn finish(self) -> Result<Vec<u8>, csv::Error> {
        self.writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))
    }
}

/// The characters that make a spreadsheet read a cell as a formula when it begins with one.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// True when the cell, past any `'` already in front, begins with a formula trigger.
fn starts_a_formula(cell: &str) -> bool {
    cell.trim_start_matches('\'').chars().next().is_some_and(|c| TRIGGERS.contains(&c))
}

/// The cell as written: with a `'` in front when it begins with a formula trigger (past any `'` it has already) and
/// is not a plain number.
pub fn safe_cell(cell: &str) -> String {
    if starts_a_formula(cell) && !is_plain_number(cell) { format!("'{cell}") } else { cell.to_owned() }
}

/// The cell as it was before [`safe_cell`]: one `'` in front of a formula trigger goes.
pub fn unescape(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_a_formula(rest) => rest,
        _ => cell,
    }
}

/// A decimal number as spreadsheets read one: an optional sign, digits with at most one decimal point, and an
/// optional exponent (`-6.59`, `+62`, `1e-3`). Nothing else: not `-inf`, not `1-2`, not `-`.
fn is_plain_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let mut digits = 0;
    let mut point = false;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' if !point => point = true,
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return false;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        for formula in [
            "=HYPERLINK(\"http://x\",\"klik\")",
            "=cmd|' /C calc'!A0",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "-",
            "+",
        ] {
            assert_eq!(safe_cell(formula), format!("'{formula}"), "{formula:?}");
            assert_eq!(unescape(&safe_cell(formula)), formula);
        }
        assert_eq!(safe_cell("'=1"), "''=1");
        assert_eq!(unescape("''=1"), "'=1");
        for kept in ["-6.59", "+62", "110.67", "-1e-3", "0", "Desa Satu", "'quoted", "", "2024-11-27 10:00"] {
            assert_eq!(safe_cell(kept), kept, "{kept:?}");
            assert_eq!(unescape(kept), kept);
        }
    }

    #[test]
    fn the_file_is_rfc_4180_with_safe_cells() {
        let mut out = CsvOut::new();
        out.row(["a", "b"]).unwrap();
        out.row(["=1+1", "-6.59"]).unwrap();
        out.row([String::from("x, \"y\"\nz"), String::from("@me")]).unwrap();
        let text = String::from_utf8(out.finish().unwrap()).unwrap();
        assert_eq!(text, "a,b\r\n'=1+1,-6.59\r\n\"x, \"\"y\"\"\nz\",'@me\r\n");
    }

    proptest! {
        /// No written cell begins with a trigger unless it is a plain number, and unescaping gives the cell back.
        #[test]
        fn no_cell_starts_a_formula(cell in "'{0,2}[=+@\\t\\r-]?.{0,12}") {
            let safe = safe_cell(&cell);
            let first = safe.chars().next();
            prop_assert!(!first.is_some_and(|c| TRIGGERS.contains(&c)) || is_plain_number(&safe));
            prop_assert_eq!(unescape(&safe), cell.as_str());
        }

        /// Every number Rust prints for a coordinate stays as it is.
        #[test]
        fn coordinates_stay_numbers(x in -180.0f64..180.0) {
            let text = x.to_string();
            prop_assert_eq!(safe_cell(&text), text);
        }
    }
}
