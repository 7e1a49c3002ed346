//! The shapes coordination answers in (JSON API) and reads (API bodies), built from the store's records.

use serde::{Deserialize, Serialize};
use sinergi_domain::coordination::calendar::Date;
use sinergi_domain::coordination::follow_up::{DecisionFields, ItemFields, UpdateFields};
use sinergi_domain::coordination::meeting::{AgendaFields, AttendanceFields, MeetingFields, WalkInFields};
use sinergi_store::{AttachmentMeta, ItemEvent, ItemRecord, MeetingRecord, MeetingUnit};
use utoipa::ToSchema;

use crate::coordination::service::MeetingView;

/// A unit taking part.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingUnitDto {
    pub code: String,
    pub name: String,
    /// `polri`, `tni`, `kpu`, …
    pub agency: String,
    pub territory: String,
}

impl MeetingUnitDto {
    pub fn new(u: &MeetingUnit) -> MeetingUnitDto {
        MeetingUnitDto {
            code: u.code.clone(),
            name: u.name.clone(),
            agency: u.agency.as_str().to_owned(),
            territory: u.territory.to_string(),
        }
    }
}

/// An invited unit and its attendance.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InviteeDto {
    pub unit: MeetingUnitDto,
    /// `invited`, `present`, `represented` or `absent`.
    pub attendance: String,
    pub name: Option<String>,
    pub position: Option<String>,
    pub recorded_at_ms: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WalkInDto {
    pub name: String,
    pub position: Option<String>,
    pub organisation: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgendaItemDto {
    pub title: String,
    /// The presenting unit's code.
    pub presenter: Option<String>,
    /// `HH:MM` WIB.
    pub time: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BriefingDto {
    pub unit: String,
    pub text: String,
    pub updated_at_ms: i64,
    pub updated_by: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DecisionDto {
    pub number: u32,
    pub text: String,
}

/// How many attended.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TurnoutDto {
    pub units_invited: usize,
    pub units_attended: usize,
    pub agencies_invited: usize,
    pub agencies_attended: usize,
    pub walk_ins: usize,
}

impl From<sinergi_domain::coordination::meeting::Turnout> for TurnoutDto {
    fn from(t: sinergi_domain::coordination::meeting::Turnout) -> TurnoutDto {
        TurnoutDto {
            units_invited: t.units_invited,
            units_attended: t.units_attended,
            agencies_invited: t.agencies_invited,
            agencies_attended: t.agencies_attended,
            walk_ins: t.walk_ins,
        }
    }
}

/// The turnout in words: "8 dari 10 unit hadir, 8 dari 10 instansi" (the pages and the minutes).
pub fn turnout_text(lang: sinergi_domain::i18n::Lang, t: &sinergi_domain::coordination::meeting::Turnout) -> String {
    lang.format(
        sinergi_domain::i18n::Msg::MeetTurnout,
        &[
            ("units", &t.units_attended),
            ("invited", &t.units_invited),
            ("agencies", &t.agencies_attended),
            ("of", &t.agencies_invited),
        ],
    )
}

/// A WIB time of day as Indonesian letters write it: `09.00`.
pub fn clock(ms: i64) -> String {
    crate::pages::wib(ms).get(11..16).unwrap_or("").replace(':', ".")
}

/// A meeting, whole, with what the asking account may do to it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingDto {
    pub id: i64,
    /// Counts the changes.
    pub version: i64,
    pub title: String,
    pub theme: Option<String>,
    pub region: String,
    /// `province`, `regency` or `district`.
    pub level: String,
    pub forum: String,
    pub convening_unit: MeetingUnitDto,
    pub place: Option<String>,
    pub online_link: Option<String>,
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    /// `biasa`, `terbatas` or `rahasia`.
    pub classification: String,
    /// `planned`, `in_progress`, `done` or `cancelled`.
    pub status: String,
    pub cancel_reason: Option<String>,
    pub invitees: Vec<InviteeDto>,
    pub walk_ins: Vec<WalkInDto>,
    pub agenda: Vec<AgendaItemDto>,
    pub briefings: Vec<BriefingDto>,
    pub minutes: Option<String>,
    pub chair: Option<String>,
    pub secretary: Option<String>,
    pub decisions: Vec<DecisionDto>,
    pub turnout: TurnoutDto,
    /// The asking account manages the meeting.
    pub manages: bool,
    /// The invited units the asking account records for.
    pub records_for: Vec<String>,
    pub created_by: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

fn level_word(record: &MeetingRecord) -> &'static str {
    match record.meeting.head.region.level() {
        sinergi_domain::Level::Province => "province",
        sinergi_domain::Level::Regency => "regency",
        sinergi_domain::Level::District => "district",
        sinergi_domain::Level::Village => "village",
    }
}

/// The turnout of a stored meeting.
pub fn turnout(record: &MeetingRecord) -> sinergi_domain::coordination::meeting::Turnout {
    record.meeting.turnout(|code| record.unit(code).map(|u| u.agency))
}

impl MeetingDto {
    pub fn new(view: &MeetingView) -> MeetingDto {
        let r = &view.record;
        let m = &r.meeting;
        let t = turnout(r);
        MeetingDto {
            id: r.id,
            version: r.version,
            title: m.head.title.clone(),
            theme: m.head.theme.clone(),
            region: m.head.region.to_string(),
            level: level_word(r).to_owned(),
            forum: m.head.forum.clone(),
            convening_unit: MeetingUnitDto::new(&r.convener),
            place: m.head.place.clone(),
            online_link: m.head.online_link.clone(),
            starts_at_ms: m.head.starts_at_ms,
            ends_at_ms: m.head.ends_at_ms,
            classification: m.head.classification.as_str().to_owned(),
            status: m.status.as_str().to_owned(),
            cancel_reason: m.cancel_reason.clone(),
            invitees: m
                .invitees
                .iter()
                .filter_map(|i| {
                    Some(InviteeDto {
                        unit: MeetingUnitDto::new(r.unit(&i.unit)?),
                        attendance: i.attendance.as_str().to_owned(),
                        name: i.name.clone(),
                        position: i.position.clone(),
                        recorded_at_ms: i.recorded_at_ms,
                    })
                })
                .collect(),
            walk_ins: m
                .walk_ins
                .iter()
                .map(|w| WalkInDto {
                    name: w.name.clone(),
                    position: w.position.clone(),
                    organisation: w.organisation.clone(),
                })
                .collect(),
            agenda: m
                .agenda
                .iter()
                .map(|a| AgendaItemDto { title: a.title.clone(), presenter: a.presenter.clone(), time: a.time.clone() })
                .collect(),
            briefings: m
                .briefings
                .iter()
                .map(|b| BriefingDto {
                    unit: b.unit.clone(),
                    text: b.text.clone(),
                    updated_at_ms: b.updated_at_ms,
                    updated_by: b.updated_by.clone(),
                })
                .collect(),
            minutes: m.minutes.clone(),
            chair: m.chair.clone(),
            secretary: m.secretary.clone(),
            decisions: m.decisions.iter().map(|d| DecisionDto { number: d.number, text: d.text.clone() }).collect(),
            turnout: TurnoutDto::from(t),
            manages: view.manages,
            records_for: view.records_for.clone(),
            created_by: r.created_by.clone(),
            created_at_ms: r.created_at_ms,
            updated_at_ms: r.updated_at_ms,
        }
    }
}

/// A meeting in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingSummaryDto {
    pub id: i64,
    pub title: String,
    pub region: String,
    pub forum: String,
    pub convening_unit: MeetingUnitDto,
    pub place: Option<String>,
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    pub classification: String,
    pub status: String,
    pub turnout: TurnoutDto,
    pub decisions: usize,
}

