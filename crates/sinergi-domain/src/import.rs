//! Reading and validating the files officers bring: what every capability's parsers share (the registry's in
//! `registry::import`, the assessments' in `vulnerability::import`).
//!
//! Every parser reads the whole input and returns the good records together with every problem it found, each
//! with its place (line or feature) and column. The caller decides what to do with a file that has problems: by
//! default nothing is written. Checks that need the database (does the parent region exist?) take the answer as a
//! closure, so they stay pure.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Read;

use crate::geo::LatLng;
use crate::i18n::{Lang, Msg};
use crate::region::RegionCode;
use crate::registry::tps::MAX_VOTERS;

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
    /// Not base64 text.
    NotBase64,
    /// Two files where one is read (CSV and a workbook).
    OneFileOnly,
    /// A workbook of a kind that is not read (XLS, XLSB, ODS): to be saved as XLSX or CSV.
    UnsupportedSpreadsheet,
    /// A number in a number cell longer than the 15 digits a spreadsheet keeps (as it reads now).
    NumberTooLong(String),
    /// A file that starts like a workbook (XLSX, XLS, ODS) but cannot be read as one.
    UnreadableSpreadsheet,
    /// A workbook that would unpack to more than the limit (bytes).
    SpreadsheetTooLarge {
        unpacked: u64,
        max: u64,
    },
    /// A sheet with more rows or columns than are read.
    SheetTooLarge {
        rows: usize,
        columns: usize,
    },
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
    /// A unit a report cannot be assigned to: not of the user's agency, or not over the report's place.
    UnitCannotTake(String),
    /// A TPS number given without the village it is numbered in.
    TpsNumberWithoutVillage,
    /// A village given both by its code and by its name.
    TwoVillages,
    /// No village of this name in the user's territory.
    UnknownVillageName(String),
    /// Several villages of this name in the user's territory: their districts, listed.
    AmbiguousVillageName {
        name: String,
        districts: String,
    },
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
    Scan(crate::early_warning::ScanError),
    /// Not a regency (or city) code.
    NotRegency(String),
    /// A meeting is held for a province, a regency or a district, not for this region.
    MeetingLevel(String),
    /// Not a forum key (lowercase letters, digits and '-').
    BadForum(String),
    /// Not a web address (http:// or https://).
    BadLink(String),
    /// An end at or before the start.
    EndsBeforeStart {
        start: String,
        end: String,
    },
    /// A meeting longer than two days.
    MeetingTooLong,
    /// A unit that is not invited to the meeting.
    NotInvited(String),
    /// The owner of an action item is not invited to the meeting.
    OwnerNotInvited(String),
    /// Not a time of day `HH:MM`.
    BadClock(String),
    /// More entries than a list holds.
    TooMany(usize),
    /// A status move that is not allowed (from, to).
    BadMove {
        from: String,
        to: String,
    },
    /// A deadline before the meeting that set it.
    DeadlineBeforeMeeting {
        deadline: String,
        meeting: String,
    },
    /// A unit outside the reach of the meeting: neither in its region nor above it.
    OutOfReach(String),
    /// The convening unit's territory does not hold the meeting's region.
    ConvenerOutOfReach(String),
    /// A file that is not one of the allowed kinds (by its first bytes).
    BadAttachment(String),
    /// A file larger than allowed (bytes, the limit).
    AttachmentTooLarge {
        size: u64,
        max: u64,
    },
    /// Not a phone number (the text as typed).
    BadPhone(String),
    /// A unit code that no unit has.
    NoSuchUnit(String),
    /// A unit whose roster is not the user's to change (another agency's, or outside the user's territory).
    NotYourUnit(String),
    /// A person of one force in a unit of another.
    ForceMismatch {
        unit: String,
        force: String,
    },
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
                // The bounds as the language writes numbers (the value as it was given).
                let bound = |b: &String| match (b.parse::<u64>(), b.split_once('.')) {
                    (Ok(n), _) => lang.number(n),
                    (Err(_), Some((_, places))) => {
                        b.parse::<f64>().map_or_else(|_| b.clone(), |x| lang.decimal(x, places.len()))
                    }
                    _ => b.clone(),
                };
                lang.format(Msg::ProblemOutOfRange, &[("value", value), ("min", &bound(min)), ("max", &bound(max))])
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
            NotBase64 => lang.t(Msg::ProblemNotBase64).to_owned(),
            OneFileOnly => lang.t(Msg::ProblemOneFileOnly).to_owned(),
            UnreadableSpreadsheet => lang.t(Msg::ProblemUnreadableSpreadsheet).to_owned(),
            UnsupportedSpreadsheet => lang.t(Msg::ProblemUnsupportedSpreadsheet).to_owned(),
            NumberTooLong(value) => lang.format(Msg::ProblemNumberTooLong, &[("value", value)]),
            SpreadsheetTooLarge { unpacked, max } => lang.format(
                Msg::ProblemSpreadsheetTooLarge,
                // Rounded up: 32.5 MB is not "32 MB, more than the limit of 32 MB".
                &[("size", &lang.number(unpacked.div_ceil(1024 * 1024))), ("max", &lang.number(max / (1024 * 1024)))],
            ),
            SheetTooLarge { rows, columns } => lang.format(
                Msg::ProblemSheetTooLarge,
                &[
                    ("rows", &lang.number(*rows as u64)),
                    ("columns", &lang.number(*columns as u64)),
                    ("max_rows", &lang.number(crate::spreadsheet::MAX_ROWS as u64)),
                    ("max_columns", &lang.number(crate::spreadsheet::MAX_COLUMNS as u64)),
                ],
            ),
            MissingColumn(column) => lang.format(Msg::ProblemMissingColumn, &[("column", column)]),
            MalformedGeojson(detail) => lang.format(Msg::ProblemMalformedGeojson, &[("detail", detail)]),
            BadGeometry(detail) => lang.format(Msg::ProblemBadGeometry, &[("detail", detail)]),
            MissingProperty(property) => lang.format(Msg::ProblemMissingProperty, &[("property", property)]),
            TooManyVoters(value) => lang
                .format(Msg::ProblemTooManyVoters, &[("value", value), ("max", &lang.number(u64::from(MAX_VOTERS)))]),
            TooLong(max) => lang.format(Msg::ProblemTooLong, &[("max", &lang.number(*max as u64))]),
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
            TpsNumberWithoutVillage => lang.t(Msg::ProblemTpsNumberWithoutVillage).to_owned(),
            UnitCannotTake(code) => lang.format(Msg::ProblemUnitCannotTake, &[("code", code)]),
            TwoVillages => lang.t(Msg::ProblemTwoVillages).to_owned(),
            UnknownVillageName(name) => lang.format(Msg::ProblemUnknownVillageName, &[("name", name)]),
            AmbiguousVillageName { name, districts } => {
                lang.format(Msg::ProblemAmbiguousVillageName, &[("name", name), ("districts", districts)])
            }
            OutsideScope(code) => lang.format(Msg::ProblemOutsideScope, &[("code", code)]),
            NoVillageNear { lat, lng } => lang.format(Msg::ProblemNoVillageNear, &[("lat", lat), ("lng", lng)]),
            BadKey => lang.t(Msg::ProblemBadKey).to_owned(),
            Scan(error) => error.message(lang),
            NotRegency(code) => lang.format(Msg::ProblemNotRegency, &[("code", code)]),
            MeetingLevel(code) => lang.format(Msg::ProblemMeetingLevel, &[("code", code)]),
            BadForum(value) => lang.format(Msg::ProblemBadForum, &[("value", value)]),
            BadLink(value) => lang.format(Msg::ProblemBadLink, &[("value", value)]),
            EndsBeforeStart { start, end } => {
                lang.format(Msg::ProblemEndsBeforeStart, &[("start", start), ("end", end)])
            }
            MeetingTooLong => lang.t(Msg::ProblemMeetingTooLong).to_owned(),
            NotInvited(unit) => lang.format(Msg::ProblemNotInvited, &[("unit", unit)]),
            OwnerNotInvited(unit) => lang.format(Msg::ProblemOwnerNotInvited, &[("unit", unit)]),
            BadClock(value) => lang.format(Msg::ProblemBadClock, &[("value", value)]),
            TooMany(max) => lang.format(Msg::ProblemTooMany, &[("max", &lang.number(*max as u64))]),
            BadMove { from, to } => lang.format(Msg::ProblemBadMove, &[("from", from), ("to", to)]),
            DeadlineBeforeMeeting { deadline, meeting } => {
                lang.format(Msg::ProblemDeadlineBeforeMeeting, &[("deadline", deadline), ("meeting", meeting)])
            }
            OutOfReach(unit) => lang.format(Msg::ProblemOutOfReach, &[("unit", unit)]),
            ConvenerOutOfReach(unit) => lang.format(Msg::ProblemConvenerOutOfReach, &[("unit", unit)]),
            BadAttachment(kind) => lang.format(Msg::ProblemBadAttachment, &[("kind", kind)]),
            AttachmentTooLarge { size, max } => lang.format(
                Msg::ProblemAttachmentTooLarge,
                &[("size", &lang.number(size / 1024)), ("max", &lang.number(max / 1024))],
            ),
            BadPhone(value) => lang.format(Msg::ProblemBadPhone, &[("value", value)]),
            NoSuchUnit(code) => lang.format(Msg::ProblemNoSuchUnit, &[("code", code)]),
            NotYourUnit(code) => lang.format(Msg::ProblemNotYourUnit, &[("code", code)]),
            ForceMismatch { unit, force } => {
                lang.format(Msg::ProblemForceMismatch, &[("unit", unit), ("force", force)])
            }
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
    pub(crate) fn drop_flagged(&mut self) {
        let bad: HashSet<Place> = self.issues.iter().map(|i| i.place).collect();
        self.records.retain(|(place, _)| !bad.contains(place));
        self.issues.sort_by_key(|i| i.place);
    }
}

