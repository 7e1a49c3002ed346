//! Spreadsheets as the CSV our parsers read: officers keep rosters in Excel or LibreOffice, and a file saved from
//! either is accepted as it is.
//!
//! [`as_csv`] passes CSV through untouched and turns the first sheet of an XLSX, XLS, XLSB or ODS workbook into
//! CSV, one line per sheet row, so that a fault the parser finds on "line 7" is on row 7 of the sheet. Cells are
//! written as people see them: whole numbers without a decimal point (an NRP typed as a number stays
//! `85051234`), dates as `YYYY-MM-DD`, a line break inside a cell as a space.
//!
//! A workbook is a zip of XML: one that would unpack to more than [`MAX_UNPACKED`] bytes, or whose first sheet
//! has more than [`MAX_ROWS`] rows or [`MAX_COLUMNS`] columns, is refused before its cells are read.

use std::borrow::Cow;
use std::io::Cursor;

use calamine::{Data, Reader};

use crate::import::{Place, Problem, RowIssue};

/// The most a workbook may unpack to (its XML, all parts together).
pub const MAX_UNPACKED: u64 = 32 * 1024 * 1024;
/// The most rows of a sheet read (a roster of a whole Polda is a few tens of thousands).
pub const MAX_ROWS: usize = 100_000;
/// The most columns of a sheet read.
pub const MAX_COLUMNS: usize = 100;

/// What kind of file the first bytes say this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text: CSV (anything that is not a workbook).
    Csv,
    /// A zip container: XLSX, XLSB or ODS.
    Zip,
    /// An OLE compound file: the old XLS.
    Ole,
}

pub fn kind(bytes: &[u8]) -> Kind {
    if bytes.starts_with(b"PK\x03\x04") {
        Kind::Zip
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Kind::Ole
    } else {
        Kind::Csv
    }
}

/// The file as CSV: CSV as given, a workbook's first sheet converted. A workbook that cannot be read is one
/// issue for the whole file.
pub fn as_csv(bytes: &[u8]) -> Result<Cow<'_, [u8]>, RowIssue> {
    let unreadable = || RowIssue::new(Place::File, None, Problem::UnreadableSpreadsheet);
    match kind(bytes) {
        Kind::Csv => return Ok(Cow::Borrowed(bytes)),
        Kind::Zip => {
            let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| unreadable())?;
            // Sizes from the central directory: a small file that would unpack to gigabytes is refused unread.
            let mut unpacked: u64 = 0;
            for i in 0..archive.len() {
                let size = archive.by_index_raw(i).map_err(|_| unreadable())?.size();
                unpacked = unpacked.saturating_add(size);
            }
            if unpacked > MAX_UNPACKED {
                return Err(RowIssue::new(
                    Place::File,
                    None,
                    Problem::SpreadsheetTooLarge { unpacked, max: MAX_UNPACKED },
                ));
            }
        }
        Kind::Ole => {}
    }
    // The reader is a third party's, fed what anyone uploads: a panic on a crafted file is a file that cannot be
    // read, not a dropped request.
    let first_sheet = std::panic::catch_unwind(|| {
        let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).ok()?;
        Some(workbook.worksheet_range_at(0).map(|r| r.ok()))
    });
    let range = match first_sheet {
        Ok(Some(Some(Some(range)))) => range,
        Ok(Some(None)) => return Err(RowIssue::new(Place::File, None, Problem::Empty)),
        _ => return Err(unreadable()),
    };
    let Some((first_row, _)) = range.start() else { return Err(RowIssue::new(Place::File, None, Problem::Empty)) };
    if range.height() > MAX_ROWS || range.width() > MAX_COLUMNS {
        let (rows, columns) = (range.height(), range.width());
        return Err(RowIssue::new(Place::File, None, Problem::SheetTooLarge { rows, columns }));
    }
    // Rows above the first used one become blank lines, so that line numbers are row numbers.
    let mut lines = vec![b'\n'; first_row as usize];
    for row in range.rows() {
        let mut first = true;
        for cell in row {
            if !first {
                lines.push(b',');
            }
            first = false;
            field(&mut lines, &cell_text(cell));
        }
        lines.push(b'\n');
    }
    Ok(Cow::Owned(lines))
}

/// A cell as its text: whole numbers without `.0`, dates as `YYYY-MM-DD` (with the time when there is one), line
/// breaks as spaces, error cells as Excel shows them (`#N/A`), so the parser names them.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.replace(['\r', '\n'], " "),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}")
            }
        }
        Data::DateTime(dt) => number_text(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// One CSV field: quoted when it holds a comma or a quote (line breaks are gone by now).
fn field(out: &mut Vec<u8>, text: &str) {
    if text.contains([',', '"']) {
        out.push(b'"');
        out.extend(text.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend(text.as_bytes());
    }
}

fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { format!("{f}") }
}

/// A cell for [`xlsx`].
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// A date cell (a serial day number shown as a date), as a spreadsheet program keeps a typed date.
    Date(crate::coordination::calendar::Date),
}

