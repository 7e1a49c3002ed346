//! The election calendar as data: the stages (*tahapan*) of an election and the phases of the police operation
//! that secures it, each a span of whole days, read from a TOML file and checked whole like a taxonomy.
//!
//! A calendar file (`calendars/pilkada-2024.toml` ships with the crate) holds the calendar's `id`, its `label` and
//! `label_en`, the `voting_day`, and entries in two arrays, `[[stage]]` and `[[operation]]`. Each entry has an `id`,
//! a `label` and `label_en`, a `start` and an `end` (`YYYY-MM-DD`, both days included: a one-day stage has
//! `start == end`) and optionally a `note` and `note_en` (both or neither). Ids are unique across both arrays
//! (they name the entry in the iCalendar export); the stage with the id [`VOTING_STAGE`] must exist and hold the
//! voting day. Every fault is reported with its place: the line and column for TOML syntax and unknown fields,
//! else the entry (`stage[3]`, counted from 1) and its field.
//!
//! [`Calendar::current`] answers what a page shows: the stages and phases in force on a day, the next stage, the
//! days to voting day. [`Calendar::to_ics`] writes the calendar as iCalendar (RFC 5545) and [`from_ics`] reads
//! such a file back (`ics.rs`); [`Date`] is the calendar's own date type (`date.rs`).

pub mod date;
pub mod edit;
pub mod ics;

use serde::Deserialize;

use crate::i18n::{Lang, Msg};
use crate::import::Problem;
use crate::text::{self, Lines};

pub use date::{Date, Weekday};
pub use edit::ImportFaults;
pub use ics::{IcsError, IcsEvent, IcsProblem, from_ics};

/// A text in Bahasa Indonesia and English.
pub use crate::vulnerability::Text;

/// The id of the stage that must hold the voting day (*pemungutan suara*, the vote).
pub const VOTING_STAGE: &str = "pemungutan_suara";

/// The longest label, in characters.
pub const LABEL_MAX: usize = 200;

/// The longest note, in characters.
pub const NOTE_MAX: usize = 2000;

/// The longest id, in characters.
pub const ID_MAX: usize = 40;

/// The first and the last day a calendar may name: an election calendar lies in the years people plan for, and a
/// year typed wrong (`1024`, `20244`) is refused rather than kept.
pub const FIRST_DAY: Date = match Date::new(1900, 1, 1) {
    Some(d) => d,
    None => Date::MIN,
};
pub const LAST_DAY: Date = match Date::new(2199, 12, 31) {
    Some(d) => d,
    None => Date::MAX,
};

/// The shipped calendar: Pilkada Serentak 2024 and Operasi Mantap Praja Candi 2024–2025 (Polda Jawa Tengah).
pub const SHIPPED_CALENDAR: &str = include_str!("../../../calendars/pilkada-2024.toml");

/// What an entry is: a stage of the election or a phase of the police operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A stage (*tahapan*) of the election, as the election commission's regulation schedules it.
    Stage,
    /// A phase of the police operation that secures the election.
    Operation,
}

impl EntryKind {
    /// `stage` or `operation`: the key of its array in a calendar file and its CATEGORIES in iCalendar.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Stage => "stage",
            EntryKind::Operation => "operation",
        }
    }

    /// Reads `stage`/`tahapan` or `operation`/`operasi`, in any case.
    pub fn parse(text: &str) -> Option<EntryKind> {
        match text.trim().to_lowercase().as_str() {
            "stage" | "tahapan" => Some(EntryKind::Stage),
            "operation" | "operasi" => Some(EntryKind::Operation),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        lang.t(match self {
            EntryKind::Stage => Msg::CalKindStage,
            EntryKind::Operation => Msg::CalKindOperation,
        })
    }
}

/// A stage of the election or a phase of the operation: whole days from `start` to `end`, both included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub kind: EntryKind,
    pub label: Text,
    pub start: Date,
    pub end: Date,
    pub note: Option<Text>,
}