impl MeetingSummaryDto {
    pub fn new(r: &MeetingRecord) -> MeetingSummaryDto {
        let t = turnout(r);
        MeetingSummaryDto {
            id: r.id,
            title: r.meeting.head.title.clone(),
            region: r.meeting.head.region.to_string(),
            forum: r.meeting.head.forum.clone(),
            convening_unit: MeetingUnitDto::new(&r.convener),
            place: r.meeting.head.place.clone(),
            starts_at_ms: r.meeting.head.starts_at_ms,
            ends_at_ms: r.meeting.head.ends_at_ms,
            classification: r.meeting.head.classification.as_str().to_owned(),
            status: r.meeting.status.as_str().to_owned(),
            turnout: TurnoutDto::from(t),
            decisions: r.meeting.decisions.len(),
        }
    }
}

/// A page of meetings.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingListDto {
    pub total: u64,
    pub meetings: Vec<MeetingSummaryDto>,
}

/// An action item.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemDto {
    pub id: i64,
    pub meeting_id: i64,
    pub meeting_title: String,
    pub meeting_starts_at_ms: i64,
    pub forum: String,
    pub decision_number: u32,
    pub owner: MeetingUnitDto,
    pub task: String,
    /// `YYYY-MM-DD` (WIB, included).
    pub deadline: String,
    /// As recorded: `open`, `in_progress`, `done` or `dropped`.
    pub status: String,
    /// As seen today: the status, or `overdue` when pending past the deadline.
    pub state: String,
    /// Days to the deadline (negative when past).
    pub days_left: i64,
    pub note: Option<String>,
    pub updated_at_ms: i64,
}

