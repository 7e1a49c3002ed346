//! The incident desk in storage: reports, their history, comments, routes and the live feed.

use std::collections::HashMap;

use async_trait::async_trait;
use serde::Serialize;
use sinergi_domain::access::Viewer;
use sinergi_domain::trust::audit::AuditEvent;
use sinergi_domain::{AgencyKind, LatLng, RegionCode};

use crate::{Page, Result, stored, stored_code};
use sinergi_domain::incident::{Channel, ReportId, ReportKind, Status};
use sinergi_domain::trust::auth::Classification;

pub(crate) mod desk_queries;
pub(crate) mod filing;
pub(crate) mod queries;
pub(crate) mod sqlite_writer;
pub(crate) mod taxonomy_queries;

/// What became of a decision on a probable duplicate ([`IncidentDeskStore::decide_duplicate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicateDecided {
    /// Recorded now.
    Recorded,
    /// Decided before: confirmed (`true`) or dismissed; nothing written.
    Already { confirmed: bool },
    /// No such pair of probable duplicates.
    UnknownPair,
}

/// A report to file (the incident desk, docs/incidents.md). Checked before it gets here: the category is known,
/// the village exists and holds the TPS, the texts are clean.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReport {
    pub kind: sinergi_domain::incident::ReportKind,
    pub category: String,
    pub severity: sinergi_domain::incident::Severity,
    pub occurred_at_ms: i64,
    pub reported_at_ms: i64,
    pub village: RegionCode,
    pub tps_id: Option<i64>,
    pub location: Option<LatLng>,
    pub description: String,
    pub source_agency: AgencyKind,
    pub source_person: String,
    pub reporter_account: Option<i64>,
    pub channel: sinergi_domain::incident::Channel,
    pub classification: sinergi_domain::trust::auth::Classification,
    /// Client-generated; a second submission with the same key from the same account is the first one.
    pub idempotency_key: Option<String>,
    /// The units it goes to (`Taxonomy::route_report`).
    pub routes: Vec<sinergi_domain::incident::routing::Routed>,
}

/// What filing a report did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filed {
    /// Stored now, with this id.
    New(ReportId),
    /// Stored before under the same idempotency key: this id, nothing written.
    Replayed(ReportId),
}

impl Filed {
    pub fn id(self) -> ReportId {
        match self {
            Filed::New(id) | Filed::Replayed(id) => id,
        }
    }
}

impl NewReport {
    /// The report as [`IncidentStore::report`] reads it right after [`IncidentStore::file_reports`] stored it new
    /// under `id`: a filing can answer with it without reading it back.
    pub fn stored_as(&self, id: ReportId) -> ReportRecord {
        ReportRecord {
            id,
            kind: self.kind,
            category: self.category.clone(),
            severity: self.severity.number(),
            status: Status::Reported,
            occurred_at_ms: self.occurred_at_ms,
            reported_at_ms: self.reported_at_ms,
            updated_at_ms: self.reported_at_ms,
            village_code: self.village.clone(),
            tps_id: self.tps_id,
            location: self.location,
            description: self.description.clone(),
            source_agency: self.source_agency,
            source_person: self.source_person.clone(),
            reporter_account: self.reporter_account,
            channel: self.channel,
            classification: self.classification,
            status_since_ms: self.reported_at_ms,
        }
    }
}

/// A stored report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRecord {
    pub id: ReportId,
    pub kind: ReportKind,
    pub category: String,
    pub severity: u8,
    pub status: Status,
    pub occurred_at_ms: i64,
    pub reported_at_ms: i64,
    pub updated_at_ms: i64,
    pub village_code: RegionCode,
    pub tps_id: Option<i64>,
    pub location: Option<LatLng>,
    pub description: String,
    pub source_agency: AgencyKind,
    pub source_person: String,
    pub reporter_account: Option<i64>,
    pub channel: Channel,
    pub classification: Classification,
    /// When the clock of its current limit started: its filing or reopening while it awaits verification, its
    /// verification while it awaits action (assignment does not restart it), else its last move.
    pub status_since_ms: i64,
}

