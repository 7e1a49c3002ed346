//! Spreadsheets as the CSV our parsers read: officers keep rosters in Excel or LibreOffice, and a workbook saved as
//! XLSX is accepted as it is.
//!
//! [`as_csv`] passes CSV through untouched and turns the first sheet of an XLSX workbook into CSV, one line per
//! sheet row, so that a fault the parser finds on "line 7" is on row 7 of the sheet. Rows above the header (a
//! letterhead, a title: *DAFTAR PERSONEL POLRES …*) become blank lines, the header being the first row that names
//! a column the caller knows. Cells are written as people see them: whole numbers without a decimal point (an NRP
//! typed as a number stays `85051234`), dates as `YYYY-MM-DD`, a line break inside a cell as a space. A number of
//! 16 digits or more in a number cell is refused, named by its row and column: the spreadsheet kept only its first
//! 15 digits (an 18-digit NIP typed into a number cell is already wrong in the file).
//!
//! The older XLS, XLSB and LibreOffice's ODS are refused with a message asking for XLSX or CSV: their readers build
//! the whole grid of a sheet before a single cell can be checked, and a file of a few bytes can ask for gigabytes.
//! An XLSX is read cell by cell instead: one that would unpack to more than [`MAX_UNPACKED`] bytes of XML (sizes
//! from the zip's directory, before anything is unpacked), or whose first sheet has a cell beyond [`MAX_ROWS`] rows
//! or [`MAX_COLUMNS`] columns, or more than [`MAX_CELLS`] cells, is refused as soon as that is seen.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};

use crate::import::{Place, Problem, RowIssue};

/// The most the XML of a workbook may unpack to (pictures and other media do not count).
pub const MAX_UNPACKED: u64 = 32 * 1024 * 1024;
/// The most rows of a sheet read (a roster of a whole Polda is a few tens of thousands).
pub const MAX_ROWS: usize = 100_000;
/// The most columns of a sheet read.
pub const MAX_COLUMNS: usize = 100;
/// The most cells of a sheet that hold something.
pub const MAX_CELLS: usize = 1_000_000;

/// What kind of file the first bytes say this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text: CSV (anything that is not a workbook).
    Csv,
    /// A zip container: XLSX (or XLSB, ODS).
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

/// The file as CSV: CSV as given, an XLSX workbook's first sheet converted. `header_words` are the column names
/// the caller reads (in lower case): the first row holding one of them is the header. Every fault is an issue: of
/// the whole file, or of a cell by its row and column.
pub fn as_csv<'a>(bytes: &'a [u8], header_words: &[&str]) -> Result<Cow<'a, [u8]>, Vec<RowIssue>> {
    let file = |problem| vec![RowIssue::new(Place::File, None, problem)];
    match kind(bytes) {
        Kind::Csv => return Ok(Cow::Borrowed(bytes)),
        Kind::Ole => return Err(file(Problem::UnsupportedSpreadsheet)),
        Kind::Zip => {}
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| file(Problem::UnreadableSpreadsheet))?;
    // Sizes from the central directory: a small file that would unpack to gigabytes is refused unread (the zip
    // reader holds each part to its declared size).
    let mut unpacked: u64 = 0;
    let mut other_format = false;
    for i in 0..archive.len() {
        let part = archive.by_index_raw(i).map_err(|_| file(Problem::UnreadableSpreadsheet))?;
        let name = part.name().map_err(|_| file(Problem::UnreadableSpreadsheet))?.to_ascii_lowercase();
        other_format |= name == "content.xml" || (name.starts_with("xl/worksheets/") && name.ends_with(".bin"));
        if name.ends_with(".xml") || name.ends_with(".rels") {
            unpacked = unpacked.saturating_add(part.size());
        }
    }
    if other_format {
        return Err(file(Problem::UnsupportedSpreadsheet));
    }
    if unpacked > MAX_UNPACKED {
        return Err(file(Problem::SpreadsheetTooLarge { unpacked, max: MAX_UNPACKED }));
    }
    // The reader is a third party's, fed what anyone uploads: a panic on a crafted file is a file that cannot be
    // read, not a dropped request.
    let read = std::panic::catch_unwind(|| first_sheet(bytes)).unwrap_or(Err(Problem::UnreadableSpreadsheet));
    let cells = read.map_err(file)?;
    let Some(first_row) = cells.keys().next().map(|(r, _)| *r) else { return Err(file(Problem::Empty)) };
    let (min_col, max_col) = cells.keys().fold((u32::MAX, 0), |(lo, hi), (_, c)| (lo.min(*c), hi.max(*c)));
    let header = cells
        .iter()
        .find(|(_, v)| matches!(v, Value::Text(t) if header_words.contains(&t.trim().to_lowercase().as_str())))
        .map_or(first_row, |((r, _), _)| *r);
    let header_text = |c: u32| match cells.get(&(header, c)) {
        Some(Value::Text(t)) if !t.trim().is_empty() => t.trim().to_owned(),
        _ => column_name(c as usize),
    };
    let mut issues = Vec::new();
    for ((r, c), value) in cells.range((header, 0)..) {
        if let Value::Number(n) = value
            && n.abs() >= 1e15
        {
            let problem = Problem::NumberTooLong(number_text(*n));
            issues.push(RowIssue::new(Place::Line(u64::from(*r) + 1), Some(&header_text(*c)), problem));
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let last_row = cells.keys().next_back().map_or(header, |(r, _)| *r);
    // Rows above the header become blank lines, so that line numbers are row numbers.
    let mut lines = vec![b'\n'; header as usize];
    for r in header..=last_row {
        for c in min_col..=max_col {
            if c > min_col {
                lines.push(b',');
            }
            if let Some(value) = cells.get(&(r, c)) {
                field(&mut lines, &value.text());
            }
        }
        lines.push(b'\n');
    }
    Ok(Cow::Owned(lines))
}

/// A cell's value as read: numbers kept as numbers until their length is checked.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    Number(f64),
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Text(t) => t.clone(),
            Value::Number(n) => number_text(*n),
        }
    }
}

