//! The files of `sinergi scan`: cases (`id,village_code,lat,lng,day`) and zones (`village_code,lat,lng`).
//!
//! Like the import parsers, each reader goes through the whole file and returns the good rows together with every
//! problem, each with its line (the header is line 1) and column, so an officer can fix them all in one pass.

use std::collections::HashMap;
use std::io::Read;

use super::{Case, Day, Zone};
use crate::geo::LatLng;
use crate::i18n::{Lang, Msg};
use crate::import::Problem;
use crate::region::{Level, RegionCode};

/// What is wrong with a row or a file.
#[derive(Debug, Clone, PartialEq)]
pub enum InputProblem {
    /// A problem the imports know too (an empty field, a malformed code, coordinates outside Indonesia, …).
    Common(Problem),
    /// Not a calendar date `YYYY-MM-DD`.
    BadDay(String),
    /// A region code, but not of a village.
    NotVillage(String),
    /// A zone without coordinates.
    NoCoordinates(String),
    /// A village of the database without coordinates (when the zones come from the database).
    NoCoordinatesInDatabase(String),
    /// A case's village that is not a zone; `in_database` when the zones came from the database.
    UnknownVillage {
        code: String,
        in_database: bool,
    },
    DuplicateId {
        id: String,
        first: u64,
    },
}

/// One problem with its place: a line of a file (the header is line 1), or the file (or database) as a whole.
#[derive(Debug, Clone, PartialEq)]
pub struct InputIssue {
    pub line: Option<u64>,
    pub column: Option<&'static str>,
    pub problem: InputProblem,
}

impl InputIssue {
    fn at(line: u64, column: &'static str, problem: InputProblem) -> InputIssue {
        InputIssue { line: Some(line), column: Some(column), problem }
    }

    pub fn message(&self, lang: Lang) -> String {
        match &self.problem {
            InputProblem::Common(problem) => problem.message(lang),
            InputProblem::BadDay(value) => lang.format(Msg::ScanBadDay, &[("value", value)]),
            InputProblem::NotVillage(code) => lang.format(Msg::ScanNotVillage, &[("code", code)]),
            InputProblem::NoCoordinates(code) => lang.format(Msg::ScanZoneNoCoordinates, &[("code", code)]),
            InputProblem::NoCoordinatesInDatabase(code) => lang.format(Msg::ScanZoneNoCoordinatesDb, &[("code", code)]),
            InputProblem::UnknownVillage { code, in_database: false } => {
                lang.format(Msg::ScanUnknownVillageFile, &[("code", code)])
            }
            InputProblem::UnknownVillage { code, in_database: true } => {
                lang.format(Msg::ScanUnknownVillageDb, &[("code", code)])
            }
            InputProblem::DuplicateId { id, first } => {
                lang.format(Msg::ScanDuplicateId, &[("id", id), ("first", first)])
            }
        }
    }

    /// `FILE:LINE: column X: reason` (the form of the import commands, which editors can jump to), or
    /// `FILE: reason` for the file as a whole.
    pub fn render(&self, file: &str, lang: Lang) -> String {
        let place = match self.line {
            Some(line) => format!("{file}:{line}"),
            None => file.to_owned(),
        };
        let column = match (self.column, lang) {
            (Some(c), Lang::Id) => format!(" kolom {c}:"),
            (Some(c), Lang::En) => format!(" column {c}:"),
            (None, _) => String::new(),
        };
        format!("{place}:{column} {}", self.message(lang))
    }
}

/// A row of the cases file.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRow {
    pub line: u64,
    pub id: String,
    pub village: RegionCode,
    pub day: Day,
}

/// A row of the zones file: a zone, and the line it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneRow {
    pub line: u64,
    pub zone: Zone,
}

