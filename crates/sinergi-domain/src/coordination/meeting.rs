//! The coordination meeting (*rapat koordinasi lintas sektoral*): what it is, who takes part, what it decided, and
//! the rules every entry point checks before anything is stored.
//!
//! A meeting is one aggregate: its head (title, place, time, the convening unit, the region it is held for), the
//! invited units with their attendance, walk-in attendees, the agenda, each agency's briefing (*paparan*), the
//! minutes (*notulen*) and the numbered decisions (*keputusan*). The storage keeps it whole and writes it whole, so
//! a change is either all there or not at all. The action items that follow from decisions live beside it
//! (`follow_up.rs`): they are listed across meetings and owned by other units.
//!
//! Input as typed is read into drafts ([`MeetingDraft::check`], [`AttendanceDraft::check`], …) that name every
//! fault with its field; what needs the database (does the unit exist, where is it) the service asks, and the
//! rules that decide on what it found are here ([`in_reach`], [`Meeting::check_owner`]).

use serde::{Deserialize, Serialize};

use crate::access::{Action, Viewer};
use crate::coordination::calendar::Date;
use crate::i18n::{Lang, Msg};
use crate::import::{Problem, parse_wib_time};
use crate::region::{Level, RegionCode};
use crate::registry::agency::AgencyKind;
use crate::text::{self, Lines};
use crate::trust::auth::{Classification, Role};

/// The longest title, place, name or position, in characters.
pub const MAX_LINE: usize = 200;
/// The longest theme, agenda item or decision, in characters.
pub const MAX_ITEM: usize = 2000;
/// The longest briefing or minutes, in characters.
pub const MAX_TEXT: usize = 20_000;
/// The most invited units, agenda items, walk-ins or decisions a meeting holds.
pub const MAX_ENTRIES: usize = 200;
/// The longest a meeting may last: two days (a rakor is a morning; a retreat-style *rapat kerja* two days).
pub const MAX_DURATION_MS: i64 = 2 * 24 * 3_600_000;
/// Milliseconds of a day.
const DAY_MS: i64 = 86_400_000;
/// WIB is UTC+7.
const WIB_MS: i64 = 7 * 3_600_000;

word_enum! {
    /// Where a meeting is in its life: *rencana → berlangsung → selesai*, or *dibatalkan*.
    MeetingStatus {
        /// Planned (*rencana*): invitations out, agenda being set.
        Planned => "planned",
        /// In progress (*berlangsung*): attendance and briefings being recorded.
        InProgress => "in_progress",
        /// Held (*selesai*): minutes and decisions final; action items followed up.
        Done => "done",
        /// Cancelled (*dibatalkan*), with a reason.
        Cancelled => "cancelled",
    }
}

impl MeetingStatus {
    pub const ALL: [MeetingStatus; 4] =
        [MeetingStatus::Planned, MeetingStatus::InProgress, MeetingStatus::Done, MeetingStatus::Cancelled];

    pub fn label(self, lang: Lang) -> &'static str {
        lang.t(match self {
            MeetingStatus::Planned => Msg::MeetingPlanned,
            MeetingStatus::InProgress => Msg::MeetingInProgress,
            MeetingStatus::Done => Msg::MeetingDone,
            MeetingStatus::Cancelled => Msg::MeetingCancelled,
        })
    }

    /// The moves a meeting may make: forward (a meeting recorded after the fact may go from planned to held at
    /// once), or to cancelled before it is held. Held and cancelled are final.
    pub fn may_become(self, next: MeetingStatus) -> bool {
        use MeetingStatus::*;
        matches!((self, next), (Planned, InProgress) | (Planned | InProgress, Done) | (Planned | InProgress, Cancelled))
    }
}

word_enum! {
    /// An invited unit's attendance.
    Attendance {
        /// Invited; nothing recorded yet.
        Invited => "invited",
        /// Present: the invited officer came (name and rank or position recorded).
        Present => "present",
        /// Represented (*diwakili*): someone else came in the officer's place.
        Represented => "represented",
        /// Absent.
        Absent => "absent",
    }
}