/// The open reports of a territory summed up (see `IncidentStore::open_report_summary`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpenReportSummary {
    pub groups: Vec<OpenGroup>,
    /// The reports nearest to their limit (not yet past it), the nearest first, with when it passes (ms).
    pub soon: Vec<(ReportRecord, i64)>,
}

/// The open reports of one severity in one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenGroup {
    pub severity: u8,
    pub status: Status,
    pub count: u64,
    /// Past their limit.
    pub overdue: u64,
    /// Within the `soon_ms` asked for, not past it.
    pub soon: u64,
    /// In the queue of the viewer's agency: routed to it as responsible, or shared with it (as
    /// `ReportFilter::routed_to` reads it).
    pub mine: u64,
}

/// Which reports to list; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub within: Option<RegionCode>,
    pub status: Option<String>,
    pub category: Option<String>,
    pub min_severity: Option<u8>,
    pub source_agency: Option<String>,
    /// Occurred at or after (ms).
    pub from_ms: Option<i64>,
    /// Occurred before (ms).
    pub to_ms: Option<i64>,
    /// Only reports an agency is responsible for (its queue).
    pub routed_to: Option<AgencyKind>,
    /// Only reports still waiting: for verification, or for action (reported, verified, assigned).
    pub open: bool,
    /// Only the reports this account filed (the field form's "my reports").
    pub reporter_account: Option<i64>,
}

/// A unit a report was routed to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouteRecord {
    pub unit_code: String,
    pub unit_name: String,
    pub agency: String,
    /// `responsible` or `informed`.
    pub role: String,
    pub at_ms: i64,
}

/// A move of a report to record: from the status it was read in (if it changed meanwhile, the move is refused).
#[derive(Debug, Clone, PartialEq)]
pub struct ReportMove {
    pub report_id: ReportId,
    pub action: String,
    pub from: sinergi_domain::incident::Status,
    pub to: sinergi_domain::incident::Status,
    pub at_ms: i64,
    pub account_id: Option<i64>,
    pub actor: String,
    pub reject_reason: Option<sinergi_domain::incident::RejectReason>,
    /// For an assignment: the code of the unit assigned to act on the report.
    pub assigned_unit: Option<String>,
    pub reason: String,
}

/// One entry of a report's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportEventRecord {
    pub id: i64,
    pub report_id: ReportId,
    pub at_ms: i64,
    pub account_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub reject_reason: Option<String>,
    /// The code of the unit an assignment named.
    pub assigned_unit: Option<String>,
    pub reason: String,
}

/// A comment on a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommentRecord {
    pub id: i64,
    pub report_id: ReportId,
    pub at_ms: i64,
    pub account_id: Option<i64>,
    pub author: String,
    pub agency: String,
    pub body: String,
}

/// One change of a report in the live feed, in commit order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedEntry {
    pub seq: i64,
    pub report_id: ReportId,
    /// `filed`, `moved`, `commented`, `shared`, `revoked`, `escalated` or `duplicate`.
    pub kind: String,
    pub at_ms: i64,
}

/// A report shared with an agency, and its revocation if any.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShareRecord {
    pub id: i64,
    pub report_id: ReportId,
    pub agency: String,
    pub shared_at_ms: i64,
    pub shared_by: String,
    pub reason: String,
    pub revoked_at_ms: Option<i64>,
    pub revoked_by: Option<String>,
    pub revoke_reason: Option<String>,
}

/// A share or a revocation to record.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareMove {
    pub report_id: ReportId,
    pub agency: AgencyKind,
    pub at_ms: i64,
    pub account_id: Option<i64>,
    pub actor: String,
    pub reason: String,
}

