//! Reading and validating the files officers bring: the region list (CSV), region boundaries (GeoJSON) and TPS
//! lists (CSV).
//!
//! Every parser reads the whole input and returns the good records together with every problem it found, each
//! with its place (line or feature) and column. The caller decides what to do with a file that has problems: by
//! default nothing is written. Checks that need the database (does the parent region exist?) take the answer as a
//! closure, so they stay pure.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Read;

use crate::agency::{Unit, UnitError, UnitKind};
use crate::geo::{Boundary, LatLng};
use crate::i18n::{Lang, Msg};
use crate::region::{Level, Region, RegionCode};
use crate::tps::{MAX_VOTERS, Tps, TpsDraft};

/// Where in a file a problem lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    /// The whole file (for example, a missing header column).
    File,
    /// A line of a CSV file, counting the header as line 1.
    Line(u64),
    /// A feature of a GeoJSON FeatureCollection, counting from 1.
    Feature(usize),
}

/// What is wrong with a row. Rendered through the translation layer.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    BadCode(crate::region::CodeError),
    LevelMismatch {
        given: String,
        code: String,
        expected: u8,
    },
    ParentMismatch {
        given: String,
        code: String,
        expected: String,
    },
    UnknownParent(String),
    ParentRejected(String),
    UnknownRegion(String),
    NotVillage(String),
    Empty,
    NotNumber(String),
    Negative(String),
    OutOfRange {
        value: String,
        min: String,
        max: String,
    },
    OutsideIndonesia {
        lat: f64,
        lng: f64,
    },
    HalfCoordinates,
    BadAccess(String),
    DuplicateCode {
        code: String,
        first: u64,
    },
    DuplicateTps {
        village: String,
        number: u32,
        first: u64,
    },
    MalformedCsv(String),
    MissingColumn(String),
    MalformedGeojson(String),
    BadGeometry(String),
    MissingProperty(String),
    TooManyVoters(u32),
    TooLong(usize),
    /// Text with a control character (a NUL byte, a line break in a name): never meant, and PostgreSQL cannot
    /// store a NUL.
    ControlCharacter,
    BadUnitKind(String),
    BadUnitCode(String),
    UnitLevel {
        kind: String,
        territory: String,
        expected: u8,
    },
    UnknownUnit(String),
    /// A column that is not one of the file's own and not an indicator of the set.
    UnknownColumn(String),
    /// Not an answer of the indicator's type.
    BadAnswer {
        value: String,
        expected: &'static str,
    },
    BadDate(String),
    /// A date after now (a report of something that has not happened yet).
    FutureDate(String),
    UnknownAgency(String),
    /// No TPS with this village and number.
    UnknownTps {
        village: String,
        number: u32,
    },
    /// Not a JPEG, PNG or WebP image in base64.
    BadPhoto,
    /// Area indicators are answered for a village or a district, not for this region.
    NotArea(String),
    /// Not one of the allowed values (listed).
    OneOf {
        value: String,
        allowed: String,
    },
    /// A report without a place: no TPS, village or coordinates.
    NoPlace,
    /// No TPS with this id in the user's territory.
    UnknownTpsId(i64),
    /// A region outside the user's territory.
    OutsideScope(String),
    /// Coordinates that no village holds and no village centroid is near.
    NoVillageNear {
        lat: f64,
        lng: f64,
    },
    /// An idempotency key that is not 1 to 100 letters, digits, '-', '_', ':' or '.'.
    BadKey,
    /// An area indicator answered for a region of the wrong level (`village` or `district`: the right one).
    AreaLevel {
        indicator: String,
        level: &'static str,
    },
    /// A parameter of the early warning scan out of its range (the scan's own message says which range).
    Scan(crate::scan::ScanError),
    /// Not a regency (or city) code.
    NotRegency(String),
}

impl Problem {
    /// Not one of the `allowed` values: the value as typed (its first 40 characters) and the list to choose from.
    pub fn one_of(value: &str, allowed: &[&str]) -> Problem {
        Problem::OneOf { value: value.chars().take(40).collect(), allowed: allowed.join(", ") }
    }