impl Attendance {
    pub fn label(self, lang: Lang) -> &'static str {
        lang.t(match self {
            Attendance::Invited => Msg::AttendanceInvited,
            Attendance::Present => Msg::AttendancePresent,
            Attendance::Represented => Msg::AttendanceRepresented,
            Attendance::Absent => Msg::AttendanceAbsent,
        })
    }

    /// Present in person or by a representative.
    pub fn attended(self) -> bool {
        matches!(self, Attendance::Present | Attendance::Represented)
    }
}

/// The level of a meeting: the level of the region it is held for.
pub fn meeting_level(region: &RegionCode) -> Option<Level> {
    match region.level() {
        level @ (Level::Province | Level::Regency | Level::District) => Some(level),
        Level::Village => None,
    }
}

/// Whether a unit of territory `unit` may be invited to a meeting held for `region`: units in the region and units
/// above it (a Polda to a regency's rakor), not those of a neighbouring region.
pub fn in_reach(region: &RegionCode, unit: &RegionCode) -> bool {
    region.contains(unit) || unit.contains(region)
}

/// The head of a meeting: what the invitation says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingHead {
    pub title: String,
    pub theme: Option<String>,
    /// The region the meeting is held for (a province, regency or district); its level is the meeting's level.
    pub region: RegionCode,
    /// The unit that convenes it (its code).
    pub convening_unit: String,
    /// Meetings of one forum follow each other (the rakor of a regency's election security): the page of a
    /// meeting shows the follow-up of the forum's previous meeting.
    pub forum: String,
    pub place: Option<String>,
    pub online_link: Option<String>,
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    pub classification: Classification,
}

impl MeetingHead {
    /// The day the meeting starts, in WIB.
    pub fn day(&self) -> Option<Date> {
        wib_day(self.starts_at_ms)
    }
}

/// The WIB day of a moment.
pub fn wib_day(ms: i64) -> Option<Date> {
    Date::from_days_since_epoch((ms + WIB_MS).div_euclid(DAY_MS))
}

/// An invited unit and what it recorded of its attendance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitee {
    pub unit: String,
    pub attendance: Attendance,
    /// Who came (present), or whom the unit sent (represented).
    pub name: Option<String>,
    /// Their rank or position.
    pub position: Option<String>,
    pub recorded_at_ms: Option<i64>,
}

impl Invitee {
    pub fn new(unit: &str) -> Invitee {
        Invitee {
            unit: unit.to_owned(),
            attendance: Attendance::Invited,
            name: None,
            position: None,
            recorded_at_ms: None,
        }
    }
}

/// Someone who came without an invitation to their unit (a village head, a community leader).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalkIn {
    pub name: String,
    pub position: Option<String>,
    pub organisation: String,
}

/// An item of the agenda, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItem {
    pub title: String,
    /// The presenting unit's code.
    pub presenter: Option<String>,
    /// `HH:MM` WIB.
    pub time: Option<String>,
}

/// An agency's briefing (*paparan*): its text; attachments are stored beside the meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Briefing {
    pub unit: String,
    pub text: String,
    pub updated_at_ms: i64,
    pub updated_by: String,
}

/// A decision (*keputusan/kesepakatan*), numbered from 1 in the order taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub number: u32,
    pub text: String,
}

/// A meeting, whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub head: MeetingHead,
    pub status: MeetingStatus,
    pub cancel_reason: Option<String>,
    pub invitees: Vec<Invitee>,
    pub walk_ins: Vec<WalkIn>,
    pub agenda: Vec<AgendaItem>,
    pub briefings: Vec<Briefing>,
    pub minutes: Option<String>,
    pub decisions: Vec<Decision>,
    /// Who chairs it and who keeps the minutes (names, with rank), for the minutes' signatures.
    pub chair: Option<String>,
    pub secretary: Option<String>,
}

/// How many invited units and agencies attended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Turnout {
    pub units_invited: usize,
    pub units_attended: usize,
    pub agencies_invited: usize,
    pub agencies_attended: usize,
    pub walk_ins: usize,
}