/// An escalation the sweep found: a report past its limit by `steps`, on the clock that started at `since_ms`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEscalation {
    pub report_id: ReportId,
    /// The status the report was in when found (the history entry keeps it).
    pub status: sinergi_domain::incident::Status,
    pub stage: sinergi_domain::incident::escalation::Stage,
    pub since_ms: i64,
    pub steps: u8,
    pub at_ms: i64,
    /// For the history: which limit passed and to whom it went.
    pub reason: String,
}

/// A probable duplicate, seen from one of its two reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DuplicateRecord {
    /// The later report of the pair.
    pub report_id: ReportId,
    /// The earlier one.
    pub other_id: ReportId,
    pub distance_m: f64,
    pub gap_ms: i64,
    /// `probable`, `confirmed` or `dismissed`.
    pub status: String,
    pub found_at_ms: i64,
    pub decided_at_ms: Option<i64>,
    pub decided_by: Option<String>,
}

/// Reports: filing, reading, moving along the workflow, history, comments, routes, the live feed.
#[async_trait]
pub trait IncidentStore: Send + Sync {
    /// Files reports in one transaction, each with the first entry of its history. A report whose account and
    /// idempotency key were seen before is not stored again: [`Filed::Replayed`] with the first one's id.
    async fn file_reports(&self, reports: &[NewReport]) -> Result<Vec<Filed>>;

    /// A report, when it lies in the viewer's territory and classification.
    async fn report(&self, viewer: &Viewer, id: ReportId) -> Result<Option<ReportRecord>>;

    /// Reports in the viewer's territory and classification that match, newest first (by time of event), with
    /// the total that match.
    async fn reports(&self, viewer: &Viewer, filter: &ReportFilter, page: Page) -> Result<(Vec<ReportRecord>, u64)>;

    /// Records a move of a report (the caller checked it against the workflow). [`StoreError::Conflict`] when the
    /// report is no longer in `from` (someone moved it meanwhile).
    async fn move_report(&self, step: &ReportMove) -> Result<()>;

    /// The units a report was routed to, responsible ones first.
    async fn report_routes(&self, report_id: ReportId) -> Result<Vec<RouteRecord>>;

    /// The open reports (reported, verified, assigned) the viewer reads in its territory, summed up in SQL for the
    /// command dashboard under these time limits at `now_ms`: per severity and status, how many, how many past
    /// their limit, how many due within `soon_ms` and how many in the queue of the viewer's agency; and the `keep`
    /// nearest to their limit, not yet past it.
    async fn open_report_summary(
        &self,
        viewer: &Viewer,
        limits: &[sinergi_domain::incident::Limit],
        now_ms: i64,
        soon_ms: i64,
        keep: u32,
    ) -> Result<OpenReportSummary>;

    /// An agency's queue in the viewer's territory and clearance: how many reports it is responsible for, per
    /// status.
    async fn queue_counts(&self, viewer: &Viewer, agency: AgencyKind) -> Result<HashMap<String, u64>>;

    /// The history of a report, oldest first.
    async fn report_history(&self, report_id: ReportId) -> Result<Vec<ReportEventRecord>>;

    async fn add_comment(
        &self,
        report_id: ReportId,
        at_ms: i64,
        account_id: Option<i64>,
        author: &str,
        agency: &str,
        body: &str,
    ) -> Result<i64>;

    /// The comments of a report, oldest first.
    async fn comments(&self, report_id: ReportId) -> Result<Vec<CommentRecord>>;

    /// The newest sequence number of the live feed (0 when empty).
    async fn feed_head(&self) -> Result<i64>;

    /// Entries of the live feed after `after`, oldest first, at most `limit`.
    async fn feed_after(&self, after: i64, limit: u32) -> Result<Vec<FeedEntry>>;
}

/// The desk's shared work on reports: shares with other agencies, escalations, probable duplicates.
#[async_trait]
pub trait IncidentDeskStore: Send + Sync {
    /// Shares a report with an agency, with a history entry and a feed entry. [`StoreError::Conflict`] when the
    /// agency holds an active share already.
    async fn share_report(&self, share: &ShareMove) -> Result<()>;

