//! Storage for Sinergi: one interface, [`Store`], with two implementations that behave the same.
//!
//! [`SqliteStore`] is the default: an embedded file that needs no set-up and serves a regency from one process.
//! [`PgStore`] serves a province or the nation from several stateless server instances. Both run their own
//! migrations on connect. The SQL they share is written once (see `queries.rs`); only the schema files and the
//! connection set-up differ. One behaviour suite (`tests/behaviour.rs`) runs against both.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use async_trait::async_trait;
use serde::Serialize;
use sinergi_domain::access::{ClearancePolicy, ClearanceRule, Viewer};
use sinergi_domain::audit::{AuditEntry, AuditEvent};
use sinergi_domain::auth::{Role, Scope};
use sinergi_domain::vulnerability::IndicatorSet;
use sinergi_domain::{
    AccessMode, AgencyKind, Boundary, LatLng, Level, Region, RegionCode, Tps, Unit, UnitKind, agency::Contact,
};

mod filing;
mod postgres;
mod queries;
mod sqlite;
mod sqlite_writer;
#[cfg(feature = "testing")]
pub mod testing;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// What can go wrong in storage, in terms the server can map to a stable API error without leaking SQL.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The write would break a uniqueness rule (for example a second TPS with the same number in a village).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The write names something that does not exist (a village, a parent unit).
    #[error("invalid reference: {0}")]
    InvalidReference(String),
    /// Text the database cannot hold (PostgreSQL refuses a NUL character). Input validation should have caught
    /// it; this keeps a miss from becoming a 500.
    #[error("invalid text: {0}")]
    InvalidText(String),
    /// The database could not be reached or timed out.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The database refuses writes: a read-only file or mount, or a PostgreSQL standby.
    #[error("database is read-only: {0}")]
    ReadOnly(String),
    /// Entries lie beyond the audit log's recorded head: someone wrote into it around the application. Every
    /// audited change is refused until an administrator has looked (`sinergi audit verify`).
    #[error("audit chain broken: {0}")]
    AuditChainBroken(String),
    /// The URL names no backend we know.
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    /// Anything else; the detail is for the log, never for the user.
    #[error("database error: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(db.message().to_owned()),
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::InvalidReference(db.message().to_owned())
            }
            // 22021 character_not_in_repertoire (a NUL), 22P05 untranslatable_character.
            sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("22021" | "22P05")) => {
                StoreError::InvalidText(db.message().to_owned())
            }
            sqlx::Error::Database(db) if is_read_only(db.code().as_deref(), db.message()) => {
                StoreError::ReadOnly(db.message().to_owned())
            }
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                StoreError::Unavailable(e.to_string())
            }
            _ => StoreError::Internal(e.to_string()),
        }
    }
}