impl Meeting {
    /// A new meeting, planned, with the convening unit among the invited.
    pub fn new(head: MeetingHead, invitees: &[String]) -> Meeting {
        let mut list = vec![Invitee::new(&head.convening_unit)];
        for unit in invitees {
            if !list.iter().any(|i| &i.unit == unit) {
                list.push(Invitee::new(unit));
            }
        }
        Meeting {
            head,
            status: MeetingStatus::Planned,
            cancel_reason: None,
            invitees: list,
            walk_ins: Vec::new(),
            agenda: Vec::new(),
            briefings: Vec::new(),
            minutes: None,
            decisions: Vec::new(),
            chair: None,
            secretary: None,
        }
    }

    pub fn invitee(&self, unit: &str) -> Option<&Invitee> {
        self.invitees.iter().find(|i| i.unit == unit)
    }

    pub fn is_invited(&self, unit: &str) -> bool {
        self.invitee(unit).is_some()
    }

    /// The turnout, given each unit's agency.
    pub fn turnout(&self, agency_of: impl Fn(&str) -> Option<AgencyKind>) -> Turnout {
        let mut invited = std::collections::BTreeSet::new();
        let mut attended = std::collections::BTreeSet::new();
        let mut units_attended = 0;
        for invitee in &self.invitees {
            let agency = agency_of(&invitee.unit);
            if let Some(a) = agency {
                invited.insert(a);
            }
            if invitee.attendance.attended() {
                units_attended += 1;
                if let Some(a) = agency {
                    attended.insert(a);
                }
            }
        }
        Turnout {
            units_invited: self.invitees.len(),
            units_attended,
            agencies_invited: invited.len(),
            agencies_attended: attended.len(),
            walk_ins: self.walk_ins.len(),
        }
    }

    /// Whether records of the meeting may still change: not once cancelled. A held meeting's minutes and decisions
    /// may still be corrected (each change audited), as secretaries do when the minutes are signed.
    pub fn open_for_records(&self) -> bool {
        self.status != MeetingStatus::Cancelled
    }

    /// The owner of an action item must be invited (or be the convening unit, which is).
    pub fn check_owner(&self, unit: &str) -> Result<(), Problem> {
        if self.is_invited(unit) { Ok(()) } else { Err(Problem::OwnerNotInvited(unit.to_owned())) }
    }

    /// The next decision's number.
    pub fn next_decision_number(&self) -> u32 {
        self.decisions.iter().map(|d| d.number).max().unwrap_or(0) + 1
    }
}

/// Who may do what with a meeting, given what the store knows of its units. Written once here; the store's list
/// query applies the reading rule in SQL, and the access matrix checks both agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeetingFacts<'a> {
    pub region: &'a RegionCode,
    pub classification: Classification,
    /// The convening unit's agency and territory.
    pub convener: (AgencyKind, &'a RegionCode),
}

/// Whether the viewer acts for a unit: an account of the unit's agency whose territory holds the unit's (the unit
/// itself, or a unit above it in the agency's chain).
pub fn acts_for(viewer: &Viewer, agency: AgencyKind, territory: &RegionCode) -> bool {
    viewer.agency == agency && viewer.covers(territory)
}

/// Whether the viewer manages the meeting (edits it, invites, records the agenda, minutes and decisions, moves it
/// along): administrators of its region, and the convening unit's commanders and operators.
pub fn may_manage(viewer: &Viewer, meeting: &MeetingFacts<'_>) -> bool {
    if !viewer.may(Action::ConveneMeetings) || !viewer.may_read(meeting.classification) {
        return false;
    }
    match viewer.role {
        Role::Administrator => viewer.covers(meeting.region),
        _ => acts_for(viewer, meeting.convener.0, meeting.convener.1),
    }
}