impl Entry {
    /// Whether the entry is in force on `day`.
    pub fn contains(&self, day: Date) -> bool {
        self.start <= day && day <= self.end
    }

    /// Its length in days, both ends counted (1 for a one-day stage).
    pub fn days(&self) -> i64 {
        self.start.days_until(self.end) + 1
    }
}

/// An election's calendar: the voting day, the stages of the election and the phases of the police operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub id: String,
    pub label: Text,
    pub voting_day: Date,
    /// The stages in the order of the file, then the phases of the operation in the order of the file.
    pub entries: Vec<Entry>,
}

/// What a page shows of the calendar on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current<'a> {
    pub today: Date,
    /// The stages in force, the most specific first: the shortest, then the one that started last, then the order
    /// of the file. Empty before the first stage, after the last, and between two.
    pub stages: Vec<&'a Entry>,
    /// The phases of the operation in force, in the same order.
    pub operations: Vec<&'a Entry>,
    /// The stage that starts next after today (the earliest start; on a tie, the shortest, then the file's first).
    pub next_stage: Option<&'a Entry>,
    /// Days from today to voting day: 0 on voting day, negative after it.
    pub days_to_voting: i64,
}

impl Current<'_> {
    /// "12 hari menuju hari pemungutan suara", "hari ini hari pemungutan suara", "3 hari setelah hari pemungutan
    /// suara", and the like in English.
    pub fn countdown(&self, lang: Lang) -> String {
        let days = lang.number(self.days_to_voting.unsigned_abs());
        match self.days_to_voting {
            2.. => lang.format(Msg::CalDaysToVoting, &[("days", &days)]),
            1 => lang.t(Msg::CalVotingTomorrow).to_owned(),
            0 => lang.t(Msg::CalVotingToday).to_owned(),
            -1 => lang.t(Msg::CalVotingYesterday).to_owned(),
            _ => lang.format(Msg::CalDaysAfterVoting, &[("days", &days)]),
        }
    }
}

