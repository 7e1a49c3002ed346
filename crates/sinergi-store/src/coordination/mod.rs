//! Coordination in storage: meetings kept whole, their invited units, the action items that follow from their
//! decisions (with each item's history), and the files of briefings and evidence.

use async_trait::async_trait;
use serde::Serialize;
use sinergi_domain::access::Viewer;
use sinergi_domain::coordination::calendar::Date;
use sinergi_domain::coordination::follow_up::{ItemState, ItemStatus, ItemUpdate};
use sinergi_domain::coordination::meeting::{Meeting, MeetingStatus};
use sinergi_domain::trust::audit::AuditEvent;
use sinergi_domain::trust::auth::Classification;
use sinergi_domain::{AgencyKind, RegionCode};

use crate::{Page, Result};

pub(crate) mod queries;

/// A unit as a meeting needs it: who it is, its agency and territory (for the access rules), its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingUnit {
    pub code: String,
    pub name: String,
    pub agency: AgencyKind,
    pub territory: RegionCode,
}

/// A meeting as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingRecord {
    pub id: i64,
    pub meeting: Meeting,
    /// Counts the writes: a change names the version it was made on (see [`CoordinationStore::save_meeting`]).
    pub version: i64,
    pub convener: MeetingUnit,
    /// The invited units (the convener among them), in the order of the meeting's list.
    pub units: Vec<MeetingUnit>,
    pub created_by: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

impl MeetingRecord {
    pub fn unit(&self, code: &str) -> Option<&MeetingUnit> {
        self.units.iter().find(|u| u.code == code)
    }
}

/// Which meetings to list (besides the viewer's own rule).
#[derive(Debug, Clone, Default)]
pub struct MeetingFilter {
    /// Meetings held for this region or inside it.
    pub within: Option<RegionCode>,
    pub forum: Option<String>,
    pub status: Option<MeetingStatus>,
    /// Starting at or after (ms).
    pub from_ms: Option<i64>,
    /// Starting before (ms).
    pub before_ms: Option<i64>,
    /// The soonest first (the next meetings); by default the latest first (a list of what was held).
    pub soonest_first: bool,
}

/// An action item to store with its decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub decision_number: u32,
    pub owner: MeetingUnit,
    pub task: String,
    pub deadline: Date,
}

/// A write of a whole meeting.
#[derive(Debug, Clone)]
pub struct MeetingWrite<'a> {
    pub meeting: &'a Meeting,
    /// The invited units as they are after the write (the table is made to match).
    pub units: &'a [MeetingUnit],
    /// Action items that come with the write (of a decision taken in it).
    pub new_items: &'a [NewItem],
    pub actor: &'a str,
    pub at_ms: i64,
}

/// An action item as stored, with what its lists show of its meeting and owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemRecord {
    pub id: i64,
    pub meeting_id: i64,
    pub meeting_title: String,
    pub meeting_starts_at_ms: i64,
    pub forum: String,
    pub convening_unit: String,
    pub classification: Classification,
    pub decision_number: u32,
    pub owner: MeetingUnit,
    pub task: String,
    pub deadline: Date,
    pub status: ItemStatus,
    /// The evidence (done), the reason (dropped), or the last remark.
    pub note: Option<String>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

impl ItemRecord {
    pub fn state(&self, today: Date) -> ItemState {
        ItemState::of(self.status, self.deadline, today)
    }
}

/// An action item's row (more columns than sqlx reads into a tuple).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ItemRow {
    pub(crate) id: i64,
    pub(crate) meeting_id: i64,
    pub(crate) meeting_title: String,
    pub(crate) meeting_starts_at_ms: i64,
    pub(crate) forum: String,
    pub(crate) convening_unit: String,
    pub(crate) classification: String,
    pub(crate) decision_number: i64,
    pub(crate) owner_unit: String,
    pub(crate) owner_name: String,
    pub(crate) owner_agency: String,
    pub(crate) owner_territory: String,
    pub(crate) task: String,
    pub(crate) deadline: String,
    pub(crate) status: String,
    pub(crate) note: Option<String>,
    pub(crate) created_at_ms: i64,
    pub(crate) updated_at_ms: i64,
}

/// Which action items to list (of the meetings the viewer reads).
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    pub meeting_id: Option<i64>,
    pub forum: Option<String>,
    pub owner_agency: Option<AgencyKind>,
    pub owner_unit: Option<String>,
    /// Only the items of units the viewer acts for (`coordination::meeting::acts_for`): "my items".
    pub mine: bool,
    /// With `mine`: also the items of the meetings convened by units the viewer acts for (what the convener follows
    /// up).
    pub or_convened: bool,
    /// In this state as seen on `today` (overdue: pending with the deadline before today).
    pub state: Option<ItemState>,
    /// The day overdue is judged on (WIB).
    pub today: Option<Date>,
    /// Items of meetings held for this region or inside it.
    pub within: Option<RegionCode>,
}