    pub fn message(&self, lang: Lang) -> String {
        use Problem::*;
        match self {
            BadCode(error) => lang.format(Msg::ProblemBadCode, &[("detail", &error.message(lang))]),
            LevelMismatch { given, code, expected } => {
                lang.format(Msg::ProblemLevelMismatch, &[("given", given), ("code", code), ("expected", expected)])
            }
            ParentMismatch { given, code, expected } => {
                lang.format(Msg::ProblemParentMismatch, &[("given", given), ("code", code), ("expected", expected)])
            }
            UnknownParent(parent) => lang.format(Msg::ProblemUnknownParent, &[("parent", parent)]),
            ParentRejected(parent) => lang.format(Msg::ProblemParentRejected, &[("parent", parent)]),
            UnknownRegion(code) => lang.format(Msg::ProblemUnknownRegion, &[("code", code)]),
            NotVillage(code) => lang.format(Msg::ProblemNotVillage, &[("code", code)]),
            Empty => lang.t(Msg::ProblemEmpty).to_owned(),
            NotNumber(value) => lang.format(Msg::ProblemNotNumber, &[("value", value)]),
            Negative(value) => lang.format(Msg::ProblemNegative, &[("value", value)]),
            OutOfRange { value, min, max } => {
                lang.format(Msg::ProblemOutOfRange, &[("value", value), ("min", min), ("max", max)])
            }
            OutsideIndonesia { lat, lng } => lang.format(Msg::ProblemOutsideIndonesia, &[("lat", lat), ("lng", lng)]),
            HalfCoordinates => lang.t(Msg::ProblemHalfCoordinates).to_owned(),
            BadAccess(value) => lang.format(Msg::ProblemBadAccess, &[("value", value)]),
            DuplicateCode { code, first } => {
                lang.format(Msg::ProblemDuplicateCode, &[("code", code), ("first", first)])
            }
            DuplicateTps { village, number, first } => lang.format(
                Msg::ProblemDuplicateTps,
                &[("village", village), ("number", &format!("{number:03}")), ("first", first)],
            ),
            MalformedCsv(detail) => lang.format(Msg::ProblemMalformedCsv, &[("detail", detail)]),
            MissingColumn(column) => lang.format(Msg::ProblemMissingColumn, &[("column", column)]),
            MalformedGeojson(detail) => lang.format(Msg::ProblemMalformedGeojson, &[("detail", detail)]),
            BadGeometry(detail) => lang.format(Msg::ProblemBadGeometry, &[("detail", detail)]),
            MissingProperty(property) => lang.format(Msg::ProblemMissingProperty, &[("property", property)]),
            TooManyVoters(value) => lang.format(Msg::ProblemTooManyVoters, &[("value", value), ("max", &MAX_VOTERS)]),
            TooLong(max) => lang.format(Msg::ProblemTooLong, &[("max", max)]),
            ControlCharacter => lang.t(Msg::ProblemControlCharacter).to_owned(),
            UnknownColumn(c) => lang.format(Msg::ProblemUnknownColumn, &[("column", c)]),
            BadAnswer { value, expected } => {
                lang.format(Msg::ProblemBadAnswer, &[("value", value), ("expected", &lang.t(answer_msg(expected)))])
            }
            BadDate(v) => lang.format(Msg::ProblemBadDate, &[("value", v)]),
            FutureDate(v) => lang.format(Msg::ProblemFutureDate, &[("value", v)]),
            UnknownAgency(a) => lang.format(Msg::ProblemUnknownAgency, &[("agency", a)]),
            BadPhoto => lang.t(Msg::ProblemBadPhoto).to_owned(),
            UnknownTps { village, number } => {
                lang.format(Msg::ProblemUnknownTps, &[("village", village), ("number", number)])
            }
            BadUnitKind(value) => lang.format(Msg::ProblemBadUnitKind, &[("value", value)]),
            BadUnitCode(value) => lang.format(Msg::ProblemBadUnitCode, &[("value", value)]),
            UnitLevel { kind, territory, expected } => {
                lang.format(Msg::ProblemUnitLevel, &[("kind", kind), ("territory", territory), ("expected", expected)])
            }
            UnknownUnit(code) => lang.format(Msg::ProblemUnknownUnit, &[("code", code)]),
            NotArea(code) => lang.format(Msg::ProblemNotArea, &[("code", code)]),
            OneOf { value, allowed } => lang.format(Msg::ProblemOneOf, &[("value", value), ("allowed", allowed)]),
            NoPlace => lang.t(Msg::ProblemNoPlace).to_owned(),
            UnknownTpsId(id) => lang.format(Msg::ProblemUnknownTpsId, &[("id", id)]),
            OutsideScope(code) => lang.format(Msg::ProblemOutsideScope, &[("code", code)]),
            NoVillageNear { lat, lng } => lang.format(Msg::ProblemNoVillageNear, &[("lat", lat), ("lng", lng)]),
            BadKey => lang.t(Msg::ProblemBadKey).to_owned(),
            Scan(error) => error.message(lang),
            NotRegency(code) => lang.format(Msg::ProblemNotRegency, &[("code", code)]),
            AreaLevel { indicator, level } => lang.format(
                Msg::ProblemAreaLevel,
                &[
                    ("indicator", indicator),
                    (
                        "level",
                        &lang
                            .t(if *level == "district" { Msg::LevelDistrict } else { Msg::LevelVillage })
                            .to_lowercase(),
                    ),
                ],
            ),
        }
    }
}

/// One problem, with its place in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct RowIssue {
    pub place: Place,
    pub column: Option<String>,
    pub problem: Problem,
}

impl RowIssue {
    pub fn new(place: Place, column: Option<&str>, problem: Problem) -> RowIssue {
        RowIssue { place, column: column.map(str::to_owned), problem }
    }

    /// `FILE:LINE: column X: reason`, the form compilers use, so editors can jump to the place.
    pub fn render(&self, file: &str, lang: Lang) -> String {
        let place = match self.place {
            Place::File => file.to_owned(),
            Place::Line(line) => format!("{file}:{line}"),
            Place::Feature(n) => format!("{file}: feature {n}"),
        };
        let column = match (&self.column, lang) {
            (Some(c), Lang::Id) => format!(" kolom {c}:"),
            (Some(c), Lang::En) => format!(" column {c}:"),
            (None, _) => String::new(),
        };
        format!("{place}:{column} {}", self.problem.message(lang))
    }
}

impl fmt::Display for RowIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render("input", Lang::En))
    }
}

/// What a parser found: the good records (each with its line or feature number) and the problems.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    pub records: Vec<(Place, T)>,
    pub issues: Vec<RowIssue>,
}

impl<T> Parsed<T> {
    pub fn is_clean(&self) -> bool {
        self.issues.is_empty()
    }

    /// How many rows (or features) have at least one problem.
    pub fn bad_rows(&self) -> usize {
        self.issues.iter().map(|i| i.place).collect::<HashSet<Place>>().len()
    }

    /// Adds issues found by a later check (against the database) and drops the records they concern.
    pub fn flag(&mut self, issues: Vec<RowIssue>) {
        self.issues.extend(issues);
        self.drop_flagged();
    }

    /// Drops the records whose place has an issue, as `--skip-invalid` needs after a late check.
    fn drop_flagged(&mut self) {
        let bad: HashSet<Place> = self.issues.iter().map(|i| i.place).collect();
        self.records.retain(|(place, _)| !bad.contains(place));
        self.issues.sort_by_key(|i| i.place);
    }
}

fn answer_msg(expected: &str) -> Msg {
    if expected == "count" { Msg::AnswerExpectedCount } else { Msg::AnswerExpectedYesNo }
}

/// Longest name or address we accept; longer text is a pasted paragraph, not a name.
const MAX_TEXT: usize = 500;

/// A CSV reader over `input` with named columns. Reports a missing required column once, for the whole file.
struct Table {
    reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
    columns: HashMap<String, usize>,
    /// Where each line ends: the csv crate places a record that follows a blank line at the blank line, so lines
    /// are counted from the bytes instead.
    breaks: Vec<usize>,
}

