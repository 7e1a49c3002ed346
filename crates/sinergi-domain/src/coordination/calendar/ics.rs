//! The calendar as iCalendar (RFC 5545), for a phone's calendar to subscribe to, and read back from the same.
//!
//! Written: a VCALENDAR (VERSION, PRODID, CALSCALE, METHOD:PUBLISH, X-WR-CALNAME) with one all-day VEVENT per
//! entry: UID `ENTRY.CALENDAR@sinergi`, stable as long as the ids are; DTSTAMP the stamp the caller passes;
//! DTSTART;VALUE=DATE the first day and DTEND;VALUE=DATE the day after the last (DTEND is exclusive); SUMMARY the
//! label and DESCRIPTION the note in the chosen language; CATEGORIES `stage` or `operation`; TRANSP:TRANSPARENT, so
//! that a stage of months does not mark the phone's owner busy. TEXT values escape `\`, `;`, `,` and line breaks;
//! lines are folded at 75 octets without splitting a UTF-8 character and end in CRLF.
//!
//! Read: LF-only files and folded lines (a line that starts with a space or a tab continues the one before), the
//! VEVENTs of any VCALENDAR, all-day ones only; other components (VTIMEZONE, a VEVENT's VALARM) and unknown
//! properties are passed over. Every fault is named with its line: a line that is not `NAME:VALUE`, a component
//! not closed, a broken or timed date, a missing UID, SUMMARY or DTSTART, an end not after the start, a bad escape,
//! a repeating event.

use crate::i18n::{Lang, Msg};
use crate::import::Problem;

use super::{Calendar, Date, EntryKind, FIRST_DAY, LAST_DAY, check_label, check_note, valid_id};

/// The longest line, in octets, before it is folded (RFC 5545, 3.1), line break excluded.
pub const FOLD_AT: usize = 75;

/// The domain of the UIDs Sinergi writes.
const UID_DOMAIN: &str = "sinergi";

/// The longest UID read, in characters.
const UID_MAX: usize = 255;

/// One all-day event read from an iCalendar file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsEvent {
    /// The line of its `BEGIN:VEVENT`.
    pub line: usize,
    pub uid: String,
    /// From CATEGORIES: `stage` or `operation` (also *tahapan*, *operasi*); `None` when it names neither.
    pub kind: Option<EntryKind>,
    pub summary: String,
    pub description: Option<String>,
    /// The first day.
    pub start: Date,
    /// The last day, included: the day before DTEND, or the first day when there is no DTEND.
    pub end: Date,
}