/// Reads the cases file. `lat` and `lng` may be missing or empty (each case counts at its village's centroid
/// anyway); when given, they must both be there and lie in Indonesia.
pub fn read_cases(input: impl Read) -> (Vec<CaseRow>, Vec<InputIssue>) {
    let mut rows = Vec::new();
    let mut first: HashMap<String, u64> = HashMap::new();
    let issues = each_row(input, &["id", "village_code", "day"], |line, row, issues| {
        let before = issues.len();
        let id = row.required(line, "id", issues);
        let village = row.village(line, issues);
        let day = row.required(line, "day", issues).and_then(|text| {
            let day = Day::parse(text);
            if day.is_none() {
                issues.push(InputIssue::at(line, "day", InputProblem::BadDay(text.to_owned())));
            }
            day
        });
        row.coordinates(line, issues);
        if let Some(id) = id {
            match first.get(id) {
                Some(&first) => {
                    issues.push(InputIssue::at(line, "id", InputProblem::DuplicateId { id: id.to_owned(), first }))
                }
                None => {
                    first.insert(id.to_owned(), line);
                }
            }
        }
        if let (Some(id), Some(village), Some(day), true) = (id, village, day, issues.len() == before) {
            rows.push(CaseRow { line, id: id.to_owned(), village, day });
        }
    });
    (rows, issues)
}

/// Reads the zones file. Every row needs its village's coordinates: a zone without them cannot be placed in a
/// circle.
pub fn read_zones(input: impl Read) -> (Vec<ZoneRow>, Vec<InputIssue>) {
    let mut rows = Vec::new();
    let mut first: HashMap<RegionCode, u64> = HashMap::new();
    let issues = each_row(input, &["village_code", "lat", "lng"], |line, row, issues| {
        let before = issues.len();
        let village = row.village(line, issues);
        let centroid = row.coordinates(line, issues);
        let Some(code) = village else { return };
        if let Some(&first) = first.get(&code) {
            let problem = Problem::DuplicateCode { code: code.to_string(), first };
            issues.push(InputIssue::at(line, "village_code", InputProblem::Common(problem)));
            return;
        }
        first.insert(code.clone(), line);
        match centroid {
            Some(Some(centroid)) if issues.len() == before => {
                rows.push(ZoneRow { line, zone: Zone { code, centroid } })
            }
            Some(None) => issues.push(InputIssue::at(line, "lat", InputProblem::NoCoordinates(code.to_string()))),
            _ => {}
        }
    });
    (rows, issues)
}

/// The cases with their zones (indices into `zones`), or a problem for each case whose village is not a zone.
pub fn match_cases(rows: &[CaseRow], zones: &[Zone], in_database: bool) -> Result<Vec<Case>, Vec<InputIssue>> {
    let index: HashMap<&RegionCode, usize> = zones.iter().enumerate().map(|(i, z)| (&z.code, i)).collect();
    let mut cases = Vec::with_capacity(rows.len());
    let mut issues = Vec::new();
    for row in rows {
        match index.get(&row.village) {
            Some(&zone) => cases.push(Case { zone, day: row.day }),
            None => issues.push(InputIssue::at(
                row.line,
                "village_code",
                InputProblem::UnknownVillage { code: row.village.to_string(), in_database },
            )),
        }
    }
    if issues.is_empty() { Ok(cases) } else { Err(issues) }
}