impl Table {
    fn open(mut input: impl Read, required: &[&str], issues: &mut Vec<RowIssue>) -> Option<Table> {
        let mut bytes = Vec::new();
        if let Err(e) = input.read_to_end(&mut bytes) {
            issues.push(RowIssue::new(Place::File, None, Problem::MalformedCsv(e.to_string())));
            return None;
        }
        let breaks = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i).collect();
        let mut reader =
            csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(std::io::Cursor::new(bytes));
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                issues.push(RowIssue::new(Place::Line(1), None, Problem::MalformedCsv(e.to_string())));
                return None;
            }
        };
        let columns: HashMap<String, usize> =
            headers.iter().enumerate().map(|(i, h)| (h.trim_start_matches('\u{feff}').to_lowercase(), i)).collect();
        let missing: Vec<&str> = required.iter().copied().filter(|c| !columns.contains_key(*c)).collect();
        for column in &missing {
            issues.push(RowIssue::new(Place::File, None, Problem::MissingColumn((*column).to_owned())));
        }
        missing.is_empty().then_some(Table { reader, columns, breaks })
    }

    /// The 1-based line of a record from its byte position, past any blank lines before it.
    fn line_of(&self, position: Option<&csv::Position>) -> u64 {
        let Some(position) = position else { return 0 };
        let bytes = self.reader.get_ref().get_ref();
        let mut start = position.byte() as usize;
        while matches!(bytes.get(start), Some(b'\n' | b'\r')) {
            start += 1;
        }
        1 + self.breaks.partition_point(|&i| i < start) as u64
    }

    /// Calls `f` for every well-formed record, with its line; records the CSV's own errors as issues.
    fn each(mut self, issues: &mut Vec<RowIssue>, mut f: impl FnMut(u64, Row<'_>)) {
        let mut record = csv::StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = self.line_of(record.position());
                    if record.iter().all(str::is_empty) {
                        continue; // a blank line is not a row
                    }
                    f(line, Row { record: &record, columns: &self.columns, line, issues: Vec::new() });
                }
                Err(e) => {
                    let line = self.line_of(e.position());
                    let detail = match e.kind() {
                        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                            format!("{len} fields where the header has {expected_len}")
                        }
                        csv::ErrorKind::Utf8 { .. } => "text is not UTF-8".to_owned(),
                        _ => e.to_string(),
                    };
                    issues.push(RowIssue::new(Place::Line(line), None, Problem::MalformedCsv(detail)));
                    if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }) {
                        break; // an I/O or unknown error: the rest of the input cannot be trusted
                    }
                }
            }
        }
    }
}

/// One CSV record with typed accessors that record problems instead of failing.
struct Row<'a> {
    record: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
    line: u64,
    issues: Vec<RowIssue>,
}

impl<'a> Row<'a> {
    /// The cell of `column`, read back from what our exports write: a `'` that kept a spreadsheet from reading it
    /// as a formula goes (see [`crate::csv_out`]).
    fn text(&self, column: &str) -> &'a str {
        crate::csv_out::unescape(self.columns.get(column).and_then(|&i| self.record.get(i)).unwrap_or(""))
    }

    fn fail(&mut self, column: &str, problem: Problem) {
        self.issues.push(RowIssue::new(Place::Line(self.line), Some(column), problem));
    }

    fn required(&mut self, column: &str) -> Option<&'a str> {
        let value = self.text(column);
        if value.is_empty() {
            self.fail(column, Problem::Empty);
            None
        } else if value.chars().count() > MAX_TEXT {
            self.fail(column, Problem::TooLong(MAX_TEXT));
            None
        } else if value.chars().any(char::is_control) {
            self.fail(column, Problem::ControlCharacter);
            None
        } else {
            Some(value)
        }
    }

    fn code(&mut self, column: &str) -> Option<RegionCode> {
        let value = self.required(column)?;
        match RegionCode::parse(value) {
            Ok(code) => Some(code),
            Err(e) => {
                self.fail(column, Problem::BadCode(e));
                None
            }
        }
    }

    /// A whole number; empty or unparsable is a problem (`None`).
    fn integer(&mut self, column: &str) -> Option<i64> {
        let value = self.required(column)?;
        match value.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.fail(column, Problem::NotNumber(value.to_owned()));
                None
            }
        }
    }

    /// An optional decimal: `Some(None)` when empty, `None` when unparsable (and then a problem is recorded).
    fn float(&mut self, column: &str) -> Option<Option<f64>> {
        let value = self.text(column);
        if value.is_empty() {
            return Some(None);
        }
        match value.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(Some(v)),
            _ => {
                self.fail(column, Problem::NotNumber(value.to_owned()));
                None
            }
        }
    }

    /// Optional coordinates: both empty is `None`; one empty, unparsable or outside Indonesia is a problem.
    fn coordinates(&mut self) -> Result<Option<LatLng>, ()> {
        let (Some(lat), Some(lng)) = (self.float("lat"), self.float("lng")) else { return Err(()) };
        match (lat, lng) {
            (None, None) => Ok(None),
            (Some(lat), Some(lng)) if LatLng::new(lat, lng).in_indonesia() => Ok(Some(LatLng::new(lat, lng))),
            (Some(lat), Some(lng)) => {
                self.fail("lat", Problem::OutsideIndonesia { lat, lng });
                Err(())
            }
            (None, _) => {
                self.fail("lat", Problem::HalfCoordinates);
                Err(())
            }
            (_, None) => {
                self.fail("lng", Problem::HalfCoordinates);
                Err(())
            }
        }
    }

    fn finish<T>(self, value: Option<T>, parsed: &mut Parsed<T>) {
        let clean = self.issues.is_empty();
        parsed.issues.extend(self.issues);
        if let (true, Some(value)) = (clean, value) {
            parsed.records.push((Place::Line(self.line), value));
        }
    }
}