impl IcsEvent {
    /// The calendar's id and the entry's id, when the UID is one Sinergi writes (`ENTRY.CALENDAR@sinergi`).
    pub fn sinergi_ids(&self) -> Option<(&str, &str)> {
        let (local, domain) = self.uid.rsplit_once('@')?;
        let (entry, calendar) = local.split_once('.')?;
        (domain == UID_DOMAIN && valid_id(entry) && valid_id(calendar)).then_some((calendar, entry))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum IcsProblem {
    /// There is no `BEGIN:VCALENDAR` anywhere.
    NoCalendar,
    /// A line that is not `NAME[;PARAM=VALUE…]:VALUE`, or a continuation with no line before it.
    BadLine,
    /// A `BEGIN:X` without its `END:X` (the line of the BEGIN).
    Unterminated(String),
    /// An `END:X` without a `BEGIN:X` open.
    UnexpectedEnd(String),
    /// A property outside any component.
    OutsideComponent(String),
    /// A VEVENT without UID, SUMMARY or DTSTART (the line of its BEGIN).
    Missing(&'static str),
    /// UID, SUMMARY, DESCRIPTION, DTSTART or DTEND given twice in one VEVENT.
    Duplicate(String),
    /// Not a date `YYYYMMDD` the calendar has.
    BadDate { property: String, value: String },
    /// A DATE-TIME where an all-day DATE is read.
    NotAllDay { property: String, value: String },
    /// A date before [`FIRST_DAY`] or after [`LAST_DAY`].
    DateOutOfRange { property: String, date: Date },
    /// DTEND on or before DTSTART (DTEND is the day after the last).
    EndNotAfterStart { start: Date, end: Date },
    /// A backslash not followed by `\`, `;`, `,`, `n` or `N`.
    BadEscape { property: String, sequence: String },
    /// A UID, SUMMARY or DESCRIPTION that is empty, too long or holds a control character.
    Text { property: String, problem: Problem },
    /// RRULE, RDATE, EXDATE or DURATION: repetitions and durations are not read.
    Unsupported(String),
}

/// A fault of an iCalendar file, with its line (the first line of a folded one), counted from 1.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.message(Lang::En))]
pub struct IcsError {
    pub line: usize,
    pub problem: IcsProblem,
}

impl IcsError {
    /// "line N: reason", in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        use IcsProblem as P;
        let reason = match &self.problem {
            P::NoCalendar => lang.t(Msg::IcsNoCalendar).to_owned(),
            P::BadLine => lang.t(Msg::IcsBadLine).to_owned(),
            P::Unterminated(c) => lang.format(Msg::IcsUnterminated, &[("component", c)]),
            P::UnexpectedEnd(c) => lang.format(Msg::IcsUnexpectedEnd, &[("component", c)]),
            P::OutsideComponent(p) => lang.format(Msg::IcsOutsideComponent, &[("property", p)]),
            P::Missing(p) => lang.format(Msg::IcsMissing, &[("property", p)]),
            P::Duplicate(p) => lang.format(Msg::IcsDuplicate, &[("property", p)]),
            P::BadDate { property, value } => lang.format(Msg::IcsBadDate, &[("property", property), ("value", value)]),
            P::NotAllDay { property, value } => {
                lang.format(Msg::IcsNotAllDay, &[("property", property), ("value", value)])
            }
            P::DateOutOfRange { property, date } => {
                let detail = Problem::OutOfRange {
                    value: date.to_string(),
                    min: FIRST_DAY.to_string(),
                    max: LAST_DAY.to_string(),
                }
                .message(lang);
                lang.format(Msg::IcsBadText, &[("property", property), ("detail", &detail)])
            }
            P::EndNotAfterStart { start, end } => {
                lang.format(Msg::IcsEndNotAfterStart, &[("start", &start.basic()), ("end", &end.basic())])
            }
            P::BadEscape { property, sequence } => {
                lang.format(Msg::IcsBadEscape, &[("property", property), ("sequence", sequence)])
            }
            P::Text { property, problem } => {
                lang.format(Msg::IcsBadText, &[("property", property), ("detail", &problem.message(lang))])
            }
            P::Unsupported(p) => lang.format(Msg::IcsUnsupported, &[("property", p)]),
        };
        format!("{}: {reason}", lang.format(Msg::IcsPlaceLine, &[("line", &self.line)]))
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

/// Appends one content line, folded at [`FOLD_AT`] octets on character boundaries, with its CRLF.
fn push_folded(out: &mut String, line: &str) {
    let mut rest = line;
    // The first line holds 75 octets; each continuation a space and 74.
    let mut room = FOLD_AT;
    while rest.len() > room {
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = FOLD_AT - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

/// A TEXT value: `\`, `;`, `,` and line breaks escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.replace("\r\n", "\n").chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' | '\r' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// `YYYYMMDDTHHMMSSZ` for an instant in ms since the epoch; instants beyond the years 1 to 9999 are held at them.
fn utc_stamp(ms: i64) -> String {
    const DAY_MS: i64 = 86_400_000;
    let days = ms.div_euclid(DAY_MS);
    let seconds = ms.rem_euclid(DAY_MS) / 1000;
    let date = Date::from_days_since_epoch(days).unwrap_or(if days < 0 { Date::MIN } else { Date::MAX });
    format!("{}T{:02}{:02}{:02}Z", date.basic(), seconds / 3600, seconds / 60 % 60, seconds % 60)
}

pub(super) fn write(calendar: &Calendar, lang: Lang, stamp_ms: i64) -> String {
    let mut out = String::new();
    let mut line = |text: &str| push_folded(&mut out, text);
    let stamp = utc_stamp(stamp_ms);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line(&format!("PRODID:-//Sinergi//{}//{}", calendar.id, lang.code().to_uppercase()));
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line(&format!("X-WR-CALNAME:{}", escape(calendar.label.get(lang))));
    for entry in &calendar.entries {
        line("BEGIN:VEVENT");
        line(&format!("UID:{}.{}@{UID_DOMAIN}", entry.id, calendar.id));
        line(&format!("DTSTAMP:{stamp}"));
        line(&format!("DTSTART;VALUE=DATE:{}", entry.start.basic()));
        // A calendar's days end at LAST_DAY, so the day after exists; an entry built by hand at 9999-12-31 is held.
        line(&format!("DTEND;VALUE=DATE:{}", entry.end.plus_days(1).unwrap_or(Date::MAX).basic()));
        line(&format!("SUMMARY:{}", escape(entry.label.get(lang))));
        if let Some(note) = &entry.note {
            line(&format!("DESCRIPTION:{}", escape(note.get(lang))));
        }
        line(&format!("CATEGORIES:{}", entry.kind.as_str()));
        line("TRANSP:TRANSPARENT");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

/// A content line, unfolded: its name in upper case, its parameters (names in upper case, quotes removed) and its
/// value as written.
struct ContentLine {
    line: usize,
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

/// The logical lines of the text with the number of the physical line each starts on: CRLF or LF, continuation
/// lines (starting with a space or a tab) joined to the line before, empty lines dropped.
fn unfold(text: &str, errors: &mut Vec<IcsError>) -> Vec<(usize, String)> {
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = raw.strip_prefix([' ', '\t']) {
            match lines.last_mut() {
                Some((_, logical)) => logical.push_str(rest),
                None => errors.push(IcsError { line: i + 1, problem: IcsProblem::BadLine }),
            }
        } else if !raw.is_empty() {
            lines.push((i + 1, raw.to_owned()));
        }
    }
    lines
}

fn is_name(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// `NAME *(;PARAM=VALUE[,VALUE]) : VALUE`, parameter values possibly quoted; `None` when the line is not of it.
fn parse_line(line: usize, text: &str) -> Option<ContentLine> {
    let name_end = text.find([';', ':'])?;
    let name = &text[..name_end];
    if !is_name(name) {
        return None;
    }
    let mut params = Vec::new();
    let mut rest = &text[name_end..];
    loop {
        if let Some(value) = rest.strip_prefix(':') {
            return Some(ContentLine { line, name: name.to_ascii_uppercase(), params, value: value.to_owned() });
        }
        rest = rest.strip_prefix(';')?;
        let (param, after) = rest.split_once('=')?;
        if !is_name(param) {
            return None;
        }
        rest = after;
        let mut value = String::new();
        loop {
            if let Some(quoted) = rest.strip_prefix('"') {
                let close = quoted.find('"')?;
                value.push_str(&quoted[..close]);
                rest = &quoted[close + 1..];
            } else {
                let end = rest.find([',', ';', ':'])?;
                value.push_str(&rest[..end]);
                rest = &rest[end..];
            }
            match rest.strip_prefix(',') {
                Some(after) => {
                    value.push(',');
                    rest = after;
                }
                None => break,
            }
        }
        params.push((param.to_ascii_uppercase(), value));
    }
}

/// A TEXT value unescaped, or, with `split`, a list of them separated by unescaped commas. `Err` holds the first
/// bad escape sequence.
fn unescape(value: &str, split: bool) -> Result<Vec<String>, String> {
    let mut items = vec![String::new()];
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        let current = items.last_mut().ok_or_else(String::new)?;
        match c {
            '\\' => match chars.next() {
                Some('\\') => current.push('\\'),
                Some(';') => current.push(';'),
                Some(',') => current.push(','),
                Some('n' | 'N') => current.push('\n'),
                Some(other) => return Err(format!("\\{other}")),
                None => return Err("\\".to_owned()),
            },
            ',' if split => items.push(String::new()),
            c => current.push(c),
        }
    }
    Ok(items)
}

/// What is read of one VEVENT while its lines come.
struct EventBuilder {
    begin: usize,
    seen: Vec<String>,
    faulty: bool,
    uid: Option<String>,
    summary: Option<String>,
    description: Option<String>,
    start: Option<(Date, usize)>,
    end: Option<(Date, usize)>,
    kind: Option<EntryKind>,
}

impl EventBuilder {
    fn new(begin: usize) -> EventBuilder {
        EventBuilder {
            begin,
            seen: Vec::new(),
            faulty: false,
            uid: None,
            summary: None,
            description: None,
            start: None,
            end: None,
            kind: None,
        }
    }

    fn take(&mut self, cl: ContentLine, errors: &mut Vec<IcsError>) {
        let mut fail = |problem| {
            errors.push(IcsError { line: cl.line, problem });
            self.faulty = true;
        };
        let name = cl.name.as_str();
        if matches!(name, "UID" | "SUMMARY" | "DESCRIPTION" | "DTSTART" | "DTEND") {
            if self.seen.iter().any(|s| s == name) {
                return fail(IcsProblem::Duplicate(cl.name.clone()));
            }
            self.seen.push(cl.name.clone());
        }
        let text = |split| {
            unescape(&cl.value, split).map_err(|sequence| IcsProblem::BadEscape { property: cl.name.clone(), sequence })
        };
        let one = |check: fn(&str) -> Result<String, Problem>| -> Result<String, IcsProblem> {
            let value = text(false)?.concat();
            check(&value).map_err(|problem| IcsProblem::Text { property: cl.name.clone(), problem })
        };
        match name {
            "UID" => match one(|v| crate::text::check(v, UID_MAX, crate::text::Lines::One)) {
                Ok(uid) => self.uid = Some(uid),
                Err(problem) => fail(problem),
            },
            "SUMMARY" => match one(check_label) {
                Ok(summary) => self.summary = Some(summary),
                Err(problem) => fail(problem),
            },
            "DESCRIPTION" => match text(false) {
                // An empty description is no description.
                Ok(parts) if parts.concat().trim().is_empty() => {}
                Ok(_) => match one(check_note) {
                    Ok(description) => self.description = Some(description),
                    Err(problem) => fail(problem),
                },
                Err(problem) => fail(problem),
            },
            "DTSTART" | "DTEND" => match date_value(&cl) {
                Ok(date) if name == "DTSTART" => self.start = Some((date, cl.line)),
                Ok(date) => self.end = Some((date, cl.line)),
                Err(problem) => fail(problem),
            },
            "CATEGORIES" => match text(true) {
                Ok(categories) => {
                    if let Some(kind) = categories.iter().find_map(|c| EntryKind::parse(c)) {
                        self.kind.get_or_insert(kind);
                    }
                }
                Err(problem) => fail(problem),
            },
            "RRULE" | "RDATE" | "EXDATE" | "DURATION" => fail(IcsProblem::Unsupported(cl.name.clone())),
            _ => {}
        }
    }

    fn finish(self, errors: &mut Vec<IcsError>) -> Option<IcsEvent> {
        let mut fail = |line, problem| errors.push(IcsError { line, problem });
        for property in ["UID", "SUMMARY", "DTSTART"] {
            if !self.seen.iter().any(|s| s == property) {
                fail(self.begin, IcsProblem::Missing(property));
            }
        }
        let (start, start_line) = self.start?;
        let mut sound = !self.faulty;
        let mut in_range = |date: Date, line: usize, property: &str| {
            if !(FIRST_DAY..=LAST_DAY).contains(&date) {
                fail(line, IcsProblem::DateOutOfRange { property: property.to_owned(), date });
                sound = false;
            }
        };
        in_range(start, start_line, "DTSTART");
        let end = match self.end {
            // No DTEND: a one-day event (RFC 5545, 3.6.1).
            None => start,
            Some((end, line)) if end <= start => {
                fail(line, IcsProblem::EndNotAfterStart { start, end });
                return None;
            }
            Some((end, line)) => {
                let last = end.plus_days(-1).unwrap_or(start);
                in_range(last, line, "DTEND");
                last
            }
        };
        if !sound {
            return None;
        }
        Some(IcsEvent {
            line: self.begin,
            uid: self.uid?,
            kind: self.kind,
            summary: self.summary?,
            description: self.description,
            start,
            end,
        })
    }
}

/// An all-day date: `YYYYMMDD`, with `VALUE=DATE` or no VALUE parameter.
fn date_value(cl: &ContentLine) -> Result<Date, IcsProblem> {
    let value = cl.value.trim();
    let timed =
        cl.params.iter().any(|(k, v)| k == "VALUE" && !v.eq_ignore_ascii_case("DATE")) || value.contains(['T', 't']);
    let shown = || value.chars().take(40).collect::<String>();
    if timed {
        return Err(IcsProblem::NotAllDay { property: cl.name.clone(), value: shown() });
    }
    Date::parse_basic(value).ok_or_else(|| IcsProblem::BadDate { property: cl.name.clone(), value: shown() })
}

/// Reads the all-day events of an iCalendar file. Every fault is reported, each with its line, in the order of
/// the lines; nothing is returned when there is any.
pub fn from_ics(text: &str) -> Result<Vec<IcsEvent>, Vec<IcsError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut errors = Vec::new();
    let lines = unfold(text, &mut errors);
    // The open components, each with the line of its BEGIN.
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut saw_calendar = false;
    let mut event: Option<EventBuilder> = None;
    let mut events = Vec::new();
    for (line, raw) in lines {
        let Some(cl) = parse_line(line, &raw) else {
            errors.push(IcsError { line, problem: IcsProblem::BadLine });
            continue;
        };
        match cl.name.as_str() {
            "BEGIN" => {
                let component = cl.value.trim().to_ascii_uppercase();
                saw_calendar |= component == "VCALENDAR";
                // A VEVENT inside a VEVENT is not one of the calendar's: its lines are passed over.
                if component == "VEVENT" && !open.iter().any(|(c, _)| c == "VEVENT") {
                    event = Some(EventBuilder::new(line));
                }
                open.push((component, line));
            }
            "END" => {
                let component = cl.value.trim().to_ascii_uppercase();
                match open.iter().rposition(|(c, _)| *c == component) {
                    None => errors.push(IcsError { line, problem: IcsProblem::UnexpectedEnd(component) }),
                    Some(at) => {
                        for (inner, begin) in open.drain(at + 1..) {
                            errors.push(IcsError { line: begin, problem: IcsProblem::Unterminated(inner) });
                        }
                        open.pop();
                        // Once no VEVENT is open, the one read is done: kept when its END came, dropped when an
                        // outer END closed it unterminated.
                        if !open.iter().any(|(c, _)| c == "VEVENT")
                            && let Some(builder) = event.take()
                            && component == "VEVENT"
                            && let Some(read) = builder.finish(&mut errors)
                        {
                            events.push(read);
                        }
                    }
                }
            }
            _ => match open.last() {
                None => errors.push(IcsError { line, problem: IcsProblem::OutsideComponent(cl.name) }),
                Some((top, _)) if top == "VEVENT" => {
                    if let Some(builder) = event.as_mut() {
                        builder.take(cl, &mut errors);
                    }
                }
                // A property of the calendar itself or of another component: not read.
                Some(_) => {}
            },
        }
    }
    for (component, begin) in open {
        errors.push(IcsError { line: begin, problem: IcsProblem::Unterminated(component) });
    }
    if !saw_calendar {
        errors.push(IcsError { line: 1, problem: IcsProblem::NoCalendar });
    }
    if errors.is_empty() {
        Ok(events)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}