impl ItemDto {
    pub fn new(r: &ItemRecord, today: Date) -> ItemDto {
        ItemDto {
            id: r.id,
            meeting_id: r.meeting_id,
            meeting_title: r.meeting_title.clone(),
            meeting_starts_at_ms: r.meeting_starts_at_ms,
            forum: r.forum.clone(),
            decision_number: r.decision_number,
            owner: MeetingUnitDto::new(&r.owner),
            task: r.task.clone(),
            deadline: r.deadline.to_string(),
            status: r.status.as_str().to_owned(),
            state: r.state(today).as_str().to_owned(),
            days_left: today.days_until(r.deadline),
            note: r.note.clone(),
            updated_at_ms: r.updated_at_ms,
        }
    }
}

/// A page of action items.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemListDto {
    pub total: u64,
    pub items: Vec<ItemDto>,
}

/// A move of an action item.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemEventDto {
    pub at_ms: i64,
    pub actor: String,
    pub status: String,
    pub note: Option<String>,
}

impl ItemEventDto {
    pub fn new(e: &ItemEvent) -> ItemEventDto {
        ItemEventDto {
            at_ms: e.at_ms,
            actor: e.actor.clone(),
            status: e.status.as_str().to_owned(),
            note: e.note.clone(),
        }
    }
}

/// An action item with its history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemDetailDto {
    #[serde(flatten)]
    pub item: ItemDto,
    pub history: Vec<ItemEventDto>,
    /// The asking account may move it.
    pub may_update: bool,
}

/// A stored file.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentDto {
    pub id: i64,
    pub meeting_id: i64,
    pub unit: String,
    pub item_id: Option<i64>,
    pub file_name: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
    pub classification: String,
    pub uploaded_by: String,
    pub uploaded_at_ms: i64,
}

impl AttachmentDto {
    pub fn new(a: &AttachmentMeta) -> AttachmentDto {
        AttachmentDto {
            id: a.id,
            meeting_id: a.meeting_id,
            unit: a.unit_code.clone(),
            item_id: a.item_id,
            file_name: a.file_name.clone(),
            media_type: a.media_type.clone(),
            size: a.size,
            sha256: a.sha256.clone(),
            classification: a.classification.as_str().to_owned(),
            uploaded_by: a.uploaded_by.clone(),
            uploaded_at_ms: a.uploaded_at_ms,
        }
    }
}