/// The first sheet's cells that hold something, by (row, column) from 0, read one by one within the limits.
fn first_sheet(bytes: &[u8]) -> Result<BTreeMap<(u32, u32), Value>, Problem> {
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| Problem::UnreadableSpreadsheet)?;
    let Some(name) = workbook.sheet_names().into_iter().next() else { return Err(Problem::Empty) };
    let mut reader = workbook.worksheet_cells_reader(&name).map_err(|_| Problem::UnreadableSpreadsheet)?;
    let mut cells = BTreeMap::new();
    while let Some(cell) = reader.next_cell().map_err(|_| Problem::UnreadableSpreadsheet)? {
        let (row, column) = cell.get_position();
        if row as usize >= MAX_ROWS || column as usize >= MAX_COLUMNS || cells.len() >= MAX_CELLS {
            return Err(Problem::SheetTooLarge { rows: row as usize + 1, columns: column as usize + 1 });
        }
        let value = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::Int(i) => Value::Number(*i as f64),
            DataRef::Float(f) => Value::Number(*f),
            DataRef::DateTime(dt) if dt.is_datetime() => {
                let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
                Value::Text(if (h, mi, s) == (0, 0, 0) {
                    format!("{y:04}-{mo:02}-{d:02}")
                } else {
                    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}")
                })
            }
            DataRef::DateTime(dt) => Value::Number(dt.as_f64()),
            DataRef::String(s) => Value::Text(s.replace(['\r', '\n'], " ")),
            DataRef::SharedString(s) => Value::Text(s.replace(['\r', '\n'], " ")),
            DataRef::Bool(b) => Value::Text(if *b { "TRUE" } else { "FALSE" }.to_owned()),
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Value::Text(s.clone()),
            DataRef::Error(e) => Value::Text(e.to_string()),
        };
        if value != Value::Text(String::new()) {
            cells.insert((row, column), value);
        }
    }
    Ok(cells)
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