/// Opens the CSV, checks the header for `required` columns, and calls `f` with each non-blank row and its line.
/// Returns every problem found, in line order.
fn each_row(
    mut input: impl Read,
    required: &[&'static str],
    mut f: impl FnMut(u64, &Row<'_>, &mut Vec<InputIssue>),
) -> Vec<InputIssue> {
    let mut issues = Vec::new();
    let mut bytes = Vec::new();
    if let Err(e) = input.read_to_end(&mut bytes) {
        let problem = InputProblem::Common(Problem::MalformedCsv(e.to_string()));
        issues.push(InputIssue { line: None, column: None, problem });
        return issues;
    }
    // Lines are counted from the bytes: after a blank line the csv crate reports a record at the blank line (its
    // position and line number), which would put every problem after it one line too early.
    let breaks: Vec<usize> = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i).collect();
    let line_of = |byte: u64| {
        let mut start = byte as usize;
        while matches!(bytes.get(start), Some(b'\n' | b'\r')) {
            start += 1;
        }
        1 + breaks.partition_point(|&i| i < start) as u64
    };
    let mut reader = csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(bytes.as_slice());
    let columns: HashMap<String, usize> = match reader.headers() {
        Ok(headers) => {
            headers.iter().enumerate().map(|(i, h)| (h.trim_start_matches('\u{feff}').to_lowercase(), i)).collect()
        }
        Err(e) => {
            let problem = Problem::MalformedCsv(e.to_string());
            issues.push(InputIssue { line: Some(1), column: None, problem: InputProblem::Common(problem) });
            return issues;
        }
    };
    let missing: Vec<&str> = required.iter().copied().filter(|c| !columns.contains_key(*c)).collect();
    if !missing.is_empty() {
        for column in missing {
            let problem = InputProblem::Common(Problem::MissingColumn(column.to_owned()));
            issues.push(InputIssue { line: None, column: None, problem });
        }
        return issues;
    }
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                if record.iter().all(str::is_empty) {
                    continue; // a blank line is not a row
                }
                let line = record.position().map_or(0, |p| line_of(p.byte()));
                f(line, &Row { record: &record, columns: &columns }, &mut issues);
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| line_of(p.byte()));
                let detail = match e.kind() {
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        format!("{len} fields where the header has {expected_len}")
                    }
                    csv::ErrorKind::Utf8 { .. } => "text is not UTF-8".to_owned(),
                    _ => e.to_string(),
                };
                let recoverable =
                    matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. });
                let problem = InputProblem::Common(Problem::MalformedCsv(detail));
                issues.push(InputIssue { line: Some(line), column: None, problem });
                if !recoverable {
                    break; // an I/O error: the rest of the input cannot be trusted
                }
            }
        }
    }
    issues
}

/// One CSV record with typed accessors that record problems instead of failing.
struct Row<'a> {
    record: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
}

impl<'a> Row<'a> {
    fn text(&self, column: &str) -> &'a str {
        self.columns.get(column).and_then(|&i| self.record.get(i)).unwrap_or("")
    }

    fn required(&self, line: u64, column: &'static str, issues: &mut Vec<InputIssue>) -> Option<&'a str> {
        let value = self.text(column);
        let problem = if value.is_empty() {
            Problem::Empty
        } else if value.chars().any(char::is_control) {
            Problem::ControlCharacter
        } else if value.chars().count() > 200 {
            Problem::TooLong(200)
        } else {
            return Some(value);
        };
        issues.push(InputIssue::at(line, column, InputProblem::Common(problem)));
        None
    }

    fn village(&self, line: u64, issues: &mut Vec<InputIssue>) -> Option<RegionCode> {
        let text = self.required(line, "village_code", issues)?;
        match RegionCode::parse(text) {
            Ok(code) if code.level() == Level::Village => Some(code),
            Ok(code) => {
                issues.push(InputIssue::at(line, "village_code", InputProblem::NotVillage(code.to_string())));
                None
            }
            Err(e) => {
                issues.push(InputIssue::at(line, "village_code", InputProblem::Common(Problem::BadCode(e))));
                None
            }
        }
    }

    /// `Some(None)` when both are empty (or their columns absent), `Some(Some(_))` for a good pair, `None` after
    /// recording a problem.
    fn coordinates(&self, line: u64, issues: &mut Vec<InputIssue>) -> Option<Option<LatLng>> {
        let number = |column: &'static str, issues: &mut Vec<InputIssue>| -> Option<Option<f64>> {
            let text = self.text(column);
            if text.is_empty() {
                return Some(None);
            }
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() => Some(Some(v)),
                _ => {
                    issues.push(InputIssue::at(
                        line,
                        column,
                        InputProblem::Common(Problem::NotNumber(text.to_owned())),
                    ));
                    None
                }
            }
        };
        let (lat, lng) = (number("lat", issues), number("lng", issues));
        let problem = match (lat?, lng?) {
            (None, None) => return Some(None),
            (Some(lat), Some(lng)) if LatLng::new(lat, lng).in_indonesia() => return Some(Some(LatLng::new(lat, lng))),
            (Some(lat), Some(lng)) => ("lat", Problem::OutsideIndonesia { lat, lng }),
            (None, _) => ("lat", Problem::HalfCoordinates),
            (_, None) => ("lng", Problem::HalfCoordinates),
        };
        issues.push(InputIssue::at(line, problem.0, InputProblem::Common(problem.1)));
        None
    }
}