/// Whether the viewer reads the meeting: anyone who reads meetings and covers its region (within clearance), and
/// anyone acting for an invited unit (`invited`: the viewer acts for one), whatever the level — inviting a unit is
/// the convener's decision that it needs to know.
pub fn may_read(viewer: &Viewer, meeting: &MeetingFacts<'_>, invited: bool) -> bool {
    if invited && (viewer.may(Action::ReadMeetings) || viewer.may(Action::TakePart)) {
        return true;
    }
    viewer.may(Action::ReadMeetings) && viewer.covers(meeting.region) && viewer.may_read(meeting.classification)
}

/// Whether the viewer records for an invited unit (its attendance, its briefing, its action items): those who
/// manage the meeting, and accounts that may take part and act for the unit.
pub fn may_record_for(
    viewer: &Viewer,
    meeting: &MeetingFacts<'_>,
    unit_agency: AgencyKind,
    unit_territory: &RegionCode,
) -> bool {
    may_manage(viewer, meeting) || (viewer.may(Action::TakePart) && acts_for(viewer, unit_agency, unit_territory))
}

/// A meeting's head as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingFields {
    pub title: String,
    pub theme: Option<String>,
    pub region: String,
    pub convening_unit: String,
    pub forum: Option<String>,
    pub place: Option<String>,
    pub online_link: Option<String>,
    pub starts_at: String,
    pub ends_at: String,
    pub classification: Option<String>,
}

/// Faults, each with its field (`title`, `items[2].deadline`).
pub type Faults = Vec<(String, Problem)>;

/// A value checked, and the faults found with their fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked<T> {
    pub value: T,
    pub problems: Vec<(String, Problem)>,
}

impl<T> Checked<T> {
    pub fn into_result(self) -> Result<T, Faults> {
        if self.problems.is_empty() { Ok(self.value) } else { Err(self.problems) }
    }
}