    /// Revokes an agency's active share, with a history entry and a feed entry. [`StoreError::Conflict`] when it
    /// holds none.
    async fn revoke_share(&self, revoke: &ShareMove) -> Result<()>;

    /// Every share of a report, revoked ones too, oldest first.
    async fn report_shares(&self, report_id: ReportId) -> Result<Vec<ShareRecord>>;

    /// Records an escalation once: `false` when it was recorded before (by this or another instance). A new one
    /// is written to the history and the feed.
    async fn record_escalation(&self, escalation: &NewEscalation) -> Result<bool>;

    /// What the escalation sweep must record: open reports whose first time limit has passed by `now_ms` and
    /// whose step due now (the second once twice the limit has passed) is not recorded for their current clock,
    /// by id after `after_id`, at most `limit`. `limits` are the taxonomy's per severity (`Taxonomy::limit`); a
    /// report of a severity not among them is left out. The sweep weighs each with `Taxonomy::overdue` again.
    async fn escalations_due(
        &self,
        limits: &[sinergi_domain::incident::Limit],
        now_ms: i64,
        after_id: ReportId,
        limit: u32,
    ) -> Result<Vec<ReportRecord>>;

    /// Links each report to the earlier reports it probably duplicates (the rule's same category, distance and
    /// time; the place is the report's coordinates, else its village's centre), with a feed entry for each report
    /// that gained a link, at most the five nearest per report. Rejected reports are left out. Returns the links
    /// made.
    ///
    /// A report is found by later searches only once a search has looked at it: filing does not place a report
    /// in the search's grid (that would cost every report a write at a random place of an index), this does.
    /// [`IncidentDeskStore::unplaced_reports`] lists those not looked at yet.
    async fn link_duplicates(
        &self,
        report_ids: &[ReportId],
        rule: sinergi_domain::incident::duplicates::DuplicateRule,
        at_ms: i64,
    ) -> Result<u64>;

    /// Up to `limit` reports, by id after `after_id`, that no duplicate search has looked at yet
    /// ([`IncidentDeskStore::link_duplicates`]): those filed just before a server stopped. The desk searches them when it starts.
    async fn unplaced_reports(&self, after_id: ReportId, limit: u32) -> Result<Vec<ReportId>>;

    /// The probable duplicates a report is part of, on either side.
    async fn report_duplicates(&self, report_id: ReportId) -> Result<Vec<DuplicateRecord>>;

    /// Confirms or dismisses a probable duplicate, with a feed entry for the later report; says so when the pair
    /// is unknown or was decided already (and then writes nothing).
    async fn decide_duplicate(
        &self,
        report_id: ReportId,
        other_id: ReportId,
        confirm: bool,
        at_ms: i64,
        actor: &str,
    ) -> Result<DuplicateDecided>;
}

// The report taxonomy as data (docs/incidents.md, "The taxonomy").

/// A version of the report taxonomy to store: its checked TOML text, who loaded it and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTaxonomyVersion {
    /// The taxonomy's `id` and `version` as written in its text.
    pub taxonomy_id: String,
    pub label: String,
    pub definition: String,
    pub loaded_by: String,
    pub loaded_at_ms: i64,
    pub reason: String,
}

/// A stored version of the report taxonomy, without its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaxonomyVersion {
    pub id: i64,
    pub taxonomy_id: String,
    pub label: String,
    pub loaded_by: String,
    pub loaded_at_ms: i64,
    pub reason: String,
}

/// A stored version of the report taxonomy with its TOML text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredTaxonomy {
    #[serde(flatten)]
    pub version: TaxonomyVersion,
    pub definition: String,
}

/// The report taxonomy's versions: only ever added; the newest is in force.
#[async_trait]
pub trait TaxonomyStore: Send + Sync {
    // The report taxonomy as data (docs/incidents.md, "The taxonomy"): versions are only ever added; the newest
    // is in force.