pub(crate) fn answer_msg(expected: &str) -> Msg {
    if expected == "count" { Msg::AnswerExpectedCount } else { Msg::AnswerExpectedYesNo }
}

/// Longest name or address we accept; longer text is a pasted paragraph, not a name.
pub(crate) const MAX_TEXT: usize = 500;

/// A CSV reader over `input` with named columns. Reports a missing required column once, for the whole file.
pub(crate) struct Table {
    pub(crate) reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
    pub(crate) columns: HashMap<String, usize>,
    /// Where each line ends: the csv crate places a record that follows a blank line at the blank line, so lines
    /// are counted from the bytes instead.
    pub(crate) breaks: Vec<usize>,
}

impl Table {
    pub(crate) fn open(mut input: impl Read, required: &[&str], issues: &mut Vec<RowIssue>) -> Option<Table> {
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
    pub(crate) fn line_of(&self, position: Option<&csv::Position>) -> u64 {
        let Some(position) = position else { return 0 };
        let bytes = self.reader.get_ref().get_ref();
        let mut start = position.byte() as usize;
        while matches!(bytes.get(start), Some(b'\n' | b'\r')) {
            start += 1;
        }
        1 + self.breaks.partition_point(|&i| i < start) as u64
    }

    /// Calls `f` for every well-formed record, with its line; records the CSV's own errors as issues.
    pub(crate) fn each(mut self, issues: &mut Vec<RowIssue>, mut f: impl FnMut(u64, Row<'_>)) {
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
pub(crate) struct Row<'a> {
    pub(crate) record: &'a csv::StringRecord,
    pub(crate) columns: &'a HashMap<String, usize>,
    pub(crate) line: u64,
    pub(crate) issues: Vec<RowIssue>,
}

impl<'a> Row<'a> {
    /// The cell of `column`, read back from what our exports write: a `'` that kept a spreadsheet from reading it
    /// as a formula goes (see [`crate::csv_out`]).
    pub(crate) fn text(&self, column: &str) -> &'a str {
        crate::csv_out::unescape(self.columns.get(column).and_then(|&i| self.record.get(i)).unwrap_or(""))
    }

    pub(crate) fn fail(&mut self, column: &str, problem: Problem) {
        self.issues.push(RowIssue::new(Place::Line(self.line), Some(column), problem));
    }

    pub(crate) fn required(&mut self, column: &str) -> Option<&'a str> {
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

    pub(crate) fn code(&mut self, column: &str) -> Option<RegionCode> {
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
    pub(crate) fn integer(&mut self, column: &str) -> Option<i64> {
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
    pub(crate) fn float(&mut self, column: &str) -> Option<Option<f64>> {
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
    pub(crate) fn coordinates(&mut self) -> Result<Option<LatLng>, ()> {
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

    pub(crate) fn finish<T>(self, value: Option<T>, parsed: &mut Parsed<T>) {
        let clean = self.issues.is_empty();
        parsed.issues.extend(self.issues);
        if let (true, Some(value)) = (clean, value) {
            parsed.records.push((Place::Line(self.line), value));
        }
    }
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