/// A forum's key: lowercase letters, digits and `-`, 3 to 80 of them (`rakor-pilkada-33.20` would be refused for
/// its dot; the default is `rakor-<region code with dashes>`).
pub fn valid_forum(key: &str) -> bool {
    (3..=80).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The default forum of a region: its cross-sector rakor.
pub fn default_forum(region: &RegionCode) -> String {
    format!("rakor-{}", region.as_str().replace('.', "-"))
}

/// Text of one line, optional: empty is none.
fn optional_line(
    field: &str,
    value: Option<&str>,
    max: usize,
    problems: &mut Vec<(String, Problem)>,
) -> Option<String> {
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    match text::check(value, max, Lines::One) {
        Ok(v) => Some(v),
        Err(p) => {
            problems.push((field.to_owned(), p));
            None
        }
    }
}

fn required(field: &str, value: &str, max: usize, lines: Lines, problems: &mut Vec<(String, Problem)>) -> String {
    text::check(value, max, lines).unwrap_or_else(|p| {
        problems.push((field.to_owned(), p));
        String::new()
    })
}

impl MeetingFields {
    /// Checks every field of a meeting's head for `viewer`. The region must be a province, regency or district
    /// inside the viewer's territory; the convening unit is looked up by the service, which checks it holds the
    /// region ([`convener_holds`]).
    /// The head is `None` only when the region could not be read (the service cannot check the units without it);
    /// the faults of every other field are named all the same.
    pub fn check(&self, viewer: &Viewer) -> Checked<Option<MeetingHead>> {
        let mut problems = Vec::new();
        let title = required("title", &self.title, MAX_LINE, Lines::One, &mut problems);
        let theme = optional_line("theme", self.theme.as_deref(), MAX_ITEM, &mut problems);
        let region = match RegionCode::parse(self.region.trim()) {
            Ok(code) if meeting_level(&code).is_none() => {
                problems.push(("region".into(), Problem::MeetingLevel(code.to_string())));
                None
            }
            Ok(code) if !viewer.covers(&code) => {
                problems.push(("region".into(), Problem::OutsideScope(code.to_string())));
                None
            }
            Ok(code) => Some(code),
            Err(e) => {
                problems.push(("region".into(), Problem::BadCode(e)));
                None
            }
        };
        let convening_unit = required("convening_unit", &self.convening_unit, 80, Lines::One, &mut problems);
        let forum = match self.forum.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
            Some(f) if valid_forum(f) => f.to_owned(),
            Some(f) => {
                problems.push(("forum".into(), Problem::BadForum(f.chars().take(40).collect())));
                String::new()
            }
            None => region.as_ref().map(default_forum).unwrap_or_default(),
        };
        let place = optional_line("place", self.place.as_deref(), MAX_LINE, &mut problems);
        let online_link = optional_line("online_link", self.online_link.as_deref(), 500, &mut problems);
        if let Some(link) = &online_link
            && !(link.starts_with("https://") || link.starts_with("http://"))
        {
            problems.push(("online_link".into(), Problem::BadLink(link.chars().take(40).collect())));
        }
        if place.is_none() && online_link.is_none() && !problems.iter().any(|(f, _)| f == "place" || f == "online_link")
        {
            problems.push(("place".into(), Problem::Empty));
        }
        let mut time = |field: &str, text: &str| match parse_wib_time(text) {
            Some(ms) => Some(ms),
            None => {
                problems.push((field.to_owned(), Problem::BadDate(text.chars().take(40).collect())));
                None
            }
        };
        let starts = time("starts_at", &self.starts_at);
        let ends = time("ends_at", &self.ends_at);
        if let (Some(s), Some(e)) = (starts, ends) {
            if e <= s {
                problems.push((
                    "ends_at".into(),
                    Problem::EndsBeforeStart { start: self.starts_at.trim().into(), end: self.ends_at.trim().into() },
                ));
            } else if e - s > MAX_DURATION_MS {
                problems.push(("ends_at".into(), Problem::MeetingTooLong));
            }
        }
        let classification = match self.classification.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => Classification::Biasa,
            Some(text) => match Classification::parse(text) {
                Some(c) if viewer.may_read(c) => c,
                Some(_) | None => {
                    let allowed: Vec<&str> = [Classification::Biasa, Classification::Terbatas, Classification::Rahasia]
                        .into_iter()
                        .filter(|c| viewer.may_read(*c))
                        .map(Classification::as_str)
                        .collect();
                    problems.push(("classification".into(), Problem::one_of(text, &allowed)));
                    Classification::Biasa
                }
            },
        };
        let value = region.map(|region| MeetingHead {
            title,
            theme,
            region,
            convening_unit,
            forum,
            place,
            online_link,
            starts_at_ms: starts.unwrap_or(0),
            ends_at_ms: ends.unwrap_or(0),
            classification,
        });
        Checked { value, problems }
    }
}

/// Whether the convening unit may convene a meeting for the region: its territory holds the region.
pub fn convener_holds(unit_territory: &RegionCode, region: &RegionCode) -> bool {
    unit_territory.contains(region)
}

/// An invited unit's attendance as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttendanceFields {
    pub status: String,
    pub name: Option<String>,
    pub position: Option<String>,
}

/// Checked attendance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceDraft {
    pub attendance: Attendance,
    pub name: Option<String>,
    pub position: Option<String>,
}

impl AttendanceFields {
    /// Present and represented need the name of who came; absent needs nothing.
    pub fn check(&self) -> Checked<AttendanceDraft> {
        let mut problems = Vec::new();
        let attendance = match Attendance::parse(self.status.trim()) {
            Some(a) => a,
            None => {
                problems.push((
                    "status".into(),
                    Problem::one_of(&self.status, &["invited", "present", "represented", "absent"]),
                ));
                Attendance::Invited
            }
        };
        let name = optional_line("name", self.name.as_deref(), MAX_LINE, &mut problems);
        let position = optional_line("position", self.position.as_deref(), MAX_LINE, &mut problems);
        if attendance.attended() && name.is_none() && !problems.iter().any(|(f, _)| f == "name") {
            problems.push(("name".into(), Problem::Empty));
        }
        let (name, position) = if attendance.attended() { (name, position) } else { (None, None) };
        Checked { value: AttendanceDraft { attendance, name, position }, problems }
    }
}