/// Reads the Kemendagri region list: `code,name[,level,parent,lat,lng]` (the format of `wilayah.csv`).
///
/// `known` answers whether a region already exists in the database; a parent must be in the file or known.
pub fn parse_regions(input: impl Read, known: impl Fn(&RegionCode) -> bool) -> Parsed<Region> {
    let mut parsed = Parsed { records: Vec::new(), issues: Vec::new() };
    let Some(table) = Table::open(input, &["code", "name"], &mut parsed.issues) else { return parsed };
    let mut first_line: HashMap<RegionCode, u64> = HashMap::new();
    let mut issues = Vec::new();
    table.each(&mut issues, |line, mut row| {
        let code = row.code("code");
        let name = row.required("name").map(str::to_owned);
        let centroid = row.coordinates();
        if let Some(code) = &code {
            let level_text = row.text("level");
            if !level_text.is_empty() && level_text != code.level().number().to_string() {
                let problem = Problem::LevelMismatch {
                    given: level_text.to_owned(),
                    code: code.to_string(),
                    expected: code.level().number(),
                };
                row.fail("level", problem);
            }
            let parent_text = row.text("parent");
            let expected = code.parent().map(|p| p.to_string()).unwrap_or_default();
            if !parent_text.is_empty() && parent_text != expected {
                let problem =
                    Problem::ParentMismatch { given: parent_text.to_owned(), code: code.to_string(), expected };
                row.fail("parent", problem);
            }
            if let Some(&first) = first_line.get(code) {
                row.fail("code", Problem::DuplicateCode { code: code.to_string(), first });
            } else {
                first_line.insert(code.clone(), line);
            }
        }
        let value = match (code, name, centroid) {
            (Some(code), Some(name), Ok(centroid)) => Some(Region { code, name, centroid }),
            _ => None,
        };
        row.finish(value, &mut parsed);
    });
    parsed.issues.extend(issues);
    // Parents are checked once the whole file is read, because a file need not list parents first. Walking in
    // code order (parents sort first), a region is kept only if its parent is kept or already in the database,
    // so that `--skip-invalid` never writes a child whose parent it left out.
    parsed.records.sort_by(|a, b| a.1.code.cmp(&b.1.code));
    let mut kept: HashSet<RegionCode> = HashSet::new();
    let mut late = Vec::new();
    for (place, region) in &parsed.records {
        match region.code.parent() {
            Some(parent) if !kept.contains(&parent) && !known(&parent) => {
                let problem = if first_line.contains_key(&parent) {
                    Problem::ParentRejected(parent.to_string())
                } else {
                    Problem::UnknownParent(parent.to_string())
                };
                late.push(RowIssue::new(*place, Some("code"), problem));
            }
            _ => {
                kept.insert(region.code.clone());
            }
        }
    }
    parsed.issues.extend(late);
    parsed.drop_flagged();
    parsed.records.sort_by_key(|(place, _)| *place);
    parsed
}

/// Reads a TPS list: `village_code,number,address,lat,lng,voters,access[,synthetic]`; other columns (such as
/// `village_name` in our own exports) are ignored. The rules are those of [`TpsDraft::validate`].
///
/// `village_level` answers, for a code, whether the region exists and at which level.
pub fn parse_tps(input: impl Read, village_level: impl Fn(&RegionCode) -> Option<Level>) -> Parsed<Tps> {
    let mut parsed = Parsed { records: Vec::new(), issues: Vec::new() };
    let required = ["village_code", "number", "voters", "access"];
    let Some(table) = Table::open(input, &required, &mut parsed.issues) else { return parsed };
    let mut first_line: HashMap<(RegionCode, u32), u64> = HashMap::new();
    let mut issues = Vec::new();
    table.each(&mut issues, |line, mut row| {
        // Text to numbers here; every other rule in `TpsDraft::validate`.
        let number = row.integer("number");
        let voters = row.integer("voters");
        let lat = row.float("lat");
        let lng = row.float("lng");
        let (Some(number), Some(voters), Some(lat), Some(lng)) = (number, voters, lat, lng) else {
            return row.finish::<Tps>(None, &mut parsed);
        };
        let draft = TpsDraft {
            village_code: row.text("village_code").to_owned(),
            number,
            address: row.text("address").to_owned(),
            lat,
            lng,
            voters,
            access: row.text("access").to_owned(),
            synthetic: matches!(row.text("synthetic").to_ascii_lowercase().as_str(), "true" | "1" | "ya" | "yes"),
        };
        let tps = match draft.validate(&village_level) {
            Ok(tps) => Some(tps),
            Err(problems) => {
                for (column, problem) in problems {
                    row.fail(column, problem);
                }
                None
            }
        };
        if let Some(tps) = &tps {
            let key = (tps.village.clone(), tps.number);
            if let Some(&first) = first_line.get(&key) {
                let problem = Problem::DuplicateTps { village: tps.village.to_string(), number: tps.number, first };
                row.fail("number", problem);
            } else {
                first_line.insert(key, line);
            }
        }
        row.finish(tps, &mut parsed);
    });
    parsed.issues.extend(issues);
    parsed.drop_flagged();
    parsed
}