/// Where in a calendar file a fault is. Entries are counted from 0 here and from 1 in messages and paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarPlace {
    /// In the text itself: TOML syntax, a field of the wrong type, an unknown field.
    File { line: usize, column: usize },
    /// A top-level field: `id`, `label`, `label_en`, `voting_day`, or the array `stage`.
    Field(&'static str),
    /// A field of the n-th `[[stage]]`.
    Stage { n: usize, field: &'static str },
    /// A field of the n-th `[[operation]]`.
    Operation { n: usize, field: &'static str },
}

#[derive(Debug, Clone, PartialEq)]
pub enum CalendarProblem {
    Syntax(String),
    BadId(String),
    DuplicateId(String),
    /// A label or a note that is empty, too long or holds a control character.
    Text(Problem),
    /// Not a date `YYYY-MM-DD` that the calendar has (what was written).
    BadDate(String),
    /// A date before [`FIRST_DAY`] or after [`LAST_DAY`].
    DateOutOfRange(Date),
    EndBeforeStart {
        start: Date,
        end: Date,
    },
    /// `note` without `note_en`, or the other way round.
    HalfNote,
    NoStages,
    /// No stage has the id [`VOTING_STAGE`].
    NoVotingStage,
    /// The voting day lies outside the stage [`VOTING_STAGE`].
    VotingOutsideStage {
        day: Date,
        start: Date,
        end: Date,
    },
}

/// A fault of a calendar file, with its place.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub struct CalendarError {
    pub place: CalendarPlace,
    pub problem: CalendarProblem,
}

impl CalendarError {
    /// "PLACE: reason", in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        let place = match self.place {
            CalendarPlace::File { line, column } => {
                lang.format(Msg::SetPlaceFile, &[("line", &line), ("column", &column)])
            }
            CalendarPlace::Field(field) => field.to_owned(),
            CalendarPlace::Stage { n, field } => lang.format(Msg::CalPlaceStage, &[("n", &(n + 1)), ("field", &field)]),
            CalendarPlace::Operation { n, field } => {
                lang.format(Msg::CalPlaceOperation, &[("n", &(n + 1)), ("field", &field)])
            }
        };
        let reason = match &self.problem {
            CalendarProblem::Syntax(text) => text.clone(),
            CalendarProblem::BadId(id) => lang.format(Msg::CalBadId, &[("id", id), ("max", &ID_MAX)]),
            CalendarProblem::DuplicateId(id) => lang.format(Msg::SetDuplicateId, &[("id", id)]),
            CalendarProblem::Text(problem) => problem.message(lang),
            CalendarProblem::BadDate(value) => lang.format(Msg::CalBadDate, &[("value", value)]),
            CalendarProblem::DateOutOfRange(date) => {
                Problem::OutOfRange { value: date.to_string(), min: FIRST_DAY.to_string(), max: LAST_DAY.to_string() }
                    .message(lang)
            }
            CalendarProblem::EndBeforeStart { start, end } => {
                lang.format(Msg::CalEndBeforeStart, &[("start", start), ("end", end)])
            }
            CalendarProblem::HalfNote => lang.t(Msg::CalHalfNote).to_owned(),
            CalendarProblem::NoStages => lang.t(Msg::CalNoStages).to_owned(),
            CalendarProblem::NoVotingStage => lang.format(Msg::CalNoVotingStage, &[("id", &VOTING_STAGE)]),
            CalendarProblem::VotingOutsideStage { day, start, end } => lang.format(
                Msg::CalVotingOutsideStage,
                &[("day", day), ("id", &VOTING_STAGE), ("start", start), ("end", end)],
            ),
        };
        format!("{place}: {reason}")
    }

    /// Where the fault is, for machines: `line:3:1` for a fault in the text itself, the top-level field
    /// (`voting_day`, `stage`), or the entry counted from 1 and its field (`stage[2].end`, `operation[1].label_en`).
    pub fn path(&self) -> String {
        match self.place {
            CalendarPlace::File { line, column } => format!("line:{line}:{column}"),
            CalendarPlace::Field(field) => field.to_owned(),
            CalendarPlace::Stage { n, field } => format!("stage[{}].{field}", n + 1),
            CalendarPlace::Operation { n, field } => format!("operation[{}].{field}", n + 1),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCalendar {
    id: String,
    label: String,
    label_en: String,
    voting_day: toml::Value,
    #[serde(default, rename = "stage")]
    stages: Vec<FileEntry>,
    #[serde(default, rename = "operation")]
    operations: Vec<FileEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEntry {
    id: String,
    label: String,
    label_en: String,
    /// A string `"2024-11-27"` or a TOML date `2024-11-27`; anything else is a fault placed at its field.
    start: toml::Value,
    end: toml::Value,
    note: Option<String>,
    note_en: Option<String>,
}

/// An id of the simple form: a lowercase letter, then lowercase letters, digits and `_`, at most [`ID_MAX`] in all.
/// No `.`, `@` or `-`, so that the iCalendar UID `ENTRY.CALENDAR@sinergi` splits back without doubt.
pub fn valid_id(id: &str) -> bool {
    id.len() <= ID_MAX
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A label as stored: one line, trimmed, at most [`LABEL_MAX`] characters.
pub fn check_label(text: &str) -> Result<String, Problem> {
    text::check(text, LABEL_MAX, Lines::One)
}

/// A note as stored: trimmed, at most [`NOTE_MAX`] characters, line breaks as `\n` (a lone carriage return too).
pub fn check_note(text: &str) -> Result<String, Problem> {
    text::check(text, NOTE_MAX, Lines::Many).map(|t| t.replace('\r', "\n"))
}

/// Collects the faults of one file while it is read.
struct Checker {
    errors: Vec<CalendarError>,
}

impl Checker {
    fn fail(&mut self, place: CalendarPlace, problem: CalendarProblem) {
        self.errors.push(CalendarError { place, problem });
    }

    fn text(&mut self, place: CalendarPlace, text: &str, check: fn(&str) -> Result<String, Problem>) -> String {
        check(text).unwrap_or_else(|problem| {
            self.fail(place, CalendarProblem::Text(problem));
            String::new()
        })
    }

    fn date(&mut self, place: CalendarPlace, value: &toml::Value) -> Option<Date> {
        let text = match value {
            toml::Value::String(s) => s.clone(),
            toml::Value::Datetime(d) => d.to_string(),
            other => other.type_str().to_owned(),
        };
        match Date::parse(&text) {
            None => {
                self.fail(place, CalendarProblem::BadDate(text.chars().take(40).collect()));
                None
            }
            Some(date) if !(FIRST_DAY..=LAST_DAY).contains(&date) => {
                self.fail(place, CalendarProblem::DateOutOfRange(date));
                None
            }
            Some(date) => Some(date),
        }
    }
}

impl Calendar {
    /// Reads and checks a calendar file. Every fault is reported, each with its place.
    pub fn from_toml(text: &str) -> Result<Calendar, Vec<CalendarError>> {
        let file: FileCalendar = toml::from_str(text).map_err(|e| {
            let before = &text[..e.span().map_or(0, |s| s.start).min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            vec![CalendarError {
                place: CalendarPlace::File { line, column },
                problem: CalendarProblem::Syntax(e.message().to_owned()),
            }]
        })?;
        let mut c = Checker { errors: Vec::new() };
        if !valid_id(&file.id) {
            c.fail(CalendarPlace::Field("id"), CalendarProblem::BadId(file.id.clone()));
        }
        let label = Text {
            id: c.text(CalendarPlace::Field("label"), &file.label, check_label),
            en: c.text(CalendarPlace::Field("label_en"), &file.label_en, check_label),
        };
        let voting_day = c.date(CalendarPlace::Field("voting_day"), &file.voting_day);
        if file.stages.is_empty() {
            c.fail(CalendarPlace::Field("stage"), CalendarProblem::NoStages);
        }
        let mut entries = Vec::new();
        let mut ids = std::collections::HashSet::new();
        let arrays = [(EntryKind::Stage, &file.stages), (EntryKind::Operation, &file.operations)];
        for (kind, array) in arrays {
            for (n, e) in array.iter().enumerate() {
                let at = |field| match kind {
                    EntryKind::Stage => CalendarPlace::Stage { n, field },
                    EntryKind::Operation => CalendarPlace::Operation { n, field },
                };
                if !valid_id(&e.id) {
                    c.fail(at("id"), CalendarProblem::BadId(e.id.clone()));
                } else if !ids.insert(e.id.clone()) {
                    c.fail(at("id"), CalendarProblem::DuplicateId(e.id.clone()));
                }
                let label = Text {
                    id: c.text(at("label"), &e.label, check_label),
                    en: c.text(at("label_en"), &e.label_en, check_label),
                };
                let note = match (&e.note, &e.note_en) {
                    (Some(id), Some(en)) => {
                        Some(Text { id: c.text(at("note"), id, check_note), en: c.text(at("note_en"), en, check_note) })
                    }
                    (None, None) => None,
                    (Some(_), None) | (None, Some(_)) => {
                        c.fail(at(if e.note.is_some() { "note_en" } else { "note" }), CalendarProblem::HalfNote);
                        None
                    }
                };
                let (start, end) = (c.date(at("start"), &e.start), c.date(at("end"), &e.end));
                if let (Some(start), Some(end)) = (start, end) {
                    if end < start {
                        c.fail(at("end"), CalendarProblem::EndBeforeStart { start, end });
                    }
                    entries.push(Entry { id: e.id.clone(), kind, label, start, end, note });
                }
            }
        }
        // The voting stage holds the voting day (unless either is already at fault).
        if let Some(day) = voting_day
            && !file.stages.is_empty()
        {
            let voting = |e: &&Entry| e.kind == EntryKind::Stage && e.id == VOTING_STAGE;
            if !file.stages.iter().any(|s| s.id == VOTING_STAGE) {
                c.fail(CalendarPlace::Field("voting_day"), CalendarProblem::NoVotingStage);
            } else if let Some(stage) = entries.iter().find(voting)
                && stage.start <= stage.end
                && !stage.contains(day)
            {
                let (start, end) = (stage.start, stage.end);
                c.fail(CalendarPlace::Field("voting_day"), CalendarProblem::VotingOutsideStage { day, start, end });
            }
        }
        match voting_day {
            Some(voting_day) if c.errors.is_empty() => Ok(Calendar { id: file.id, label, voting_day, entries }),
            _ => Err(c.errors),
        }
    }

    /// The shipped calendar (Pilkada Serentak 2024).
    pub fn shipped() -> Calendar {
        // Checked by a unit test; a broken shipped file is a build mistake, not input.
        Calendar::from_toml(SHIPPED_CALENDAR).unwrap_or_else(|_| Calendar {
            id: "empty".into(),
            label: Text { id: String::new(), en: String::new() },
            voting_day: FIRST_DAY,
            entries: Vec::new(),
        })
    }

    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    pub fn stages(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.kind == EntryKind::Stage)
    }

    pub fn operations(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.kind == EntryKind::Operation)
    }

    /// Days from `today` to voting day: 0 on voting day, negative after it.
    pub fn days_to_voting(&self, today: Date) -> i64 {
        today.days_until(self.voting_day)
    }

    /// A day as officers count it from voting day: `H-3` three days before, `H` on the day, `H+2` two days after
    /// (*hari H*; the same in English, as a term of the field).
    pub fn h_day(&self, day: Date) -> String {
        match self.days_to_voting(day) {
            0 => "H".to_owned(),
            n if n > 0 => format!("H-{n}"),
            n => format!("H+{}", n.unsigned_abs()),
        }
    }

    /// The stage in force on `day` (the most specific) with the day counted from voting day, for the head of a
    /// meeting or a report: "Masa Kampanye · H-12"; only the count when no stage holds that day.
    pub fn stage_on(&self, day: Date, lang: Lang) -> String {
        match self.current(day).stages.first() {
            Some(stage) => format!("{} · {}", stage.label.get(lang), self.h_day(day)),
            None => self.h_day(day),
        }
    }

    /// The stages and phases in force on `today`, the next stage, and the days to voting day.
    pub fn current(&self, today: Date) -> Current<'_> {
        // The most specific first: the shortest, then the one that started last; a stable sort keeps the file's
        // order on a tie.
        let in_force = |kind| {
            let mut v: Vec<&Entry> = self.entries.iter().filter(|e| e.kind == kind && e.contains(today)).collect();
            v.sort_by_key(|e| (e.days(), std::cmp::Reverse(e.start)));
            v
        };
        let next_stage = self.stages().filter(|e| e.start > today).min_by_key(|e| (e.start, e.days()));
        Current {
            today,
            stages: in_force(EntryKind::Stage),
            operations: in_force(EntryKind::Operation),
            next_stage,
            days_to_voting: self.days_to_voting(today),
        }
    }

    /// The calendar as iCalendar (RFC 5545), its texts in `lang`: one all-day event per entry. `stamp_ms` (ms since
    /// the epoch, UTC) is written as every event's DTSTAMP: the caller passes the time the calendar was last
    /// changed (a stored version's time), never the clock, so the same calendar always gives the same bytes.
    pub fn to_ics(&self, lang: Lang, stamp_ms: i64) -> String {
        ics::write(self, lang, stamp_ms)
    }
}

#[cfg(test)]
mod tests;