/// A walk-in attendee as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WalkInFields {
    pub name: String,
    pub position: Option<String>,
    pub organisation: String,
}

impl WalkInFields {
    pub fn check(&self) -> Checked<WalkIn> {
        let mut problems = Vec::new();
        let name = required("name", &self.name, MAX_LINE, Lines::One, &mut problems);
        let position = optional_line("position", self.position.as_deref(), MAX_LINE, &mut problems);
        let organisation = required("organisation", &self.organisation, MAX_LINE, Lines::One, &mut problems);
        Checked { value: WalkIn { name, position, organisation }, problems }
    }
}

/// An agenda item as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgendaFields {
    pub title: String,
    pub presenter: Option<String>,
    pub time: Option<String>,
}

/// `HH:MM`, 00:00 to 23:59.
pub fn valid_clock(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 5
        && b[2] == b':'
        && b[..2].iter().chain(&b[3..]).all(u8::is_ascii_digit)
        && (u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0')) < 24
        && b[3] < b'6'
}

/// Checks an agenda, item by item (`agenda[2].time`), against the meeting: a presenter must be invited.
pub fn check_agenda(items: &[AgendaFields], meeting: &Meeting) -> Checked<Vec<AgendaItem>> {
    let mut problems = Vec::new();
    if items.len() > MAX_ENTRIES {
        problems.push(("agenda".into(), Problem::TooMany(MAX_ENTRIES)));
    }
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate().take(MAX_ENTRIES) {
        let place = |f: &str| format!("agenda[{}].{f}", i + 1);
        let mut local = Vec::new();
        let title = required("title", &item.title, MAX_ITEM, Lines::One, &mut local);
        let presenter = item.presenter.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned);
        if let Some(unit) = &presenter
            && !meeting.is_invited(unit)
        {
            local.push(("presenter".into(), Problem::NotInvited(unit.chars().take(80).collect())));
        }
        let time = item.time.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        if let Some(t) = &time
            && !valid_clock(t)
        {
            local.push(("time".into(), Problem::BadClock(t.chars().take(20).collect())));
        }
        problems.extend(local.into_iter().map(|(f, p)| (place(&f), p)));
        out.push(AgendaItem { title, presenter, time });
    }
    Checked { value: out, problems }
}

/// Checks a briefing's or the minutes' text.
pub fn check_text(field: &str, text: &str) -> Result<String, (String, Problem)> {
    text::check(text, MAX_TEXT, Lines::Many).map_err(|p| (field.to_owned(), p))
}

/// Checks a one-line reason (for cancelling a meeting, dropping an item).
pub fn check_reason(field: &str, text: Option<&str>) -> Result<String, (String, Problem)> {
    text::check(text.unwrap_or(""), MAX_ITEM, Lines::Many).map_err(|p| (field.to_owned(), p))
}

/// Whether the meeting's status may move to `next`, with the reason a cancellation needs.
pub fn check_move(
    meeting: &Meeting,
    next: &str,
    reason: Option<&str>,
) -> Result<(MeetingStatus, Option<String>), Faults> {
    let Some(next) = MeetingStatus::parse(next.trim()) else {
        return Err(vec![("status".into(), Problem::one_of(next, &["planned", "in_progress", "done", "cancelled"]))]);
    };
    if !meeting.status.may_become(next) {
        return Err(vec![(
            "status".into(),
            Problem::BadMove { from: meeting.status.as_str().into(), to: next.as_str().into() },
        )]);
    }
    if next == MeetingStatus::Cancelled {
        let reason = check_reason("reason", reason).map_err(|e| vec![e])?;
        return Ok((next, Some(reason)));
    }
    Ok((next, None))
}

