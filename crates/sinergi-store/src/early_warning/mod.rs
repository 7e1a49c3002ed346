//! The early warning scan in storage: the cases it counts, its runs, its alerts and their routes.

use async_trait::async_trait;
use serde::Serialize;
use sinergi_domain::access::Viewer;
use sinergi_domain::trust::audit::AuditEvent;
use sinergi_domain::{LatLng, RegionCode};

use crate::{Page, Result, RouteRecord, stored, stored_code};
use sinergi_domain::early_warning::alerts::{AlertStatus, RunStatus, RunTrigger};

pub(crate) mod queries;

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
    pub trigger: RunTrigger,
    pub requested_by: String,
    pub account_id: Option<i64>,
    /// The parameters as JSON.
    pub params: String,
    pub period_start: String,
    pub period_end: String,
    pub started_at_ms: i64,
    pub finished_at_ms: i64,
    /// `done`, `too_few` or `failed`.
    pub status: RunStatus,
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
    pub trigger: RunTrigger,
    pub requested_by: String,
    pub params: String,
    pub period_start: String,
    pub period_end: String,
    pub started_at_ms: i64,
    pub finished_at_ms: i64,
    pub status: RunStatus,
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
    pub status: AlertStatus,
}

/// Which alerts to list.
#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    /// Alerts with a village inside this region.
    pub within: Option<RegionCode>,
    /// `None` for both.
    pub status: Option<AlertStatus>,
}

/// The early warning scan on the live reports (docs/scan.md, "On the live reports"): its cases, runs and alerts.
#[async_trait]
pub trait EarlyWarningStore: Send + Sync {
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
}

// Rows as read from either backend, mapped to the records above.

#[derive(sqlx::FromRow)]
pub(crate) struct ScanRunRow {
    pub(crate) id: i64,
    pub(crate) regency_code: String,
    pub(crate) trigger_kind: String,
    pub(crate) requested_by: String,
    pub(crate) params: String,
    pub(crate) period_start: String,
    pub(crate) period_end: String,
    pub(crate) started_at_ms: i64,
    pub(crate) finished_at_ms: i64,
    pub(crate) status: String,
    pub(crate) cases_used: i64,
    pub(crate) cases_left_out: i64,
    pub(crate) result: Option<String>,
    pub(crate) message: String,
}

impl ScanRunRow {
    pub(crate) fn into_record(self) -> Result<ScanRunRecord> {
        Ok(ScanRunRecord {
            id: self.id,
            regency: stored_code(&self.regency_code)?,
            trigger: stored(&self.trigger_kind, RunTrigger::parse, "run trigger")?,
            requested_by: self.requested_by,
            params: self.params,
            period_start: self.period_start,
            period_end: self.period_end,
            started_at_ms: self.started_at_ms,
            finished_at_ms: self.finished_at_ms,
            status: stored(&self.status, RunStatus::parse, "run status")?,
            cases_used: u64::try_from(self.cases_used).unwrap_or(0),
            cases_left_out: u64::try_from(self.cases_left_out).unwrap_or(0),
            result: self.result,
            message: self.message,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AlertRow {
    pub(crate) id: i64,
    pub(crate) regency_code: String,
    pub(crate) center_code: String,
    pub(crate) radius_km: f64,
    pub(crate) start_day: String,
    pub(crate) end_day: String,
    pub(crate) observed: i64,
    pub(crate) expected: f64,
    pub(crate) relative_risk: f64,
    pub(crate) p_value: f64,
    pub(crate) gumbel_p_value: Option<f64>,
    pub(crate) llr: f64,
    pub(crate) first_run_id: i64,
    pub(crate) first_seen_ms: i64,
    pub(crate) last_run_id: i64,
    pub(crate) last_seen_ms: i64,
    pub(crate) gone_at_ms: Option<i64>,
    pub(crate) status: String,
}

impl AlertRow {
    /// The record, with its villages (read separately).
    pub(crate) fn into_record(self, villages: Vec<AlertVillage>) -> Result<AlertRecord> {
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
            status: stored(&self.status, AlertStatus::parse, "alert status")?,
        })
    }
}