/// The smallest XLSX workbook spreadsheet programs open: one sheet named `sheet`, the first row bold as a header.
/// Used for the roster template officers download and fill in.
pub fn xlsx(sheet: &str, rows: &[Vec<Cell>]) -> Vec<u8> {
    use std::fmt::Write as _;
    use std::io::Write as _;
    let escape = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let mut data = String::new();
    for (r, row) in rows.iter().enumerate() {
        let _ = write!(data, r#"<row r="{}">"#, r + 1);
        for (c, cell) in row.iter().enumerate() {
            let name = column_name(c);
            let style = if r == 0 { r#" s="1""# } else { "" };
            let _ = match cell {
                Cell::Text(t) => write!(
                    data,
                    r#"<c r="{name}{}" t="inlineStr"{style}><is><t xml:space="preserve">{}</t></is></c>"#,
                    r + 1,
                    escape(t)
                ),
                Cell::Number(n) => write!(data, r#"<c r="{name}{}"{style}><v>{n}</v></c>"#, r + 1),
                Cell::Date(d) => {
                    write!(data, r#"<c r="{name}{}" s="2"><v>{}</v></c>"#, r + 1, d.days_since_epoch() + 25_569)
                }
            };
        }
        data.push_str("</row>");
    }
    let parts: [(&str, String); 6] = [
        (
            "[Content_Types].xml",
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
                r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
                r#"<Default Extension="xml" ContentType="application/xml"/>"#,
                r#"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
                r#"<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#,
                r#"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#,
                r#"</Types>"#
            )
            .to_owned(),
        ),
        (
            "_rels/.rels",
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
                r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#,
                r#"</Relationships>"#
            )
            .to_owned(),
        ),
        (
            "xl/workbook.xml",
            format!(
                concat!(
                    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                    r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
                    r#"<sheets><sheet name="{}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
                ),
                escape(sheet)
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
                r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#,
                r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
                r#"</Relationships>"#
            )
            .to_owned(),
        ),
        (
            "xl/styles.xml",
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
                r#"<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/></numFmts>"#,
                r#"<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>"#,
                r#"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#,
                r#"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#,
                r#"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#,
                r#"<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#,
                r#"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#,
                r#"<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>"#,
                r#"</styleSheet>"#
            )
            .to_owned(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                concat!(
                    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                    r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
                    r#"<sheetData>{}</sheetData></worksheet>"#
                ),
                data
            ),
        ),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in parts {
        // Writing to memory fails only when memory does; a half-written workbook is never returned as whole.
        if zip.start_file(name, options).is_err() || zip.write_all(text.as_bytes()).is_err() {
            return Vec::new();
        }
    }
    zip.finish().map(Cursor::into_inner).unwrap_or_default()
}

/// `A`, `B`, …, `Z`, `AA`, … for a 0-based column.
fn column_name(mut c: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_passes_through_untouched() {
        let text = b"id,name\n1,Budi\n";
        assert!(matches!(as_csv(text), Ok(Cow::Borrowed(b)) if b == text));
    }

    #[test]
    fn numbers_are_written_as_people_typed_them() {
        assert_eq!(number_text(85051234.0), "85051234");
        assert_eq!(number_text(2.5), "2.5");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(f64::NAN), "NaN");
    }

    fn text(t: &str) -> Cell {
        Cell::Text(t.to_owned())
    }

    #[test]
    fn the_first_sheet_becomes_csv_with_rows_at_their_lines() {
        let day = crate::coordination::calendar::Date::parse("2026-11-27").unwrap();
        let rows = vec![
            vec![text("nrp"), text("nama"), text("telepon"), text("ketersediaan")],
            vec![Cell::Number(85051234.0), text("Budi, S.H."), Cell::Number(81234567890.0), Cell::Date(day)],
            vec![],
            vec![text("A\"2"), text("Siti\nRahma"), text(""), text("2026-11-27;2026-11-28")],
        ];
        let book = xlsx("Personel", &rows);
        let csv = String::from_utf8(as_csv(&book).unwrap().into_owned()).unwrap();
        assert_eq!(
            csv,
            "nrp,nama,telepon,ketersediaan\n85051234,\"Budi, S.H.\",81234567890,2026-11-27\n,,,\n\"A\"\"2\",Siti Rahma,,2026-11-27;2026-11-28\n"
        );
    }

    #[test]
    fn a_workbook_that_would_unpack_too_large_is_refused_unread() {
        let rows = vec![vec![text(&"x".repeat(1024 * 1024))]; 33];
        let issue = as_csv(&xlsx("big", &rows)).err().map(|i| i.problem);
        assert!(matches!(issue, Some(Problem::SpreadsheetTooLarge { max: MAX_UNPACKED, .. })), "{issue:?}");
    }

    #[test]
    fn an_empty_sheet_is_empty() {
        let issue = as_csv(&xlsx("kosong", &[])).err().map(|i| i.problem);
        assert_eq!(issue, Some(Problem::Empty));
    }

    #[test]
    fn columns_are_named_as_spreadsheets_name_them() {
        let names: Vec<String> = [0, 25, 26, 27, 51, 52, 701, 702].into_iter().map(column_name).collect();
        assert_eq!(names, ["A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    }

    #[test]
    fn a_damaged_workbook_is_one_issue_for_the_file() {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend([0u8; 64]);
        let issue = as_csv(&bytes).err();
        assert_eq!(issue.map(|i| (i.place, i.problem)), Some((Place::File, Problem::UnreadableSpreadsheet)));
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0];
        assert!(matches!(as_csv(&ole), Err(RowIssue { problem: Problem::UnreadableSpreadsheet, .. })));
    }
}