/// The smallest XLSX workbook spreadsheet programs open: one sheet named `sheet`, the first row bold as a header,
/// the columns `text_columns` (from 0) formatted as text so that what is typed there stays as typed (an NRP, a
/// phone number with its leading 0). Used for the roster template officers download and fill in.
pub fn xlsx(sheet: &str, rows: &[Vec<Cell>], text_columns: &[usize]) -> Vec<u8> {
    use std::fmt::Write as _;
    use std::io::Write as _;
    let escape = |t: &str| t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let mut columns = String::new();
    if !text_columns.is_empty() {
        columns.push_str("<cols>");
        for c in text_columns {
            let _ = write!(columns, r#"<col min="{0}" max="{0}" width="18" style="3" customWidth="1"/>"#, c + 1);
        }
        columns.push_str("</cols>");
    }
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
                r#"<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#,
                r#"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#,
                r#"<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#,
                r#"<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>"#,
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
                    r#"{}<sheetData>{}</sheetData></worksheet>"#
                ),
                columns, data
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
        assert!(matches!(as_csv(text, &[]), Ok(Cow::Borrowed(b)) if b == text));
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
        let book = xlsx("Personel", &rows, &[0]);
        let csv = String::from_utf8(as_csv(&book, &["nrp"]).unwrap().into_owned()).unwrap();
        assert_eq!(
            csv,
            "nrp,nama,telepon,ketersediaan\n85051234,\"Budi, S.H.\",81234567890,2026-11-27\n,,,\n\"A\"\"2\",Siti Rahma,,2026-11-27;2026-11-28\n"
        );
    }

    #[test]
    fn a_roster_saved_by_libreoffice_reads_as_the_officer_typed_it() {
        let book = include_bytes!("../testdata/roster-libreoffice.xlsx");
        let names = crate::deployment::personnel::roster_column_names();
        let csv = String::from_utf8(as_csv(book, &names).unwrap().into_owned()).unwrap();
        assert_eq!(
            csv,
            "\n\nnrp,nama,pangkat,satuan,kekuatan,telepon,ketersediaan\n\
             87050001,\"Budi Santoso, S.H.\",Bripka,polsek-15.07.01,polri,81234567890,2026-11-27\n\
             87050002,Siti Aminah,Brigpol,polsek-15.07.01,polri,,\n"
        );
        let kind = |_: &str| Some(crate::registry::agency::UnitKind::Polsek);
        let parsed = crate::deployment::personnel::parse_roster(csv.as_bytes(), kind);
        assert!(parsed.is_clean(), "{:?}", parsed.issues);
        let (place, budi) = &parsed.records[0];
        assert_eq!(*place, Place::Line(4), "row 4 of the sheet");
        assert_eq!(budi.phone.as_deref(), Some("+6281234567890"));
        assert_eq!(budi.availability.to_text(), "2026-11-27");
    }

    #[test]
    fn a_title_above_the_header_keeps_row_numbers_and_columns_start_where_the_table_does() {
        let rows = vec![
            vec![text(""), text("DAFTAR PERSONEL POLSEK BANGSRI")],
            vec![],
            vec![text(""), text("NRP"), text("Nama")],
            vec![text(""), Cell::Number(85051234.0), text("Budi")],
        ];
        let book = xlsx("Personel", &rows, &[]);
        let csv = String::from_utf8(as_csv(&book, &["nrp", "nama"]).unwrap().into_owned()).unwrap();
        assert_eq!(csv, "\n\nNRP,Nama\n85051234,Budi\n", "the header on line 3, as on the sheet");
    }

    #[test]
    fn a_number_longer_than_a_number_cell_keeps_is_named_by_row_and_column() {
        let rows = vec![
            vec![text("nip"), text("nama")],
            vec![Cell::Number(198_001_012_005_011_001.0), text("Siti")],
            vec![text("198001012005011002"), text("Ayu")],
        ];
        let issues = as_csv(&xlsx("Personel", &rows, &[]), &["nip"]).unwrap_err();
        assert_eq!(issues.len(), 1, "the same NIP as text is fine: {issues:?}");
        assert_eq!((issues[0].place, issues[0].column.as_deref()), (Place::Line(2), Some("nip")));
        assert!(issues[0].problem.message(crate::i18n::Lang::Id).contains("15 digit"));
    }

    #[test]
    fn a_sheet_beyond_the_limits_is_refused_as_soon_as_it_is_seen() {
        // A cell far out: a reader that built the whole grid first would ask for gigabytes here.
        let book = xlsx_with_cell_at("XFD1048576");
        let issue = as_csv(&book, &[]).unwrap_err();
        assert!(matches!(issue[0].problem, Problem::SheetTooLarge { rows: 1_048_576, columns: 16_384 }), "{issue:?}");
    }

    /// A workbook with "nrp" in A1 and one more cell at `reference`, written as Excel would.
    fn xlsx_with_cell_at(reference: &str) -> Vec<u8> {
        let book = xlsx("Personel", &[vec![text("nrp")]], &[]);
        // The writer's one sheet, its XML edited: the far cell added after A1.
        let mut archive = zip::ZipArchive::new(Cursor::new(book)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for i in 0..archive.len() {
            let mut part = archive.by_index(i).unwrap();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut part, &mut text).unwrap();
            let name = part.name().unwrap().into_owned();
            if name == "xl/worksheets/sheet1.xml" {
                let row = format!(
                    r#"<row r="{0}"><c r="{1}" t="inlineStr"><is><t>x</t></is></c></row>"#,
                    reference.trim_start_matches(char::is_alphabetic),
                    reference
                );
                text = text.replace("</sheetData>", &format!("{row}</sheetData>"));
            }
            out.start_file(name, options).unwrap();
            std::io::Write::write_all(&mut out, text.as_bytes()).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn old_and_other_workbooks_are_asked_for_as_xlsx() {
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0];
        assert_eq!(as_csv(&ole, &[]).unwrap_err()[0].problem, Problem::UnsupportedSpreadsheet);
        let mut ods = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        ods.start_file("mimetype", options).unwrap();
        std::io::Write::write_all(&mut ods, b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
        ods.start_file("content.xml", options).unwrap();
        let ods = ods.finish().unwrap().into_inner();
        assert_eq!(as_csv(&ods, &[]).unwrap_err()[0].problem, Problem::UnsupportedSpreadsheet);
    }

    #[test]
    fn a_workbook_that_would_unpack_too_large_is_refused_unread() {
        let rows = vec![vec![text(&"x".repeat(1024 * 1024))]; 33];
        let issue = as_csv(&xlsx("big", &rows, &[]), &[]).err().map(|i| i[0].problem.clone());
        assert!(matches!(issue, Some(Problem::SpreadsheetTooLarge { max: MAX_UNPACKED, .. })), "{issue:?}");
    }

    #[test]
    fn an_empty_sheet_is_empty() {
        let issue = as_csv(&xlsx("kosong", &[], &[]), &[]).err().map(|i| i[0].problem.clone());
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
        let issue = as_csv(&bytes, &[]).unwrap_err();
        assert_eq!((issue[0].place, &issue[0].problem), (Place::File, &Problem::UnreadableSpreadsheet));
    }
}