/// A move of an action item, as stored for its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemEvent {
    pub at_ms: i64,
    pub actor: String,
    pub status: ItemStatus,
    pub note: Option<String>,
}

/// A file to store with a briefing or as evidence of an action item.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub meeting_id: i64,
    pub unit_code: String,
    pub item_id: Option<i64>,
    pub file_name: String,
    pub media_type: String,
    pub sha256: String,
    pub classification: Classification,
    pub content: Vec<u8>,
    pub uploaded_by: String,
    pub at_ms: i64,
}

/// A stored file, without its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentMeta {
    pub id: i64,
    pub meeting_id: i64,
    pub unit_code: String,
    pub item_id: Option<i64>,
    pub file_name: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
    pub classification: Classification,
    pub uploaded_by: String,
    pub uploaded_at_ms: i64,
}

/// A calendar version to store.
#[derive(Debug, Clone)]
pub struct NewCalendarVersion {
    pub region: RegionCode,
    pub calendar_id: String,
    /// The calendar file (TOML), checked.
    pub definition: String,
    pub loaded_by: String,
    pub loaded_at_ms: i64,
    pub reason: String,
}

/// A stored calendar version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredCalendar {
    pub id: i64,
    pub region: RegionCode,
    pub calendar_id: String,
    pub definition: String,
    pub loaded_by: String,
    pub loaded_at_ms: i64,
    pub reason: String,
}

/// Meetings, their follow-up and their files. Reads of lists take the viewer and apply the reading rule of
/// `coordination::meeting::may_read` in SQL; a single meeting is returned whole and the service applies the rule
/// (with the same function), so both agree. Writes take their audit event and append it in the same transaction.
#[async_trait]
pub trait CoordinationStore: Send + Sync {
    /// Stores a new meeting (version 1) with its invited units; returns its id.
    async fn create_meeting(&self, write: &MeetingWrite<'_>, audit: &AuditEvent) -> Result<i64>;

    /// A meeting, whole, whoever asks (the service decides who may see it).
    async fn meeting_record(&self, id: i64) -> Result<Option<MeetingRecord>>;

    /// Writes a meeting whole if it is still at `version`: `Some(new version)`, or `None` when someone else wrote
    /// it in between (nothing written; read it again and retry).
    async fn save_meeting(
        &self,
        id: i64,
        version: i64,
        write: &MeetingWrite<'_>,
        audit: &AuditEvent,
    ) -> Result<Option<i64>>;

    /// The meetings the viewer reads, matching the filter, latest start first, with the total.
    async fn meetings(&self, viewer: &Viewer, filter: &MeetingFilter, page: Page) -> Result<(Vec<MeetingRecord>, u64)>;

    /// The action items of the meetings the viewer reads, matching the filter: the earliest deadline first,
    /// with the total.
    async fn items(&self, viewer: &Viewer, filter: &ItemFilter, page: Page) -> Result<(Vec<ItemRecord>, u64)>;

    /// An action item, whoever asks (the service checks its meeting).
    async fn item(&self, id: i64) -> Result<Option<ItemRecord>>;

    /// Moves an item if it is still in `from`: `false` when its status changed in between (nothing written).
    async fn update_item(
        &self,
        id: i64,
        from: ItemStatus,
        update: &ItemUpdate,
        actor: &str,
        at_ms: i64,
        audit: &AuditEvent,
    ) -> Result<bool>;

    /// The moves of an item, oldest first.
    async fn item_events(&self, id: i64) -> Result<Vec<ItemEvent>>;

    /// Stores a file; returns its id.
    async fn add_attachment(&self, file: &NewAttachment, audit: &AuditEvent) -> Result<i64>;

    /// The files of a meeting (of its briefings and its items' evidence), in upload order.
    async fn attachments(&self, meeting_id: i64) -> Result<Vec<AttachmentMeta>>;

    /// A file with its content.
    async fn attachment(&self, id: i64) -> Result<Option<(AttachmentMeta, Vec<u8>)>>;

    // The election calendar per region.

    /// Stores a calendar version for a region; returns its id.
    async fn add_calendar_version(&self, version: &NewCalendarVersion, audit: &AuditEvent) -> Result<i64>;

    /// The calendar in force for the first of `regions` that has one (pass a region and its ancestors, nearest
    /// first): its newest version. `None`: the shipped default is in force.
    async fn calendar_in_force(&self, regions: &[RegionCode]) -> Result<Option<StoredCalendar>>;

    /// The versions stored for one region, newest first.
    async fn calendar_versions(&self, region: &RegionCode) -> Result<Vec<StoredCalendar>>;
}