// Bodies.

/// A new meeting. Times are `YYYY-MM-DD HH:MM` in WIB.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingInput {
    pub title: String,
    pub theme: Option<String>,
    /// The province, regency or district the meeting is held for.
    pub region: String,
    /// The convening unit's code (one the account acts for).
    pub convening_unit: String,
    /// Meetings of one forum follow each other; default `rakor-<region>`.
    pub forum: Option<String>,
    pub place: Option<String>,
    pub online_link: Option<String>,
    pub starts_at: String,
    pub ends_at: String,
    pub classification: Option<String>,
    /// Units to invite (in the region or above it); the convening unit is always invited.
    #[serde(default)]
    pub invitees: Vec<String>,
}

impl MeetingInput {
    pub fn fields(&self) -> MeetingFields {
        MeetingFields {
            title: self.title.clone(),
            theme: self.theme.clone(),
            region: self.region.clone(),
            convening_unit: self.convening_unit.clone(),
            forum: self.forum.clone(),
            place: self.place.clone(),
            online_link: self.online_link.clone(),
            starts_at: self.starts_at.clone(),
            ends_at: self.ends_at.clone(),
            classification: self.classification.clone(),
        }
    }
}

/// A move of a meeting.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingMoveInput {
    /// `in_progress`, `done` or `cancelled`.
    pub status: String,
    /// Needed to cancel.
    pub reason: Option<String>,
}

/// Units to invite.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteInput {
    pub units: Vec<String>,
}

/// An invited unit's attendance.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceInput {
    /// `present`, `represented`, `absent` (or `invited` to clear it).
    pub status: String,
    /// Who came (needed when present or represented).
    pub name: Option<String>,
    /// Their rank or position.
    pub position: Option<String>,
}

impl AttendanceInput {
    pub fn fields(&self) -> AttendanceFields {
        AttendanceFields { status: self.status.clone(), name: self.name.clone(), position: self.position.clone() }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WalkInInput {
    pub name: String,
    pub position: Option<String>,
    pub organisation: String,
}

impl WalkInInput {
    pub fn fields(&self) -> WalkInFields {
        WalkInFields {
            name: self.name.clone(),
            position: self.position.clone(),
            organisation: self.organisation.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaItemInput {
    pub title: String,
    pub presenter: Option<String>,
    pub time: Option<String>,
}

/// The agenda, whole, in order.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaInput {
    pub items: Vec<AgendaItemInput>,
}

impl AgendaInput {
    pub fn fields(&self) -> Vec<AgendaFields> {
        self.items
            .iter()
            .map(|i| AgendaFields { title: i.title.clone(), presenter: i.presenter.clone(), time: i.time.clone() })
            .collect()
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextInput {
    pub text: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MinutesInput {
    pub text: String,
    pub chair: Option<String>,
    pub secretary: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    /// An invited unit's code.
    pub owner_unit: String,
    pub task: String,
    /// `YYYY-MM-DD`, not before the meeting's day.
    pub deadline: String,
}

/// A decision and the action items it yields.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub text: String,
    #[serde(default)]
    pub items: Vec<ItemInput>,
}

impl DecisionInput {
    pub fn fields(&self) -> DecisionFields {
        DecisionFields {
            text: self.text.clone(),
            items: self
                .items
                .iter()
                .map(|i| ItemFields {
                    owner_unit: i.owner_unit.clone(),
                    task: i.task.clone(),
                    deadline: i.deadline.clone(),
                })
                .collect(),
        }
    }
}

/// A move of an action item.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemUpdateInput {
    /// `open`, `in_progress`, `done` or `dropped`.
    pub status: String,
    /// The evidence (needed for done), the reason (needed to drop), or a remark.
    pub note: Option<String>,
}

impl ItemUpdateInput {
    pub fn fields(&self) -> UpdateFields {
        UpdateFields { status: self.status.clone(), note: self.note.clone() }
    }
}