/// A label for the level of a meeting.
pub fn level_label(level: Level, lang: Lang) -> &'static str {
    lang.t(match level {
        Level::Province => Msg::LevelProvince,
        Level::Regency => Msg::LevelRegency,
        Level::District => Msg::LevelDistrict,
        Level::Village => Msg::LevelVillage,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::trust::auth::Scope;

    pub(crate) fn viewer(role: Role, agency: AgencyKind, scope: &str) -> Viewer {
        Viewer {
            account_id: 1,
            username: "u".into(),
            role,
            agency,
            scope: Scope::Region(RegionCode::parse(scope).unwrap()),
            read_only: false,
            clearance: Classification::Terbatas,
        }
    }

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn fields() -> MeetingFields {
        MeetingFields {
            title: "Rakor Lintas Sektoral Pengamanan Pilkada".into(),
            theme: Some("Kesiapan pengamanan masa tenang".into()),
            region: "33.20".into(),
            convening_unit: "polres-33.20".into(),
            forum: None,
            place: Some("Aula Polres Jepara".into()),
            online_link: None,
            starts_at: "2026-12-10 09:00".into(),
            ends_at: "2026-12-10 12:00".into(),
            classification: None,
        }
    }

    #[test]
    fn a_sound_head_passes_with_the_default_forum() {
        let v = viewer(Role::Operator, AgencyKind::Polri, "33.20");
        let checked = fields().check(&v);
        assert!(checked.problems.is_empty(), "{:?}", checked.problems);
        let head = checked.value.unwrap();
        assert_eq!(head.forum, "rakor-33-20");
        assert_eq!(head.day(), Date::new(2026, 12, 10));
        assert_eq!(head.ends_at_ms - head.starts_at_ms, 3 * 3_600_000);
    }

    #[test]
    fn every_fault_is_named_with_its_field() {
        let v = viewer(Role::Operator, AgencyKind::Polri, "33.20");
        let bad = MeetingFields {
            title: " ".into(),
            region: "33.21".into(),
            place: None,
            starts_at: "2026-12-10 12:00".into(),
            ends_at: "2026-12-10 09:00".into(),
            classification: Some("rahasia".into()),
            forum: Some("Rakor 1".into()),
            online_link: Some("zoom".into()),
            ..fields()
        };
        let fields: Vec<String> = bad.check(&v).problems.into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["title", "region", "forum", "online_link", "ends_at", "classification"]);
        let village = MeetingFields { region: "33.20.01.2001".into(), place: None, ..self::fields() };
        let problems = village.check(&v).problems;
        assert_eq!(problems[0], ("region".into(), Problem::MeetingLevel("33.20.01.2001".into())));
        assert_eq!(problems[1], ("place".into(), Problem::Empty));
    }

    #[test]
    fn reach_is_in_or_above_the_region() {
        assert!(in_reach(&code("33.20"), &code("33.20.01")));
        assert!(in_reach(&code("33.20"), &code("33")));
        assert!(in_reach(&code("33.20"), &code("33.20")));
        assert!(!in_reach(&code("33.20"), &code("33.19")));
        assert!(!in_reach(&code("33.20"), &code("34")));
        assert!(convener_holds(&code("33"), &code("33.20")));
        assert!(!convener_holds(&code("33.20.01"), &code("33.20")));
    }

    fn meeting() -> Meeting {
        let v = viewer(Role::Operator, AgencyKind::Polri, "33.20");
        Meeting::new(fields().check(&v).value.unwrap(), &["kodim-33.20".into(), "kpu-kabupaten-33.20".into()])
    }

    #[test]
    fn moves_forward_or_to_cancelled_with_a_reason() {
        let m = meeting();
        assert_eq!(check_move(&m, "in_progress", None), Ok((MeetingStatus::InProgress, None)));
        assert_eq!(check_move(&m, "done", None), Ok((MeetingStatus::Done, None)));
        assert_eq!(check_move(&m, "cancelled", None).unwrap_err()[0].0, "reason");
        assert_eq!(
            check_move(&m, "cancelled", Some("Banjir")),
            Ok((MeetingStatus::Cancelled, Some("Banjir".to_owned())))
        );
        let done = Meeting { status: MeetingStatus::Done, ..m };
        assert!(matches!(check_move(&done, "planned", None).unwrap_err()[0].1, Problem::BadMove { .. }));
        assert!(matches!(check_move(&done, "later", None).unwrap_err()[0].1, Problem::OneOf { .. }));
    }

    #[test]
    fn attendance_needs_who_came() {
        let present = AttendanceFields { status: "present".into(), name: None, position: None };
        assert_eq!(present.check().problems, [("name".to_owned(), Problem::Empty)]);
        let absent = AttendanceFields { status: "absent".into(), name: Some("AKP Budi".into()), position: None };
        let checked = absent.check();
        assert!(checked.problems.is_empty());
        assert_eq!(checked.value.name, None);
        let bad = AttendanceFields { status: "hadir".into(), ..Default::default() };
        assert!(matches!(bad.check().problems[0].1, Problem::OneOf { .. }));
    }

    #[test]
    fn agenda_items_are_checked_in_place() {
        let m = meeting();
        let items = vec![
            AgendaFields {
                title: "Pembukaan".into(),
                presenter: Some("polres-33.20".into()),
                time: Some("09:00".into()),
            },
            AgendaFields {
                title: "Paparan PLN".into(),
                presenter: Some("pln-up3-33.20".into()),
                time: Some("9.30".into()),
            },
            AgendaFields { title: "".into(), presenter: None, time: None },
        ];
        let fields: Vec<String> = check_agenda(&items, &m).problems.into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["agenda[2].presenter", "agenda[2].time", "agenda[3].title"]);
        assert!(valid_clock("23:59") && !valid_clock("24:00") && !valid_clock("12:60") && !valid_clock("1:00"));
    }

    #[test]
    fn turnout_counts_units_and_agencies() {
        let mut m = meeting();
        m.invitees[0].attendance = Attendance::Present;
        m.invitees[1].attendance = Attendance::Represented;
        let agency = |u: &str| match u {
            "polres-33.20" => Some(AgencyKind::Polri),
            "kodim-33.20" => Some(AgencyKind::Tni),
            _ => Some(AgencyKind::Kpu),
        };
        let t = m.turnout(agency);
        assert_eq!((t.units_invited, t.units_attended, t.agencies_invited, t.agencies_attended), (3, 2, 3, 2));
    }

    #[test]
    fn who_may_do_what() {
        let region = code("33.20");
        let facts = MeetingFacts {
            region: &region,
            classification: Classification::Biasa,
            convener: (AgencyKind::Polri, &region),
        };
        let polri_op = viewer(Role::Operator, AgencyKind::Polri, "33.20");
        let tni_op = viewer(Role::Operator, AgencyKind::Tni, "33.20");
        let polsek_op = viewer(Role::Operator, AgencyKind::Polri, "33.20.01");
        let pln = viewer(Role::External, AgencyKind::Pln, "33.20");
        let observer = viewer(Role::Observer, AgencyKind::Pemda, "33.20");
        assert!(may_manage(&polri_op, &facts));
        assert!(!may_manage(&tni_op, &facts));
        assert!(!may_manage(&polsek_op, &facts), "a Polsek does not act for its Polres");
        assert!(!may_manage(&observer, &facts));
        assert!(may_read(&tni_op, &facts, false));
        assert!(may_read(&observer, &facts, false));
        assert!(!may_read(&pln, &facts, false));
        assert!(may_read(&pln, &facts, true));
        assert!(!may_read(&polsek_op, &facts, false));
        assert!(may_read(&polsek_op, &facts, true));
        assert!(may_record_for(&tni_op, &facts, AgencyKind::Tni, &region));
        assert!(!may_record_for(&tni_op, &facts, AgencyKind::Kpu, &region));
        assert!(may_record_for(&pln, &facts, AgencyKind::Pln, &region));
        assert!(!may_record_for(&observer, &facts, AgencyKind::Pemda, &region));
        let secret = MeetingFacts { classification: Classification::Rahasia, ..facts };
        assert!(!may_read(&observer, &secret, false));
        assert!(!may_manage(&polri_op, &secret), "an operator cannot manage what it cannot read");
    }
}