/// Reads a list of agency units: `code,kind,name,territory[,parent,phone,email,address,personnel]`.
///
/// `region_exists` answers whether a territory is in the registry; `unit_exists` whether a parent unit already is
/// (a parent may also come later in the same file).
pub fn parse_units(
    input: impl Read,
    region_exists: impl Fn(&RegionCode) -> bool,
    unit_exists: impl Fn(&str) -> bool,
) -> Parsed<Unit> {
    let mut parsed = Parsed { records: Vec::new(), issues: Vec::new() };
    let Some(table) = Table::open(input, &["code", "kind", "name", "territory"], &mut parsed.issues) else {
        return parsed;
    };
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut issues = Vec::new();
    table.each(&mut issues, |line, mut row| {
        let code = row.required("code").map(str::to_owned);
        let kind_text = row.text("kind");
        let kind = UnitKind::parse(kind_text);
        if kind.is_none() {
            row.fail("kind", Problem::BadUnitKind(kind_text.to_owned()));
        }
        let name = row.required("name").map(str::to_owned);
        let territory = row.code("territory");
        if let Some(t) = &territory
            && !region_exists(t)
        {
            row.fail("territory", Problem::UnknownRegion(t.to_string()));
        }
        let personnel = match row.text("personnel") {
            "" => Some(0),
            _ => row.integer("personnel"),
        };
        let personnel = match personnel {
            Some(n) if n < 0 => {
                row.fail("personnel", Problem::Negative(n.to_string()));
                None
            }
            Some(n) => Some(n.min(i64::from(u32::MAX)) as u32),
            None => None,
        };
        let optional = |row: &Row<'_>, column: &str| Some(row.text(column).to_owned()).filter(|t| !t.is_empty());
        let contact = crate::agency::Contact {
            phone: optional(&row, "phone"),
            email: optional(&row, "email"),
            address: optional(&row, "address"),
        };
        let parent = optional(&row, "parent");
        let unit = match (code, kind, name, territory, personnel) {
            (Some(code), Some(kind), Some(name), Some(territory), Some(personnel)) => {
                Some(Unit { code, kind, name, territory, parent, contact, personnel })
            }
            _ => None,
        };
        if let Some(unit) = &unit {
            match unit.validate() {
                Ok(()) => {}
                Err(UnitError::BadCode(c)) => row.fail("code", Problem::BadUnitCode(c)),
                Err(UnitError::EmptyName) => row.fail("name", Problem::Empty),
                Err(UnitError::TerritoryLevel { kind, territory, expected, .. }) => {
                    row.fail("territory", Problem::UnitLevel { kind: kind.to_owned(), territory, expected })
                }
            }
            if let Some(&first) = first_line.get(&unit.code) {
                row.fail("code", Problem::DuplicateCode { code: unit.code.clone(), first });
            } else {
                first_line.insert(unit.code.clone(), line);
            }
        }
        row.finish(unit, &mut parsed);
    });
    parsed.issues.extend(issues);
    let mut late = Vec::new();
    for (place, unit) in &parsed.records {
        if let Some(parent) = &unit.parent
            && !first_line.contains_key(parent)
            && !unit_exists(parent)
        {
            late.push(RowIssue::new(*place, Some("parent"), Problem::UnknownUnit(parent.clone())));
        }
    }
    parsed.issues.extend(late);
    parsed.drop_flagged();
    parsed
}

/// A boundary read from a GeoJSON feature, for the region with this code.
#[derive(Debug, Clone)]
pub struct BoundaryRecord {
    pub code: RegionCode,
    pub boundary: Boundary,
}