    /// Stores a version of the taxonomy (its text checked by the caller) and records `audit` (its target set to
    /// `taxonomy_version:<id>`) in the same transaction. Returns the new version's id, higher than every earlier
    /// one.
    async fn add_taxonomy_version(&self, version: &NewTaxonomyVersion, audit: &AuditEvent) -> Result<i64>;

    /// The id of the newest version, or `None` when none was ever stored: one indexed read, for the instances
    /// that watch for a new version every few seconds.
    async fn latest_taxonomy_version_id(&self) -> Result<Option<i64>>;

    /// The newest version with its text.
    async fn latest_taxonomy_version(&self) -> Result<Option<StoredTaxonomy>>;

    /// One version with its text.
    async fn taxonomy_version(&self, id: i64) -> Result<Option<StoredTaxonomy>>;

    /// The stored versions, newest first, without their texts, one page of them, with the total.
    async fn taxonomy_versions(&self, page: Page) -> Result<(Vec<TaxonomyVersion>, u64)>;

    /// Which of these category ids at least one stored report uses (in the order given, each once). Not
    /// filtered by a viewer: a taxonomy serves every territory.
    async fn categories_in_use(&self, ids: &[String]) -> Result<Vec<String>>;
}

// Rows as read from either backend, mapped to the records above.

#[derive(sqlx::FromRow)]
pub(crate) struct ReportRow {
    pub(crate) id: i64,
    pub(crate) kind: String,
    pub(crate) category: String,
    pub(crate) severity: i64,
    pub(crate) status: String,
    pub(crate) occurred_at_ms: i64,
    pub(crate) reported_at_ms: i64,
    pub(crate) updated_at_ms: i64,
    pub(crate) village_code: String,
    pub(crate) tps_id: Option<i64>,
    pub(crate) lat: Option<f64>,
    pub(crate) lng: Option<f64>,
    pub(crate) description: String,
    pub(crate) source_agency: String,
    pub(crate) source_person: String,
    pub(crate) reporter_account: Option<i64>,
    pub(crate) channel: String,
    pub(crate) classification: String,
    pub(crate) status_since_ms: i64,
}

impl ReportRow {
    pub(crate) fn into_record(self) -> Result<ReportRecord> {
        Ok(ReportRecord {
            id: ReportId(self.id),
            kind: stored(&self.kind, ReportKind::parse, "report kind")?,
            category: self.category,
            severity: u8::try_from(self.severity).unwrap_or(0),
            status: stored(&self.status, Status::parse, "report status")?,
            occurred_at_ms: self.occurred_at_ms,
            reported_at_ms: self.reported_at_ms,
            updated_at_ms: self.updated_at_ms,
            village_code: stored_code(&self.village_code)?,
            tps_id: self.tps_id,
            location: match (self.lat, self.lng) {
                (Some(lat), Some(lng)) => Some(LatLng::new(lat, lng)),
                _ => None,
            },
            description: self.description,
            source_agency: stored(&self.source_agency, AgencyKind::parse, "agency")?,
            source_person: self.source_person,
            reporter_account: self.reporter_account,
            channel: stored(&self.channel, Channel::parse, "channel")?,
            classification: stored(&self.classification, Classification::parse, "classification")?,
            status_since_ms: self.status_since_ms,
        })
    }
}

/// A taxonomy version row (id, taxonomy id, label, loaded by, loaded at, reason, text) as a record.
pub(crate) fn stored_taxonomy(row: (i64, String, String, String, i64, String, String)) -> StoredTaxonomy {
    let (id, taxonomy_id, label, loaded_by, loaded_at_ms, reason, definition) = row;
    StoredTaxonomy { version: TaxonomyVersion { id, taxonomy_id, label, loaded_by, loaded_at_ms, reason }, definition }
}