/// True for the database's refusal to write at all: PostgreSQL's `25006 read_only_sql_transaction` (a standby, or
/// `default_transaction_read_only`), SQLite's `SQLITE_READONLY` and its extended codes (a read-only file, mount or
/// `mode=ro`).
fn is_read_only(code: Option<&str>, message: &str) -> bool {
    match code {
        Some("25006") => true,
        Some(code) => code.parse::<i32>().is_ok_and(|c| c & 0xff == 8) && message.contains("readonly"),
        None => false,
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        match e {
            // A database that cannot be written cannot be migrated either: say which it is.
            sqlx::migrate::MigrateError::Execute(inner) => match StoreError::from(inner) {
                read_only @ StoreError::ReadOnly(_) => read_only,
                other => StoreError::Internal(format!("migration failed: {other}")),
            },
            e => StoreError::Internal(format!("migration failed: {e}")),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What became of a decision on a probable duplicate ([`Store::decide_duplicate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicateDecided {
    /// Recorded now.
    Recorded,
    /// Decided before: confirmed (`true`) or dismissed; nothing written.
    Already { confirmed: bool },
    /// No such pair of probable duplicates.
    UnknownPair,
}

/// Whose API tokens a listing or a revocation reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenOwners {
    /// One account's own.
    Account(i64),
    /// Every account whose territory lies inside this scope (an administrator's): `National` reaches every
    /// account, a region only the accounts scoped inside it (not national ones).
    Within(Scope),
}

/// A key the sign-in throttle counts under (`user:<name>`, `addr:<ip>`), with its limit of failures per window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleKey {
    pub key: String,
    pub limit: u32,
    /// A successful sign-in forgets the failures counted under this key (the username's, not the address's).
    pub cleared_by_success: bool,
}

/// The answer to [`Store::claim_login`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginClaim {
    /// The password may be checked.
    Granted,
    /// Locked until then (`Some`), or every check the window allows is already counted or in flight (`None`).
    Refused { locked_until_ms: Option<i64> },
}

/// Which implementation is behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A region with what the registry knows around it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionInfo {
    pub code: RegionCode,
    pub name: String,
    pub level: Level,
    pub parent: Option<RegionCode>,
    pub centroid: Option<LatLng>,
    pub has_boundary: bool,
}

/// Number of TPS and registered voters in an area.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TpsStats {
    pub tps: u64,
    pub voters: u64,
}

/// A stored TPS: its id and the village name, besides the TPS itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TpsRecord {
    pub id: i64,
    pub village_name: String,
    #[serde(flatten)]
    pub tps: Tps,
}

/// A page of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Counting from 1.
    pub number: u32,
    pub size: u32,
}

impl Page {
    pub const MAX_SIZE: u32 = 1000;

    pub fn new(number: u32, size: u32) -> Page {
        Page { number: number.max(1), size: size.clamp(1, Page::MAX_SIZE) }
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.number - 1) * i64::from(self.size)
    }
}

/// Which units to list.
#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    pub agency: Option<AgencyKind>,
    pub kind: Option<UnitKind>,
    /// Units whose territory lies inside this region (the region itself included).
    pub within: Option<RegionCode>,
    /// Units whose territory is exactly this region.
    pub at: Option<RegionCode>,
}

/// Units of one agency, counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgencySummary {
    pub agency: AgencyKind,
    pub units: u64,
    pub personnel: u64,
}

/// A region's boundary as stored: the GeoJSON geometry text, ready to be embedded in a response.
#[derive(Debug, Clone)]
pub struct BoundaryFeature {
    pub code: RegionCode,
    pub name: String,
    pub geometry: String,
}

/// An account to create. The password arrives already hashed (argon2id, by the caller).
#[derive(Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub unit_code: String,
    pub role: Role,
    pub scope: Scope,
    pub password_hash: String,
    pub created_at_ms: i64,
}

/// A stored account. Its `Debug` leaves the password hash out, so it can never reach a log line.
#[derive(Clone, PartialEq, Serialize)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_code: String,
    /// The agency of the account's unit.
    pub agency: AgencyKind,
    pub role: Role,
    pub scope: Scope,
    #[serde(skip)]
    pub password_hash: String,
    pub disabled: bool,
    pub created_at_ms: i64,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("unit_code", &self.unit_code)
            .field("agency", &self.agency)
            .field("role", &self.role)
            .field("scope", &self.scope)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

impl UserRecord {
    /// Who this account is when it makes a request, with its clearance under `policy`.
    pub fn viewer(&self, policy: &ClearancePolicy) -> Viewer {
        Viewer {
            account_id: self.id,
            username: self.username.clone(),
            role: self.role,
            agency: self.agency,
            scope: self.scope.clone(),
            read_only: false,
            clearance: policy.clearance(self.role, self.agency),
        }
    }
}

/// An API token to record: only the digest of the whole token is kept.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// The public part (12 hex digits), by which the token is found.
    pub id: String,
    pub digest: String,
    pub account_id: i64,
    pub name: String,
    /// A region inside the account's scope, narrowing it; `None` keeps the account's scope.
    pub scope: Option<RegionCode>,
    pub read_only: bool,
    pub created_at_ms: i64,
    pub expires_at_ms: Option<i64>,
}

/// A stored API token, without its secret.
#[derive(Clone, Serialize)]
pub struct TokenRecord {
    pub id: String,
    #[serde(skip)]
    pub digest: String,
    pub account_id: i64,
    pub username: String,
    pub name: String,
    pub scope: Option<RegionCode>,
    pub read_only: bool,
    pub created_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub last_used_at_ms: Option<i64>,
    pub revoked_at_ms: Option<i64>,
}

impl std::fmt::Debug for TokenRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenRecord")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("name", &self.name)
            .field("scope", &self.scope)
            .field("read_only", &self.read_only)
            .field("revoked_at_ms", &self.revoked_at_ms)
            .finish_non_exhaustive()
    }
}

impl TokenRecord {
    /// True when the token may be used at `now_ms`: not revoked and not expired.
    pub fn is_live(&self, now_ms: i64) -> bool {
        self.revoked_at_ms.is_none() && self.expires_at_ms.is_none_or(|end| now_ms < end)
    }

    /// Who a request made with this token acts as: its account, narrowed to the token's region and to reading
    /// when the token is read-only. `None` when the account's scope no longer meets the token's region (the
    /// account moved): such a token opens nothing.
    pub fn viewer(&self, user: &UserRecord, policy: &ClearancePolicy) -> Option<Viewer> {
        let mut viewer = user.viewer(policy);
        if let Some(region) = &self.scope {
            viewer.scope = Scope::Region(viewer.narrow(region)?);
        }
        viewer.read_only |= self.read_only;
        Some(viewer)
    }
}

/// An indicator set as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSet {
    pub id: String,
    pub version: String,
    pub definition: String,
    pub loaded_at_ms: i64,
}

/// An assessment to record: one officer's answers for one TPS.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAssessment {
    pub tps_id: i64,
    pub agency: AgencyKind,
    /// The person who assessed (name and rank as written).
    pub assessor: String,
    /// The account that recorded it, when recorded by a signed-in user.
    pub account_id: Option<i64>,
    pub assessed_at_ms: i64,
    pub recorded_at_ms: i64,
    /// One value per indicator of the set, in its order.
    pub answers: Vec<u32>,
    pub evidence: String,
    /// An optional photo: its media type (`image/jpeg`, `image/png`, `image/webp`) and bytes.
    pub photo: Option<(String, Vec<u8>)>,
}

/// A stored assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssessmentRecord {
    pub id: i64,
    pub tps_id: i64,
    pub set_id: String,
    pub set_version: String,
    pub agency: String,
    pub assessor: String,
    pub assessed_at_ms: i64,
    pub recorded_at_ms: i64,
    /// As stored: `variable.indicator=value;…`, the answers other than 0.
    pub answers: String,
    pub evidence: String,
    pub class: String,
    /// Whether a photo came with it (read it with [`Store::assessment_photo`]).
    pub has_photo: bool,
}

/// An assessment of a village or a district against a set's area indicators.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAreaAssessment {
    /// A village or a district.
    pub region: RegionCode,
    pub agency: AgencyKind,
    pub assessor: String,
    pub account_id: Option<i64>,
    pub assessed_at_ms: i64,
    pub recorded_at_ms: i64,
    /// One value per area indicator of the set, in its order.
    pub answers: Vec<u32>,
    pub evidence: String,
}

/// A stored area assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaAssessmentRecord {
    pub id: i64,
    pub region_code: RegionCode,
    pub set_id: String,
    pub set_version: String,
    pub agency: String,
    pub assessor: String,
    pub assessed_at_ms: i64,
    pub recorded_at_ms: i64,
    /// As stored: `indicator=value;…`, the answers other than 0.
    pub answers: String,
    pub evidence: String,
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
    pub classification: sinergi_domain::auth::Classification,
    /// Client-generated; a second submission with the same key from the same account is the first one.
    pub idempotency_key: Option<String>,
    /// The units it goes to (`Taxonomy::route_report`).
    pub routes: Vec<sinergi_domain::incident::routing::Routed>,
}

/// What filing a report did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filed {
    /// Stored now, with this id.
    New(i64),
    /// Stored before under the same idempotency key: this id, nothing written.
    Replayed(i64),
}

impl Filed {
    pub fn id(self) -> i64 {
        match self {
            Filed::New(id) | Filed::Replayed(id) => id,
        }
    }
}

impl NewReport {
    /// The report as [`Store::report`] reads it right after [`Store::file_reports`] stored it new under `id`: a
    /// filing can answer with it without reading it back.
    pub fn stored_as(&self, id: i64) -> ReportRecord {
        ReportRecord {
            id,
            kind: self.kind.as_str().to_owned(),
            category: self.category.clone(),
            severity: self.severity.number(),
            status: sinergi_domain::incident::Status::Reported.as_str().to_owned(),
            occurred_at_ms: self.occurred_at_ms,
            reported_at_ms: self.reported_at_ms,
            updated_at_ms: self.reported_at_ms,
            village_code: self.village.clone(),
            tps_id: self.tps_id,
            location: self.location,
            description: self.description.clone(),
            source_agency: self.source_agency.as_str().to_owned(),
            source_person: self.source_person.clone(),
            reporter_account: self.reporter_account,
            channel: self.channel.as_str().to_owned(),
            classification: self.classification.as_str().to_owned(),
            status_since_ms: self.reported_at_ms,
        }
    }
}

/// A stored report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRecord {
    pub id: i64,
    pub kind: String,
    pub category: String,
    pub severity: u8,
    pub status: String,
    pub occurred_at_ms: i64,
    pub reported_at_ms: i64,
    pub updated_at_ms: i64,
    pub village_code: RegionCode,
    pub tps_id: Option<i64>,
    pub location: Option<LatLng>,
    pub description: String,
    pub source_agency: String,
    pub source_person: String,
    pub reporter_account: Option<i64>,
    pub channel: String,
    pub classification: String,
    /// When the clock of its current limit started: its filing or reopening while it awaits verification, its
    /// verification while it awaits action (assignment does not restart it), else its last move.
    pub status_since_ms: i64,
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
    pub report_id: i64,
    pub action: String,
    pub from: sinergi_domain::incident::Status,
    pub to: sinergi_domain::incident::Status,
    pub at_ms: i64,
    pub account_id: Option<i64>,
    pub actor: String,
    pub reject_reason: Option<sinergi_domain::incident::RejectReason>,
    pub reason: String,
}

/// One entry of a report's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportEventRecord {
    pub id: i64,
    pub report_id: i64,
    pub at_ms: i64,
    pub account_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub reject_reason: Option<String>,
    pub reason: String,
}

/// A comment on a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommentRecord {
    pub id: i64,
    pub report_id: i64,
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
    pub report_id: i64,
    /// `filed`, `moved`, `commented`, `shared`, `revoked`, `escalated` or `duplicate`.
    pub kind: String,
    pub at_ms: i64,
}

/// A report shared with an agency, and its revocation if any.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShareRecord {
    pub id: i64,
    pub report_id: i64,
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
    pub report_id: i64,
    pub agency: AgencyKind,
    pub at_ms: i64,
    pub account_id: Option<i64>,
    pub actor: String,
    pub reason: String,
}

/// An escalation the sweep found: a report past its limit by `steps`, on the clock that started at `since_ms`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEscalation {
    pub report_id: i64,
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
    pub report_id: i64,
    /// The earlier one.
    pub other_id: i64,
    pub distance_m: f64,
    pub gap_ms: i64,
    /// `probable`, `confirmed` or `dismissed`.
    pub status: String,
    pub found_at_ms: i64,
    pub decided_at_ms: Option<i64>,
    pub decided_by: Option<String>,
}

/// The current class of a TPS under a set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TpsClassRecord {
    pub tps_id: i64,
    pub village_code: RegionCode,
    pub number: u32,
    pub class: String,
    /// The agencies' latest assessments do not agree.
    pub disagree: bool,
    /// The indicators that caused the class (`variable.indicator`).
    pub causes: Vec<String>,
}

/// A session to record, known by the digest of its id (see `sinergi_domain::auth::secret_digest`).
#[derive(Debug, Clone)]
pub struct NewSession {
    pub digest: String,
    pub account_id: i64,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub digest: String,
    pub account_id: i64,
    pub created_at_ms: i64,
    pub last_seen_at_ms: i64,
    pub expires_at_ms: i64,
}

/// A report as a case of the early warning scan: its village and when it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanCase {
    pub village: RegionCode,
    pub occurred_at_ms: i64,
}

/// Which reports a live scan counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanCaseFilter {
    /// Statuses counted (e.g. those that passed verification).
    pub statuses: Vec<String>,
    /// Classifications counted.
    pub classifications: Vec<String>,
    /// Occurred at or after (ms).
    pub from_ms: i64,
    /// Occurred before (ms).
    pub to_ms: i64,
}

/// A finished scan run to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewScanRun {
    pub regency: RegionCode,
    /// `schedule` or `demand`.
    pub trigger: String,
    pub requested_by: String,
    pub account_id: Option<i64>,
    /// The parameters as JSON.
    pub params: String,
    pub period_start: String,
    pub period_end: String,
    pub started_at_ms: i64,
    pub finished_at_ms: i64,
    /// `done`, `too_few` or `failed`.
    pub status: String,
    pub cases_used: u64,
    pub cases_left_out: u64,
    /// The clusters as JSON, when scanned.
    pub result: Option<String>,
    pub message: String,
}

/// A significant cluster of a run, to become an alert or to refresh one.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertCandidate {
    pub center: RegionCode,
    /// Nearest the centre first (the centre first).
    pub villages: Vec<RegionCode>,
    pub radius_km: f64,
    pub start_day: String,
    pub end_day: String,
    pub observed: u64,
    pub expected: f64,
    pub relative_risk: f64,
    pub p_value: f64,
    pub gumbel_p_value: Option<f64>,
    pub llr: f64,
    /// The units it goes to (`scan::alerts::route_alert`).
    pub routes: Vec<sinergi_domain::incident::routing::Routed>,
}

/// What recording a run did to the alerts of its regency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanRecorded {
    pub run_id: i64,
    /// For each candidate, in order: its alert, and whether the alert is new.
    pub alerts: Vec<(i64, bool)>,
    /// Alerts that were active and are gone now.
    pub gone: Vec<i64>,
}

/// A stored scan run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanRunRecord {
    pub id: i64,
    pub regency: RegionCode,
    pub trigger: String,
    pub requested_by: String,
    pub params: String,
    pub period_start: String,
    pub period_end: String,
    pub started_at_ms: i64,
    pub finished_at_ms: i64,
    pub status: String,
    pub cases_used: u64,
    pub cases_left_out: u64,
    pub result: Option<String>,
    pub message: String,
}

/// A village of an alert, with what the map needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertVillage {
    pub code: RegionCode,
    pub name: String,
    pub centroid: Option<LatLng>,
}

/// A stored early-warning alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertRecord {
    pub id: i64,
    pub regency: RegionCode,
    pub center: RegionCode,
    pub radius_km: f64,
    /// Nearest the centre first.
    pub villages: Vec<AlertVillage>,
    pub start_day: String,
    pub end_day: String,
    pub observed: u64,
    pub expected: f64,
    pub relative_risk: f64,
    pub p_value: f64,
    pub gumbel_p_value: Option<f64>,
    pub llr: f64,
    pub first_run_id: i64,
    pub first_seen_ms: i64,
    pub last_run_id: i64,
    pub last_seen_ms: i64,
    pub gone_at_ms: Option<i64>,
    /// `active` or `gone`.
    pub status: String,
}

/// Which alerts to list.
#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    /// Alerts with a village inside this region.
    pub within: Option<RegionCode>,
    /// `active` or `gone`; `None` for both.
    pub status: Option<String>,
}

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

/// The one storage interface. Every method is a single transaction: it either happens entirely or not at all.
#[async_trait]
pub trait Store: Send + Sync {
    fn backend(&self) -> Backend;

    /// Inserts or updates regions by code. Parents must exist or come in the same call.
    async fn upsert_regions(&self, regions: &[Region]) -> Result<u64>;
    // Reads on behalf of a user take the [`Viewer`] and return only what it may see (see
    // `sinergi_domain::access`): a record outside its territory is `None`, lists leave such records out. The
    // command line reads as `Viewer::system`.

    /// The region, when the viewer sees it (inside its scope or an ancestor of it).
    async fn region(&self, viewer: &Viewer, code: &RegionCode) -> Result<Option<RegionInfo>>;
    /// The regions directly below `parent`, or the provinces when `parent` is `None`, in code order; only
    /// those the viewer sees.
    async fn children(&self, viewer: &Viewer, parent: Option<&RegionCode>) -> Result<Vec<RegionInfo>>;
    /// Regions the viewer sees whose name contains `query` (case-insensitive), wider regions first.
    async fn search_regions(&self, viewer: &Viewer, query: &str, limit: u32) -> Result<Vec<RegionInfo>>;
    /// Every region code in the registry, for validating imports against it.
    async fn region_codes(&self) -> Result<HashSet<RegionCode>>;
    async fn count_regions(&self) -> Result<u64>;
    /// Regencies the viewer sees whose districts have boundaries, i.e. those with a map.
    async fn mapped_regencies(&self, viewer: &Viewer) -> Result<Vec<RegionInfo>>;
    /// Attaches boundaries to existing regions.
    async fn set_boundaries(&self, boundaries: &[(RegionCode, Boundary)]) -> Result<u64>;
    /// Boundaries of the regions of `level` inside `within` and inside the viewer's territory.
    async fn boundaries(&self, viewer: &Viewer, within: &RegionCode, level: Level) -> Result<Vec<BoundaryFeature>>;
    async fn boundary(&self, viewer: &Viewer, code: &RegionCode) -> Result<Option<Boundary>>;

    /// Inserts or updates TPS by (village, number).
    async fn upsert_tps(&self, tps: &[Tps]) -> Result<u64>;
    // Writes made on behalf of someone take the audit event that records them and append it in the same
    // transaction: the change and its entry commit together or not at all.

    /// Inserts a new TPS in the viewer's territory and records `audit` (its target set to `tps:<id>`); a TPS
    /// with the same village and number is a [`StoreError::Conflict`], a village outside the territory or the
    /// registry a [`StoreError::InvalidReference`].
    async fn create_tps(&self, viewer: &Viewer, tps: &Tps, audit: &AuditEvent) -> Result<TpsRecord>;
    /// Replaces a TPS in the viewer's territory and records `audit` with every changed field as its detail;
    /// `None` when there is no such TPS in the territory.
    async fn update_tps(&self, viewer: &Viewer, id: i64, tps: &Tps, audit: &AuditEvent) -> Result<Option<TpsRecord>>;
    /// The TPS, when the viewer may read TPS and it lies in the viewer's territory.
    async fn tps(&self, viewer: &Viewer, id: i64) -> Result<Option<TpsRecord>>;
    /// TPS inside a region and the viewer's territory, in code and number order, one page of them, with the
    /// total count.
    async fn list_tps(&self, viewer: &Viewer, within: &RegionCode, page: Page) -> Result<(Vec<TpsRecord>, u64)>;
    /// Every TPS inside a region and the viewer's territory (for exports and maps).
    async fn all_tps(&self, viewer: &Viewer, within: &RegionCode) -> Result<Vec<TpsRecord>>;
    async fn tps_stats(&self, viewer: &Viewer, within: &RegionCode) -> Result<TpsStats>;
    /// Counts of the TPS the viewer may read, per child region of `parent` (or per province), keyed by the
    /// child's code.
    async fn tps_stats_by_child(
        &self,
        viewer: &Viewer,
        parent: Option<&RegionCode>,
    ) -> Result<HashMap<RegionCode, TpsStats>>;
    async fn count_synthetic_tps(&self) -> Result<u64>;

    /// Inserts or updates units by code.
    async fn upsert_units(&self, units: &[Unit]) -> Result<u64>;
    /// The unit, when the viewer may read units and sees its territory (units of the scope's ancestors
    /// included: the chain of command).
    async fn unit(&self, viewer: &Viewer, code: &str) -> Result<Option<Unit>>;
    /// Every unit code, for validating imports against them.
    async fn unit_codes(&self) -> Result<HashSet<String>>;
    async fn list_units(&self, viewer: &Viewer, filter: &UnitFilter, page: Page) -> Result<(Vec<Unit>, u64)>;
    async fn agency_summaries(&self, viewer: &Viewer) -> Result<Vec<AgencySummary>>;

    /// Creates an account; a taken username is a [`StoreError::Conflict`], an unknown unit or scope region a
    /// [`StoreError::InvalidReference`].
    async fn create_user(&self, user: &NewUser, audit: &AuditEvent) -> Result<UserRecord>;
    async fn user_by_name(&self, username: &str) -> Result<Option<UserRecord>>;
    async fn user(&self, id: i64) -> Result<Option<UserRecord>>;
    async fn list_users(&self) -> Result<Vec<UserRecord>>;
    /// Disables or enables an account; disabling also ends its sessions. `false` when there is no such user.
    async fn set_user_disabled(&self, username: &str, disabled: bool, audit: &AuditEvent) -> Result<bool>;
    /// Replaces the password hash and ends the account's sessions. `false` when there is no such user.
    async fn set_password_hash(&self, username: &str, hash: &str, audit: &AuditEvent) -> Result<bool>;

    /// Gives an account a phone number (already normalized), or removes its numbers (`None`). `false` when there
    /// is no such user; [`StoreError::Conflict`] when the number belongs to another account.
    async fn set_phone(&self, username: &str, phone: Option<&str>, audit: &AuditEvent) -> Result<bool>;
    /// The account with this phone number.
    async fn user_by_phone(&self, phone: &str) -> Result<Option<UserRecord>>;

    async fn create_session(&self, session: &NewSession) -> Result<()>;
    /// The session with this digest and its account, expired or not (the caller decides).
    async fn session(&self, digest: &str) -> Result<Option<(SessionRecord, UserRecord)>>;
    async fn touch_session(&self, digest: &str, now_ms: i64) -> Result<()>;
    async fn delete_session(&self, digest: &str) -> Result<()>;
    /// Deletes sessions past their absolute expiry (`expires_at_ms <= now_ms`) or idle since before
    /// `idle_before_ms`; returns how many.
    async fn purge_sessions(&self, now_ms: i64, idle_before_ms: i64) -> Result<u64>;

    /// Appends an event to the audit log, chained to the entry before it. Appends are serialised by a lock on
    /// the chain's head, across connections and server instances.
    async fn append_audit(&self, event: &AuditEvent) -> Result<AuditEntry>;
    /// Entries with `seq > after`, in order, at most `limit`.
    async fn audit_entries(&self, after: i64, limit: u32) -> Result<Vec<AuditEntry>>;
    /// The recorded head of the chain: the last entry's number and hash (`0` and the genesis hash when empty).
    async fn audit_head(&self) -> Result<(i64, String)>;

    /// Records a new API token; its id must be new.
    async fn create_token(&self, token: &NewToken, audit: &AuditEvent) -> Result<TokenRecord>;
    /// The token with this id and its account, revoked or expired or not (the caller decides).
    async fn token(&self, id: &str) -> Result<Option<(TokenRecord, UserRecord)>>;
    /// The tokens of the accounts `owners` names, newest first.
    async fn list_tokens(&self, owners: &TokenOwners) -> Result<Vec<TokenRecord>>;
    /// Revokes a token of the accounts `owners` names as of `audit.at_ms`; `false` when there is no such token
    /// among theirs or it was revoked already.
    async fn revoke_token(&self, id: &str, owners: &TokenOwners, audit: &AuditEvent) -> Result<bool>;
    async fn touch_token(&self, id: &str, now_ms: i64) -> Result<()>;

    /// The clearance rules (who may read which classification), as set by administrators.
    async fn clearance_policy(&self) -> Result<ClearancePolicy>;
    /// Sets the rule for a role (and agency); replaces the rule for the same pair.
    async fn set_clearance_rule(&self, rule: &ClearanceRule, audit: &AuditEvent) -> Result<()>;
    /// Removes a rule, so that the default applies again; `false` when there was none.
    async fn remove_clearance_rule(&self, role: Role, agency: Option<AgencyKind>, audit: &AuditEvent) -> Result<bool>;

    /// Claims one password check under every key (each with its limit) in one transaction, or none: refused when
    /// a key is locked, or when its failures in the window and the checks in flight already reach its limit. A
    /// granted claim must be settled with [`Store::settle_login`].
    async fn claim_login(&self, keys: &[ThrottleKey], now_ms: i64, window_ms: i64) -> Result<LoginClaim>;
    /// Settles a granted claim: a failure counts under every key, and the failure that reaches a key's limit locks
    /// it for `lock_ms` (returned: the keys it locked, with the end of the lock); a success forgets the failures of
    /// the keys marked so.
    async fn settle_login(
        &self,
        keys: &[ThrottleKey],
        failed: bool,
        now_ms: i64,
        lock_ms: i64,
    ) -> Result<Vec<(String, i64)>>;
    /// Forgets the failures of `key` (after a successful sign-in, or an administrator's unlock).
    async fn clear_login_failures(&self, key: &str) -> Result<()>;

    /// Loads an indicator set (its checked TOML text), replacing an earlier version of the same id.
    async fn put_indicator_set(&self, set: &IndicatorSet, definition: &str, audit: &AuditEvent) -> Result<()>;
    /// Every loaded set, by id.
    async fn indicator_sets(&self) -> Result<Vec<StoredSet>>;
    /// Records assessments in one transaction with their audit entry, each classified under `set`, and updates
    /// the current class of their TPS. A TPS that does not exist is a [`StoreError::InvalidReference`] and
    /// nothing is written.
    async fn add_assessments(&self, set: &IndicatorSet, items: &[NewAssessment], audit: &AuditEvent) -> Result<u64>;
    /// Every assessment of a TPS under a set, newest first, when the viewer may read the TPS.
    async fn assessments(&self, viewer: &Viewer, tps_id: i64, set_id: &str) -> Result<Vec<AssessmentRecord>>;
    /// The photo of an assessment (media type and bytes), when it has one and the viewer may read its TPS.
    async fn assessment_photo(&self, viewer: &Viewer, id: i64) -> Result<Option<(String, Vec<u8>)>>;
    /// The current class of every classified TPS inside a region and the viewer's territory, in TPS order.
    async fn tps_classes(&self, viewer: &Viewer, set_id: &str, within: &RegionCode) -> Result<Vec<TpsClassRecord>>;
    /// Classifies every stored assessment of the set again under its rules (after the set changed) and
    /// recomputes the current classes; writes only what changed and returns how many TPS changed class.
    async fn reclassify(&self, set: &IndicatorSet) -> Result<u64>;
    /// Records assessments of villages and districts in one transaction with their audit entry. A region that
    /// does not exist is a [`StoreError::InvalidReference`] and nothing is written.
    async fn add_area_assessments(
        &self,
        set: &IndicatorSet,
        items: &[NewAreaAssessment],
        audit: &AuditEvent,
    ) -> Result<u64>;
    /// Every area assessment under a set of the regions inside `within` and the viewer's territory, and of the
    /// regions above `within` that the viewer sees (a village's district), by region, newest first.
    async fn area_assessments(
        &self,
        viewer: &Viewer,
        set_id: &str,
        within: &RegionCode,
    ) -> Result<Vec<AreaAssessmentRecord>>;

    /// Every village with a centroid, and its boundary (GeoJSON text) when one is stored: what placing a report
    /// by its coordinates needs. Not filtered by a viewer: the caller checks the village it finds.
    async fn village_shapes(&self) -> Result<Vec<(RegionCode, LatLng, Option<String>)>>;
    /// Files reports in one transaction, each with the first entry of its history. A report whose account and
    /// idempotency key were seen before is not stored again: [`Filed::Replayed`] with the first one's id.
    async fn file_reports(&self, reports: &[NewReport]) -> Result<Vec<Filed>>;
    /// A report, when it lies in the viewer's territory and classification.
    async fn report(&self, viewer: &Viewer, id: i64) -> Result<Option<ReportRecord>>;
    /// Reports in the viewer's territory and classification that match, newest first (by time of event), with
    /// the total that match.
    async fn reports(&self, viewer: &Viewer, filter: &ReportFilter, page: Page) -> Result<(Vec<ReportRecord>, u64)>;
    /// Records a move of a report (the caller checked it against the workflow). [`StoreError::Conflict`] when the
    /// report is no longer in `from` (someone moved it meanwhile).
    async fn move_report(&self, step: &ReportMove) -> Result<()>;
    /// The units a report was routed to, responsible ones first.
    async fn report_routes(&self, report_id: i64) -> Result<Vec<RouteRecord>>;
    /// An agency's queue in the viewer's territory and clearance: how many reports it is responsible for, per
    /// status.
    async fn queue_counts(&self, viewer: &Viewer, agency: AgencyKind) -> Result<HashMap<String, u64>>;
    /// Every unit whose territory holds the village (the village's own, its district's, regency's, province's).
    async fn units_over(&self, village: &RegionCode) -> Result<Vec<Unit>>;
    /// The history of a report, oldest first.
    async fn report_history(&self, report_id: i64) -> Result<Vec<ReportEventRecord>>;
    async fn add_comment(
        &self,
        report_id: i64,
        at_ms: i64,
        account_id: Option<i64>,
        author: &str,
        agency: &str,
        body: &str,
    ) -> Result<i64>;
    /// The comments of a report, oldest first.
    async fn comments(&self, report_id: i64) -> Result<Vec<CommentRecord>>;

    /// The newest sequence number of the live feed (0 when empty).
    async fn feed_head(&self) -> Result<i64>;
    /// Entries of the live feed after `after`, oldest first, at most `limit`.
    async fn feed_after(&self, after: i64, limit: u32) -> Result<Vec<FeedEntry>>;
    /// Shares a report with an agency, with a history entry and a feed entry. [`StoreError::Conflict`] when the
    /// agency holds an active share already.
    async fn share_report(&self, share: &ShareMove) -> Result<()>;
    /// Revokes an agency's active share, with a history entry and a feed entry. [`StoreError::Conflict`] when it
    /// holds none.
    async fn revoke_share(&self, revoke: &ShareMove) -> Result<()>;
    /// Every share of a report, revoked ones too, oldest first.
    async fn report_shares(&self, report_id: i64) -> Result<Vec<ShareRecord>>;
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
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<ReportRecord>>;
    /// Links each report to the earlier reports it probably duplicates (the rule's same category, distance and
    /// time; the place is the report's coordinates, else its village's centre), with a feed entry for each report
    /// that gained a link, at most the five nearest per report. Rejected reports are left out. Returns the links
    /// made.
    ///
    /// A report is found by later searches only once a search has looked at it: filing does not place a report
    /// in the search's grid (that would cost every report a write at a random place of an index), this does.
    /// [`Store::unplaced_reports`] lists those not looked at yet.
    async fn link_duplicates(
        &self,
        report_ids: &[i64],
        rule: sinergi_domain::incident::duplicates::DuplicateRule,
        at_ms: i64,
    ) -> Result<u64>;
    /// Up to `limit` reports, by id after `after_id`, that no duplicate search has looked at yet
    /// ([`Store::link_duplicates`]): those filed just before a server stopped. The desk searches them when it starts.
    async fn unplaced_reports(&self, after_id: i64, limit: u32) -> Result<Vec<i64>>;
    /// The probable duplicates a report is part of, on either side.
    async fn report_duplicates(&self, report_id: i64) -> Result<Vec<DuplicateRecord>>;
    /// Confirms or dismisses a probable duplicate, with a feed entry for the later report; says so when the pair
    /// is unknown or was decided already (and then writes nothing).
    async fn decide_duplicate(
        &self,
        report_id: i64,
        other_id: i64,
        confirm: bool,
        at_ms: i64,
        actor: &str,
    ) -> Result<DuplicateDecided>;

    // The early warning scan on the live reports (docs/scan.md, "On the live reports").

    /// The villages of a regency that have a centroid, in code order: the zones of its scan. Not filtered by a
    /// viewer (the server's scan reads the whole regency).
    async fn scan_zones(&self, regency: &RegionCode) -> Result<Vec<(RegionCode, LatLng)>>;
    /// The reports of a regency that a scan counts. Not filtered by a viewer.
    async fn scan_cases(&self, regency: &RegionCode, filter: &ScanCaseFilter) -> Result<Vec<ScanCase>>;
    /// The regencies with at least one report the filter counts, in code order (what the schedule scans).
    async fn regencies_with_reports(&self, filter: &ScanCaseFilter) -> Result<Vec<RegionCode>>;
    /// Claims the scheduled scan of a regency for the slot starting at `slot_start_ms`: `true` for the one caller
    /// (of any instance) that claims it first, `false` for every other.
    async fn claim_scan_slot(
        &self,
        regency: &RegionCode,
        slot_start_ms: i64,
        claimed_by: &str,
        at_ms: i64,
    ) -> Result<bool>;
    /// Records a finished run and, unless it failed, what it means for the regency's alerts: each candidate
    /// refreshes the active alert it shares most villages with or becomes a new alert (routed to its units), and
    /// the active alerts no candidate matched are gone (`scan::alerts::reconcile`). Runs of one regency record
    /// one at a time.
    /// A run asked for by someone takes the audit event that records it, appended in the same transaction.
    async fn record_scan(
        &self,
        run: &NewScanRun,
        candidates: &[AlertCandidate],
        audit: Option<&AuditEvent>,
    ) -> Result<ScanRecorded>;
    /// A run, when the viewer reads reports and covers its whole regency.
    async fn scan_run(&self, viewer: &Viewer, id: i64) -> Result<Option<ScanRunRecord>>;
    /// Runs of the regencies the viewer covers (of one regency, when given), newest first, with the total.
    async fn scan_runs(
        &self,
        viewer: &Viewer,
        regency: Option<&RegionCode>,
        page: Page,
    ) -> Result<(Vec<ScanRunRecord>, u64)>;
    /// An alert, when the viewer reads reports and covers at least one of its villages.
    async fn alert(&self, viewer: &Viewer, id: i64) -> Result<Option<AlertRecord>>;
    /// Alerts with at least one village in the viewer's territory (and in `within`), newest seen first, with
    /// the total.
    async fn alerts(&self, viewer: &Viewer, filter: &AlertFilter, page: Page) -> Result<(Vec<AlertRecord>, u64)>;
    /// The units an alert went to, responsible ones first.
    async fn alert_routes(&self, alert_id: i64) -> Result<Vec<RouteRecord>>;

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

    async fn meta(&self, key: &str) -> Result<Option<String>>;
    /// Checks that the database takes writes, by a write it rolls back: [`StoreError::ReadOnly`] on a read-only
    /// file or a PostgreSQL standby. The server refuses to start on such a database, and `/health` reports it.
    async fn check_writable(&self) -> Result<()>;
    async fn set_meta(&self, key: &str, value: &str) -> Result<()>;
}

/// The regions directly below `parent` (or the provinces), each with its TPS statistics: what both the region
/// browser and the API list.
pub async fn children_with_stats(
    store: &dyn Store,
    viewer: &Viewer,
    parent: Option<&RegionCode>,
) -> Result<Vec<(RegionInfo, TpsStats)>> {
    let children = store.children(viewer, parent).await?;
    let stats = store.tps_stats_by_child(viewer, parent).await?;
    Ok(children
        .into_iter()
        .map(|c| {
            let s = stats.get(&c.code).copied().unwrap_or_default();
            (c, s)
        })
        .collect())
}

/// Opens the database a URL names: `sqlite://PATH` (created if missing) or `postgres://…`.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl(redact(url)))
    }
}

/// The URL without its password, fit for a log line or an error.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}

// Row types shared by both backends; `queries.rs` maps them to domain types.

#[derive(sqlx::FromRow)]
struct RegionRow {
    code: String,
    name: String,
    parent: Option<String>,
    lat: Option<f64>,
    lng: Option<f64>,
    has_boundary: bool,
}

#[derive(sqlx::FromRow)]
struct TpsRow {
    id: i64,
    village_code: String,
    village_name: String,
    number: i64,
    address: String,
    lat: Option<f64>,
    lng: Option<f64>,
    voters: i64,
    access: String,
    synthetic: bool,
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: i64,
    kind: String,
    category: String,
    severity: i64,
    status: String,
    occurred_at_ms: i64,
    reported_at_ms: i64,
    updated_at_ms: i64,
    village_code: String,
    tps_id: Option<i64>,
    lat: Option<f64>,
    lng: Option<f64>,
    description: String,
    source_agency: String,
    source_person: String,
    reporter_account: Option<i64>,
    channel: String,
    classification: String,
    status_since_ms: i64,
}

impl ReportRow {
    fn into_record(self) -> Result<ReportRecord> {
        Ok(ReportRecord {
            id: self.id,
            kind: self.kind,
            category: self.category,
            severity: u8::try_from(self.severity).unwrap_or(0),
            status: self.status,
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
            source_agency: self.source_agency,
            source_person: self.source_person,
            reporter_account: self.reporter_account,
            channel: self.channel,
            classification: self.classification,
            status_since_ms: self.status_since_ms,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ScanRunRow {
    id: i64,
    regency_code: String,
    trigger_kind: String,
    requested_by: String,
    params: String,
    period_start: String,
    period_end: String,
    started_at_ms: i64,
    finished_at_ms: i64,
    status: String,
    cases_used: i64,
    cases_left_out: i64,
    result: Option<String>,
    message: String,
}

impl ScanRunRow {
    fn into_record(self) -> Result<ScanRunRecord> {
        Ok(ScanRunRecord {
            id: self.id,
            regency: stored_code(&self.regency_code)?,
            trigger: self.trigger_kind,
            requested_by: self.requested_by,
            params: self.params,
            period_start: self.period_start,
            period_end: self.period_end,
            started_at_ms: self.started_at_ms,
            finished_at_ms: self.finished_at_ms,
            status: self.status,
            cases_used: u64::try_from(self.cases_used).unwrap_or(0),
            cases_left_out: u64::try_from(self.cases_left_out).unwrap_or(0),
            result: self.result,
            message: self.message,
        })
    }
}

#[derive(sqlx::FromRow)]
struct AlertRow {
    id: i64,
    regency_code: String,
    center_code: String,
    radius_km: f64,
    start_day: String,
    end_day: String,
    observed: i64,
    expected: f64,
    relative_risk: f64,
    p_value: f64,
    gumbel_p_value: Option<f64>,
    llr: f64,
    first_run_id: i64,
    first_seen_ms: i64,
    last_run_id: i64,
    last_seen_ms: i64,
    gone_at_ms: Option<i64>,
    status: String,
}

impl AlertRow {
    /// The record, with its villages (read separately).
    fn into_record(self, villages: Vec<AlertVillage>) -> Result<AlertRecord> {
        Ok(AlertRecord {
            id: self.id,
            regency: stored_code(&self.regency_code)?,
            center: stored_code(&self.center_code)?,
            radius_km: self.radius_km,
            villages,
            start_day: self.start_day,
            end_day: self.end_day,
            observed: u64::try_from(self.observed).unwrap_or(0),
            expected: self.expected,
            relative_risk: self.relative_risk,
            p_value: self.p_value,
            gumbel_p_value: self.gumbel_p_value,
            llr: self.llr,
            first_run_id: self.first_run_id,
            first_seen_ms: self.first_seen_ms,
            last_run_id: self.last_run_id,
            last_seen_ms: self.last_seen_ms,
            gone_at_ms: self.gone_at_ms,
            status: self.status,
        })
    }
}

/// A taxonomy version row (id, taxonomy id, label, loaded by, loaded at, reason, text) as a record.
fn stored_taxonomy(row: (i64, String, String, String, i64, String, String)) -> StoredTaxonomy {
    let (id, taxonomy_id, label, loaded_by, loaded_at_ms, reason, definition) = row;
    StoredTaxonomy { version: TaxonomyVersion { id, taxonomy_id, label, loaded_by, loaded_at_ms, reason }, definition }
}

/// The classifications a viewer may read, padded with empty strings (which match none) to bind as three values.
fn readable_levels(viewer: &Viewer) -> [&'static str; 3] {
    use sinergi_domain::auth::Classification::*;
    let mut out = [""; 3];
    for (slot, level) in out.iter_mut().zip([Biasa, Terbatas, Rahasia].into_iter().filter(|l| viewer.may_read(*l))) {
        *slot = level.as_str();
    }
    out
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    unit_code: String,
    agency: String,
    role: String,
    scope: Option<String>,
    password_hash: String,
    disabled: bool,
    created_at_ms: i64,
}

impl UserRow {
    fn into_record(self) -> Result<UserRecord> {
        let role = Role::parse(&self.role)
            .ok_or_else(|| StoreError::Internal(format!("stored role is invalid: {}", self.role)))?;
        let scope = match self.scope.as_deref() {
            None => Scope::National,
            Some(code) => Scope::Region(stored_code(code)?),
        };
        let agency = AgencyKind::parse(&self.agency)
            .ok_or_else(|| StoreError::Internal(format!("stored agency is invalid: {}", self.agency)))?;
        Ok(UserRecord {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            unit_code: self.unit_code,
            agency,
            role,
            scope,
            password_hash: self.password_hash,
            disabled: self.disabled,
            created_at_ms: self.created_at_ms,
        })
    }
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: String,
    digest: String,
    account_id: i64,
    username: String,
    name: String,
    scope: Option<String>,
    read_only: bool,
    created_at_ms: i64,
    expires_at_ms: Option<i64>,
    last_used_at_ms: Option<i64>,
    revoked_at_ms: Option<i64>,
}

impl TokenRow {
    fn into_record(self) -> Result<TokenRecord> {
        Ok(TokenRecord {
            scope: self.scope.as_deref().map(stored_code).transpose()?,
            id: self.id,
            digest: self.digest,
            account_id: self.account_id,
            username: self.username,
            name: self.name,
            read_only: self.read_only,
            created_at_ms: self.created_at_ms,
            expires_at_ms: self.expires_at_ms,
            last_used_at_ms: self.last_used_at_ms,
            revoked_at_ms: self.revoked_at_ms,
        })
    }
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    seq: i64,
    at_ms: i64,
    actor: String,
    action: String,
    target: String,
    detail: String,
    origin: String,
    prev_hash: String,
    hash: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> AuditEntry {
        AuditEntry {
            seq: r.seq,
            event: AuditEvent {
                at_ms: r.at_ms,
                actor: r.actor,
                action: r.action,
                target: r.target,
                detail: r.detail,
                origin: r.origin,
            },
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    code: String,
    kind: String,
    name: String,
    territory: String,
    parent_code: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
    personnel: i64,
}

/// A stored code that no longer parses means the database was edited by hand; say so rather than panic.
fn stored_code(text: &str) -> Result<RegionCode> {
    RegionCode::parse(text).map_err(|e| StoreError::Internal(format!("stored region code is invalid: {e}")))
}

impl RegionRow {
    fn into_info(self) -> Result<RegionInfo> {
        let code = stored_code(&self.code)?;
        Ok(RegionInfo {
            level: code.level(),
            parent: self.parent.as_deref().map(stored_code).transpose()?,
            code,
            name: self.name,
            centroid: match (self.lat, self.lng) {
                (Some(lat), Some(lng)) => Some(LatLng::new(lat, lng)),
                _ => None,
            },
            has_boundary: self.has_boundary,
        })
    }
}

impl TpsRow {
    fn into_record(self) -> Result<TpsRecord> {
        let access = AccessMode::parse(&self.access)
            .ok_or_else(|| StoreError::Internal(format!("stored access mode is invalid: {}", self.access)))?;
        Ok(TpsRecord {
            id: self.id,
            village_name: self.village_name,
            tps: Tps {
                village: stored_code(&self.village_code)?,
                number: self.number as u32,
                address: self.address,
                location: match (self.lat, self.lng) {
                    (Some(lat), Some(lng)) => Some(LatLng::new(lat, lng)),
                    _ => None,
                },
                voters: self.voters as u32,
                access,
                synthetic: self.synthetic,
            },
        })
    }
}

impl UnitRow {
    fn into_unit(self) -> Result<Unit> {
        let kind = UnitKind::parse(&self.kind)
            .ok_or_else(|| StoreError::Internal(format!("stored unit kind is invalid: {}", self.kind)))?;
        Ok(Unit {
            code: self.code,
            kind,
            name: self.name,
            territory: stored_code(&self.territory)?,
            parent: self.parent_code,
            contact: Contact { phone: self.phone, email: self.email, address: self.address },
            personnel: self.personnel as u32,
        })
    }
}

/// The half-open code range `[code., code/)` that holds every region strictly inside `code`.
fn inside_range(code: &RegionCode) -> (String, String) {
    (format!("{code}."), format!("{code}/"))
}

/// A viewer's territory as values to bind: a code column `c` is covered when
/// `c = exact OR (c >= from AND c < to)`, and seen when it is also one of `ancestors` (padded with empty
/// strings, which match no code). National viewers get the range of all codes, which start with a digit.
struct Territory {
    exact: String,
    from: String,
    to: String,
    ancestors: [String; 3],
}

fn territory(viewer: &Viewer) -> Territory {
    match &viewer.scope {
        Scope::National => {
            Territory { exact: String::new(), from: "0".to_owned(), to: ":".to_owned(), ancestors: Default::default() }
        }
        Scope::Region(code) => {
            let (from, to) = inside_range(code);
            let mut ancestors: [String; 3] = Default::default();
            for (slot, a) in ancestors.iter_mut().zip(code.ancestors()) {
                *slot = a.to_string();
            }
            Territory { exact: code.to_string(), from, to, ancestors }
        }
    }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("postgres://sinergi:s3cret@db:5432/x"), "postgres://sinergi:***@db:5432/x");
        assert_eq!(redact("sqlite://demo.db"), "sqlite://demo.db");
    }

    #[test]
    fn escapes_like_patterns() {
        assert_eq!(like_escape("50%_a\\"), "50\\%\\_a\\\\");
    }

    #[test]
    fn pages_are_clamped() {
        assert_eq!(Page::new(0, 0), Page { number: 1, size: 1 });
        assert_eq!(Page::new(3, 5000).offset(), 2000);
    }
}