/// Reads a GeoJSON FeatureCollection whose features carry a `code` property and a Polygon or MultiPolygon.
///
/// `known` answers whether the region exists; a boundary for an unknown region is a problem, not a new region.
pub fn parse_boundaries(input: &str, known: impl Fn(&RegionCode) -> bool) -> Parsed<BoundaryRecord> {
    let mut parsed = Parsed { records: Vec::new(), issues: Vec::new() };
    let collection = match input.parse::<geojson::GeoJson>() {
        Ok(geojson::GeoJson::FeatureCollection(fc)) => fc,
        Ok(_) => {
            let problem = Problem::MalformedGeojson("expected a FeatureCollection".to_owned());
            parsed.issues.push(RowIssue::new(Place::File, None, problem));
            return parsed;
        }
        Err(e) => {
            parsed.issues.push(RowIssue::new(Place::File, None, Problem::MalformedGeojson(e.to_string())));
            return parsed;
        }
    };
    let mut seen: HashMap<RegionCode, u64> = HashMap::new();
    for (i, feature) in collection.features.iter().enumerate() {
        let place = Place::Feature(i + 1);
        let code_text = feature.property("code").and_then(|v| match v {
            serde_json::Value::String(s) => Some(s.clone()),
            _ => None,
        });
        let Some(code_text) = code_text else {
            parsed.issues.push(RowIssue::new(place, Some("code"), Problem::MissingProperty("code".to_owned())));
            continue;
        };
        let code = match RegionCode::parse(&code_text) {
            Ok(code) => code,
            Err(e) => {
                parsed.issues.push(RowIssue::new(place, Some("code"), Problem::BadCode(e)));
                continue;
            }
        };
        if !known(&code) {
            parsed.issues.push(RowIssue::new(place, Some("code"), Problem::UnknownRegion(code.to_string())));
            continue;
        }
        if let Some(&first) = seen.get(&code) {
            let problem = Problem::DuplicateCode { code: code.to_string(), first };
            parsed.issues.push(RowIssue::new(place, Some("code"), problem));
            continue;
        }
        seen.insert(code.clone(), (i + 1) as u64);
        let boundary = match &feature.geometry {
            None => Err(Problem::MissingProperty("geometry".to_owned())),
            Some(geometry) => Boundary::from_geojson(geometry).map_err(|e| Problem::BadGeometry(e.to_string())),
        };
        match boundary {
            Ok(boundary) => parsed.records.push((place, BoundaryRecord { code, boundary })),
            Err(problem) => parsed.issues.push(RowIssue::new(place, Some("geometry"), problem)),
        }
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known_none(_: &RegionCode) -> bool {
        false
    }

    #[test]
    fn reads_the_wilayah_format() {
        let csv = "code,name,level,parent,lat,lng\n\
                   15,Jambi,1,,-1.6,103.6\n\
                   15.07,Kabupaten Tanjung Jabung Timur,2,15,-1.2,103.8\n\
                   15.07.01,\"Muara Sabak Timur, Kec.\",3,15.07,,\n";
        let parsed = parse_regions(csv.as_bytes(), known_none);
        assert!(parsed.is_clean(), "{:?}", parsed.issues);
        assert_eq!(parsed.records.len(), 3);
        assert_eq!(parsed.records[2].1.name, "Muara Sabak Timur, Kec.");
        assert_eq!(parsed.records[2].1.centroid, None);
        assert_eq!(parsed.records[0].1.centroid, Some(LatLng::new(-1.6, 103.6)));
    }

    #[test]
    fn reports_every_bad_region_row_with_line_and_column() {
        let csv = "code,name,level,parent,lat,lng\n\
                   15,Jambi,1,,-1.6,103.6\n\
                   15.7,Bad code,2,15,,\n\
                   15.07,Tanjab Timur,3,15,,\n\
                   16.01,Orphan,2,16,,\n\
                   15.08,Abroad,2,15,48.8,2.3\n\
                   15,Jambi again,1,,,\n\
                   15.09,,2,15,,\n";
        let parsed = parse_regions(csv.as_bytes(), known_none);
        let got: Vec<(Place, Option<&str>)> = parsed.issues.iter().map(|i| (i.place, i.column.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                (Place::Line(3), Some("code")),
                (Place::Line(4), Some("level")),
                (Place::Line(5), Some("code")),
                (Place::Line(6), Some("lat")),
                (Place::Line(7), Some("code")),
                (Place::Line(8), Some("name")),
            ]
        );
        assert_eq!(parsed.issues[2].problem, Problem::UnknownParent("16".into()));
        assert_eq!(parsed.issues[4].problem, Problem::DuplicateCode { code: "15".into(), first: 2 });
        // Only the good row survives.
        assert_eq!(parsed.records.len(), 1);
        let text = parsed.issues[0].render("wilayah.csv", Lang::En);
        assert_eq!(
            text,
            "wilayah.csv:3: column code: invalid region code: part 2 of code “15.7” must be 2 digits (e.g. 15.07.01.2001)"
        );
    }

    #[test]
    fn a_child_of_a_rejected_row_is_rejected_too() {
        let csv = "code,name,level\n15.07.01,Muara Sabak Timur,3\n15,Jambi,1\n15.07,Tanjab Timur,3\n";
        let parsed = parse_regions(csv.as_bytes(), known_none);
        let kept: Vec<&str> = parsed.records.iter().map(|(_, r)| r.code.as_str()).collect();
        assert_eq!(kept, ["15"]);
        assert_eq!(parsed.issues.len(), 2);
        assert_eq!(parsed.issues[0].place, Place::Line(2));
        assert_eq!(parsed.issues[0].problem, Problem::ParentRejected("15.07".into()));
        assert_eq!(parsed.bad_rows(), 2);
    }

    #[test]
    fn a_known_parent_in_the_database_is_enough() {
        let csv = "code,name\n15.07.01,Muara Sabak Timur\n";
        let parsed = parse_regions(csv.as_bytes(), |c| c.as_str() == "15.07");
        assert!(parsed.is_clean());
    }

    #[test]
    fn reports_a_missing_header_column_once() {
        let parsed = parse_regions("kode,nama\n15,Jambi\n".as_bytes(), known_none);
        assert_eq!(parsed.issues.len(), 2);
        assert!(parsed.issues.iter().all(|i| i.place == Place::File));
        assert!(parsed.records.is_empty());
    }

    fn villages(code: &RegionCode) -> Option<Level> {
        match code.as_str() {
            "15.07.01.2001" | "15.07.01.2002" => Some(Level::Village),
            "15.07.01" => Some(Level::District),
            _ => None,
        }
    }

    #[test]
    fn reads_a_tps_list() {
        let csv = "village_code,number,address,lat,lng,voters,access\n\
                   15.07.01.2001,1,Balai desa,-1.05,103.95,420,jalan\n\
                   15.07.01.2001,2,,,,380,Sungai\n";
        let parsed = parse_tps(csv.as_bytes(), villages);
        assert!(parsed.is_clean(), "{:?}", parsed.issues);
        assert_eq!(parsed.records.len(), 2);
        assert_eq!(parsed.records[1].1.access, crate::tps::AccessMode::River);
        assert_eq!(parsed.records[1].1.location, None);
        assert!(!parsed.records[0].1.synthetic);
    }

    #[test]
    fn lines_are_counted_past_blank_lines() {
        // A blank line (and a Windows line end) before a bad row must not shift the line reported for it.
        let csv = "village_code,number,address,lat,lng,voters,access\r\n\
                   15.07.01.2001,1,A,,,420,road\r\n\
                   \r\n\
                   \n\
                   15.07.01.2001,2,B,,,-5,road\n\
                   15.07.01.2001,3,short row\n";
        let parsed = parse_tps(csv.as_bytes(), villages);
        let places: Vec<Place> = parsed.issues.iter().map(|i| i.place).collect();
        assert_eq!(places, [Place::Line(5), Place::Line(6)], "{:?}", parsed.issues);
    }

    #[test]
    fn reports_every_bad_tps_row() {
        let csv = "village_code,number,address,lat,lng,voters,access\n\
                   15.07.01.2001,1,A,-1.05,103.95,420,road\n\
                   15.07.01.2001,1,dup,-1.05,103.95,420,road\n\
                   15.07.01.2999,1,unknown village,,,300,road\n\
                   15.07.01,1,a district,,,300,road\n\
                   15.07.01.2002,2,negative,,,-5,road\n\
                   15.07.01.2002,3,swapped,103.9,-1.0,300,road\n\
                   15.07.01.2002,4,half,-1.0,,300,road\n\
                   15.07.01.2002,5,plane,,,300,plane\n\
                   15.07.01.2002,x,nan,,,300,road\n\
                   15.07.01.2002,6,short row\n\
                   15.07.01.2002,7,huge,,,5000,road\n";
        let parsed = parse_tps(csv.as_bytes(), villages);
        let got: Vec<(u64, Option<&str>)> = parsed
            .issues
            .iter()
            .map(|i| match i.place {
                Place::Line(l) => (l, i.column.as_deref()),
                other => panic!("unexpected place {other:?}"),
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (3, Some("number")),
                (4, Some("village_code")),
                (5, Some("village_code")),
                (6, Some("voters")),
                (7, Some("lat")),
                (8, Some("lng")),
                (9, Some("access")),
                (10, Some("number")),
                (11, None),
                (12, Some("voters")),
            ]
        );
        assert_eq!(parsed.issues[3].problem, Problem::Negative("-5".into()));
        assert_eq!(parsed.records.len(), 1);
        let msg = parsed.issues[0].render("tps.csv", Lang::Id);
        assert!(msg.starts_with("tps.csv:3: kolom number: TPS nomor 001 di desa 15.07.01.2001"), "{msg}");
    }

    #[test]
    fn reads_units_and_names_every_bad_row() {
        let csv = "code,kind,name,territory,parent,phone,email,address,personnel\n\
                   polres-15.07,polres,Polres Tanjab Timur,15.07,,0741-1,,Jl. Sabak,512\n\
                   polsek-15.07.01,polsek,Polsek Sabak Timur,15.07.01,polres-15.07,,,,30\n\
                   bad kode,polsek,X,15.07.01,,,,,1\n\
                   pps-x,pps,PPS,15.07.01,,,,,3\n\
                   fbi-1,fbi,FBI,15.07,,,,,1\n\
                   polsek-x,polsek,Orphan,15.07.01,polres-99.99,,,,1\n\
                   polres-15.07,polres,Twice,15.07,,,,,1\n\
                   kodim-x,kodim,Kodim,15.07,,,,,-4\n\
                   koramil-x,koramil,Koramil,15.99.01,,,,,1\n";
        let parsed = parse_units(csv.as_bytes(), |c| c.as_str().starts_with("15.07"), |_| false);
        let got: Vec<(Place, Option<&str>)> = parsed.issues.iter().map(|i| (i.place, i.column.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                (Place::Line(4), Some("code")),
                (Place::Line(5), Some("territory")),
                (Place::Line(6), Some("kind")),
                (Place::Line(7), Some("parent")),
                (Place::Line(8), Some("code")),
                (Place::Line(9), Some("personnel")),
                (Place::Line(10), Some("territory")),
            ]
        );
        assert_eq!(
            parsed.issues[1].problem,
            Problem::UnitLevel { kind: "PPS".into(), territory: "15.07.01".into(), expected: 4 }
        );
        let kept: Vec<&str> = parsed.records.iter().map(|(_, u)| u.code.as_str()).collect();
        assert_eq!(kept, ["polres-15.07", "polsek-15.07.01"]);
        assert_eq!(parsed.records[0].1.contact.phone.as_deref(), Some("0741-1"));
        assert_eq!(parsed.records[0].1.personnel, 512);
    }

    #[test]
    fn reads_boundaries_and_names_bad_features() {
        let geojson = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"code":"15.07.01"},"geometry":{"type":"Polygon","coordinates":[[[103.0,-1.0],[103.1,-1.0],[103.1,-1.1],[103.0,-1.0]]]}},
          {"type":"Feature","properties":{"code":"99.99"},"geometry":{"type":"Polygon","coordinates":[[[103.0,-1.0],[103.1,-1.0],[103.1,-1.1],[103.0,-1.0]]]}},
          {"type":"Feature","properties":{"name":"no code"},"geometry":null},
          {"type":"Feature","properties":{"code":"15.07.02"},"geometry":{"type":"Point","coordinates":[103.0,-1.0]}}
        ]}"#;
        let parsed = parse_boundaries(geojson, |c| c.as_str().starts_with("15."));
        assert_eq!(parsed.records.len(), 1);
        let places: Vec<Place> = parsed.issues.iter().map(|i| i.place).collect();
        assert_eq!(places, vec![Place::Feature(2), Place::Feature(3), Place::Feature(4)]);
        let bad = parse_boundaries("{not json", |_| true);
        assert_eq!(bad.issues.len(), 1);
        assert!(matches!(bad.issues[0].problem, Problem::MalformedGeojson(_)));
    }

    proptest::proptest! {
        #[test]
        fn tps_parser_never_panics_and_keeps_only_clean_rows(body in "[0-9a-z.,\"\n -]{0,300}") {
            let csv = format!("village_code,number,address,lat,lng,voters,access\n{body}");
            let parsed = parse_tps(csv.as_bytes(), villages);
            for (place, _) in &parsed.records {
                proptest::prop_assert!(parsed.issues.iter().all(|i| i.place != *place));
            }
        }
    }
}

/// One row of an assessment file, checked against the set but not yet against the database (the TPS is named by
/// village and number; the caller resolves it).
#[derive(Debug, Clone, PartialEq)]
pub struct AssessmentRow {
    pub village: RegionCode,
    pub number: u32,
    pub agency: crate::agency::AgencyKind,
    pub assessor: String,
    pub assessed_at_ms: i64,
    pub evidence: String,
    /// One value per indicator of the set; an indicator without a column or with an empty cell is 0.
    pub answers: Vec<u32>,
}

/// Reads assessments for one indicator set: `village_code,tps_number,agency,assessor,assessed_at[,evidence]` and
/// one column per indicator, named `variable.indicator` (any subset, any order). Answers are *ya*/*tidak* (or
/// yes/no, 1/0) for yes/no indicators and whole numbers for counts; `assessed_at` is `YYYY-MM-DD` or
/// `YYYY-MM-DD HH:MM`, in WIB (UTC+7). A column that is neither is refused for the whole file, so a misspelt
/// indicator is never silently read as "no".
pub fn parse_assessments(input: impl Read, set: &crate::vulnerability::IndicatorSet) -> Parsed<AssessmentRow> {
    let mut parsed = Parsed { records: Vec::new(), issues: Vec::new() };
    let own = ["village_code", "tps_number", "agency", "assessor", "assessed_at", "evidence"];
    let Some(table) = Table::open(input, &own[..5], &mut parsed.issues) else { return parsed };
    let mut indicator_columns: Vec<(String, usize)> = Vec::new();
    let mut names: Vec<&String> = table.columns.keys().collect();
    names.sort_by_key(|n| table.columns[*n]);
    for name in names {
        if own.contains(&name.as_str()) {
            continue;
        }
        match set.indicator_index(name) {
            Some(i) => indicator_columns.push((name.clone(), i)),
            None => parsed.issues.push(RowIssue::new(Place::File, Some(name), Problem::UnknownColumn(name.clone()))),
        }
    }
    if !parsed.issues.is_empty() {
        return parsed;
    }
    let mut issues = Vec::new();
    table.each(&mut issues, |_, mut row| {
        let village = row.code("village_code");
        let number = row.integer("tps_number");
        // Column order: the TPS, then the cells every assessment has.
        let number = number.and_then(|n| match u32::try_from(n) {
            Ok(n) if (1..=999).contains(&n) => Some(n),
            _ => {
                row.fail(
                    "tps_number",
                    Problem::OutOfRange { value: n.to_string(), min: "1".into(), max: "999".into() },
                );
                None
            }
        });
        let (agency, assessor, at, evidence) = assessment_cells(&mut row);
        let mut answers = vec![0; set.indicators.len()];
        for (column, i) in &indicator_columns {
            let value = row.text(column);
            if value.is_empty() {
                continue;
            }
            match set.parse_answer(*i, value) {
                Some(v) => answers[*i] = v,
                None => row.fail(column, set.bad_answer(*i, value)),
            }
        }
        let record = match (village, number, agency, assessor, at) {
            (Some(village), Some(number), Some(agency), Some(assessor), Some(assessed_at_ms)) => Some(AssessmentRow {
                village,
                number,
                agency,
                assessor,
                assessed_at_ms,
                evidence: evidence.to_owned(),
                answers,
            }),
            _ => None,
        };
        row.finish(record, &mut parsed);
    });
    parsed.issues.extend(issues);
    parsed.drop_flagged();
    parsed
}

/// The cells every assessment row has: agency, assessor, time (WIB) and evidence, each checked.
fn assessment_cells<'a>(
    row: &mut Row<'a>,
) -> (Option<crate::agency::AgencyKind>, Option<String>, Option<i64>, &'a str) {
    let agency_text = row.required("agency");
    let assessor = row.required("assessor").map(str::to_owned);
    let at_text = row.required("assessed_at");
    let evidence = row.text("evidence");
    if evidence.chars().count() > MAX_TEXT * 4 {
        row.fail("evidence", Problem::TooLong(MAX_TEXT * 4));
    } else if evidence.chars().any(|c| c.is_control() && c != '\n') {
        row.fail("evidence", Problem::ControlCharacter);
    }
    let agency = agency_text.and_then(|t| {
        let found = crate::agency::AgencyKind::parse(t);
        if found.is_none() {
            row.fail("agency", Problem::UnknownAgency(t.to_owned()));
        }
        found
    });
    let at = at_text.and_then(|t| {
        let found = parse_wib_time(t);
        if found.is_none() {
            row.fail("assessed_at", Problem::BadDate(t.to_owned()));
        }
        found
    });
    (agency, assessor, at, evidence)
}

/// One row of an area assessment file: a village or a district, checked against the set but not yet against the
/// database.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaAssessmentRow {
    pub region: RegionCode,
    pub agency: crate::agency::AgencyKind,
    pub assessor: String,
    pub assessed_at_ms: i64,
    pub evidence: String,
    /// One value per area indicator of the set; without a column or with an empty cell, 0.
    pub answers: Vec<u32>,
}

/// Reads area assessments for one indicator set: `region_code,agency,assessor,assessed_at[,evidence]` and one
/// column per area indicator, named by its id. `region_code` is a village or a district; a row answers only the
/// indicators of its region's level (a cell for the other level's indicators must be empty). As with
/// [`parse_assessments`], a column that is not an area indicator of the set refuses the whole file.
pub fn parse_area_assessments(input: impl Read, set: &crate::vulnerability::IndicatorSet) -> Parsed<AreaAssessmentRow> {
    let mut parsed = Parsed { records: Vec::new(), issues: Vec::new() };
    let own = ["region_code", "agency", "assessor", "assessed_at", "evidence"];
    let Some(table) = Table::open(input, &own[..4], &mut parsed.issues) else { return parsed };
    let mut indicator_columns: Vec<(String, usize)> = Vec::new();
    let mut names: Vec<&String> = table.columns.keys().collect();
    names.sort_by_key(|n| table.columns[*n]);
    for name in names {
        if own.contains(&name.as_str()) {
            continue;
        }
        match set.area.position(name) {
            Some(i) => indicator_columns.push((name.clone(), i)),
            None => parsed.issues.push(RowIssue::new(Place::File, Some(name), Problem::UnknownColumn(name.clone()))),
        }
    }
    if !parsed.issues.is_empty() {
        return parsed;
    }
    let mut issues = Vec::new();
    table.each(&mut issues, |_, mut row| {
        let region = row.code("region_code").and_then(|code| {
            if matches!(code.level(), Level::Village | Level::District) {
                Some(code)
            } else {
                row.fail("region_code", Problem::NotArea(code.to_string()));
                None
            }
        });
        let (agency, assessor, at, evidence) = assessment_cells(&mut row);
        let mut answers = vec![0; set.area.indicators.len()];
        for (column, i) in &indicator_columns {
            let value = row.text(column);
            if value.is_empty() {
                continue;
            }
            let indicator = &set.area.indicators[*i];
            if let Some(region) = &region
                && region.level() != indicator.level
            {
                let level = if indicator.level == Level::District { "district" } else { "village" };
                row.fail(column, Problem::AreaLevel { indicator: indicator.id.clone(), level });
                continue;
            }
            match indicator.answer.parse(value) {
                Some(v) => answers[*i] = v,
                None => row.fail(column, indicator.answer.bad_answer(value)),
            }
        }
        let record = match (region, agency, assessor, at) {
            (Some(region), Some(agency), Some(assessor), Some(assessed_at_ms)) => Some(AreaAssessmentRow {
                region,
                agency,
                assessor,
                assessed_at_ms,
                evidence: evidence.to_owned(),
                answers,
            }),
            _ => None,
        };
        row.finish(record, &mut parsed);
    });
    parsed.issues.extend(issues);
    parsed.drop_flagged();
    parsed
}

/// `YYYY-MM-DD` or `YYYY-MM-DD HH:MM` (also with `T`) in WIB (UTC+7), as milliseconds since the epoch.
pub fn parse_wib_time(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, time) = match text.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let (y, m, d) =
        (parts.next()?.parse::<i64>().ok()?, parts.next()?.parse::<u32>().ok()?, parts.next()?.parse::<u32>().ok()?);
    if parts.next().is_some() || !(1900..=2200).contains(&y) || !(1..=12).contains(&m) {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][(m - 1) as usize];
    if d == 0 || d > days_in_month {
        return None;
    }
    let (hour, minute) = match time {
        None => (0, 0),
        Some(t) => {
            let (h, mi) = t.split_once(':')?;
            let (h, mi) = (h.parse::<i64>().ok()?, mi.get(..2).unwrap_or(mi).parse::<i64>().ok()?);
            if !(0..24).contains(&h) || !(0..60).contains(&mi) {
                return None;
            }
            (h, mi)
        }
    };
    // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
    let (y, m) = if m <= 2 { (y - 1, i64::from(m) + 9) } else { (y, i64::from(m) - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + hour - 7) * 60 + minute) * 60_000)
}
