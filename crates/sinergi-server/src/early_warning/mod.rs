//! The early warning scan on the live reports (docs/scan.md, "On the live reports"): a regency's verified reports
//! over the last days, scanned with the prospective space-time permutation scan statistic; each significant
//! cluster raises an alert (or refreshes the active alert it shares villages with), routed to the units of its
//! area; alerts no longer found are gone.
//!
//! Runs come from the schedule ([`schedule_forever`], started by `serve`: every regency with reports, once per slot
//! across every instance on one database, the slot claimed in the database first) and on demand through the API.
//! The scan itself is pure (`sinergi_domain::early_warning`) and CPU-bound, so it runs on the blocking pool; what it means
//! for the alerts is decided by `sinergi_domain::early_warning::alerts` and written in one transaction by the store.

pub mod api;
pub mod dashboard;
pub(crate) mod history;
pub(crate) mod pages;
pub mod views;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use sinergi_domain::access::Viewer;
use sinergi_domain::early_warning::alerts::{self, AlertStatus, DEFAULT_THRESHOLD, RunStatus, RunTrigger};
use sinergi_domain::early_warning::{Case, Cluster, Period, ScanError, ScanOutcome, ScanParams, Zone};
use sinergi_domain::i18n::Lang;
use sinergi_domain::trust::audit::AuditEvent;
use sinergi_domain::{Level, RegionCode, Unit};
use sinergi_store::{AlertCandidate, AlertFilter, NewScanRun, Page, ScanCaseFilter, ScanRecorded, Store, StoreError};

const DAY_MS: i64 = 86_400_000;

/// The statuses of reports that passed verification.
pub const VERIFIED_STATUSES: [&str; 5] = ["verified", "assigned", "in_handling", "resolved", "closed"];
/// Every status but `rejected`.
pub const NOT_REJECTED_STATUSES: [&str; 6] = ["reported", "verified", "assigned", "in_handling", "resolved", "closed"];

/// Which reports count as cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// Those that passed verification (verified, assigned, in handling, resolved, closed): the default, so that a
    /// burst of hoaxes raises no alarm.
    Verified,
    /// Every report but the rejected ones: faster, at the price of counting what nobody has checked yet.
    AllButRejected,
}

impl Counted {
    pub fn as_str(self) -> &'static str {
        match self {
            Counted::Verified => "verified",
            Counted::AllButRejected => "all_but_rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Counted> {
        match text {
            "verified" => Some(Counted::Verified),
            "all_but_rejected" => Some(Counted::AllButRejected),
            _ => None,
        }
    }

    fn statuses(self) -> Vec<String> {
        let list: &[&str] = match self {
            Counted::Verified => &VERIFIED_STATUSES,
            Counted::AllButRejected => &NOT_REJECTED_STATUSES,
        };
        list.iter().map(|s| (*s).to_owned()).collect()
    }
}

/// The settings of the live scan.
#[derive(Debug, Clone)]
pub struct EarlyWarningConfig {
    /// How often the schedule scans every regency with reports; zero turns the schedule off.
    pub every: Duration,
    /// The study period: the last this many days, today included.
    pub days: u32,
    /// A cluster whose Monte Carlo p-value is below this raises an alert.
    pub threshold: f64,
    pub counted: Counted,
    /// Count restricted and secret reports too. Off by default: an alert is read by everyone who reads the
    /// territory's reports, whatever their clearance, so by default it is built only from ordinary (`biasa`)
    /// reports, which they may all read.
    pub include_classified: bool,
    /// The scan's parameters (the seed is set per run).
    pub params: ScanParams,
}

impl Default for EarlyWarningConfig {
    fn default() -> Self {
        EarlyWarningConfig {
            every: Duration::from_secs(3600),
            days: 90,
            threshold: DEFAULT_THRESHOLD,
            counted: Counted::Verified,
            include_classified: false,
            params: ScanParams::default(),
        }
    }
}

/// Scans running in this process: one at a time.
static SCANNING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// Most replications of a run asked for through the API: enough to resolve p-values to 1e-5, and a bound on how
/// long one request can keep the cores busy.
pub const MAX_DEMAND_REPLICATIONS: u32 = 100_000;

/// Longest study period, in days.
pub const MAX_PERIOD_DAYS: u32 = 366;

/// One run to make.
#[derive(Debug, Clone)]
pub struct RunRequest {
    pub regency: RegionCode,
    pub trigger: RunTrigger,
    pub requested_by: String,
    pub account_id: Option<i64>,
    pub days: u32,
    pub threshold: f64,
    pub counted: Counted,
    pub include_classified: bool,
    /// The scan's parameters; `seed: None` takes the run's default seed (`alerts::run_seed`).
    pub params: ScanParams,
    pub seed: Option<u64>,
    pub now_ms: i64,
    /// The audit entry of a run asked for by someone.
    pub audit: Option<AuditEvent>,
}

impl RunRequest {
    /// A run with the configured settings.
    pub fn new(config: &EarlyWarningConfig, regency: RegionCode, trigger: RunTrigger, now_ms: i64) -> RunRequest {
        RunRequest {
            regency,
            trigger,
            requested_by: "sinergi".to_owned(),
            account_id: None,
            days: config.days,
            threshold: config.threshold,
            counted: config.counted,
            include_classified: config.include_classified,
            params: config.params.clone(),
            seed: None,
            now_ms,
            audit: None,
        }
    }

    fn case_filter(&self, from_ms: i64, to_ms: i64) -> ScanCaseFilter {
        case_filter(self.counted, self.include_classified, from_ms, to_ms)
    }
}

/// The reports a scan counts: by status, by classification (ordinary ones only unless `include_classified`), and
/// by time of event.
fn case_filter(counted: Counted, include_classified: bool, from_ms: i64, to_ms: i64) -> ScanCaseFilter {
    let mut classifications = vec!["biasa".to_owned()];
    if include_classified {
        classifications.extend(["terbatas".to_owned(), "rahasia".to_owned()]);
    }
    ScanCaseFilter { statuses: counted.statuses(), classifications, from_ms, to_ms }
}

/// The parameters as stored with a run (JSON).
#[derive(Serialize)]
struct StoredParams<'a> {
    days: u32,
    start: String,
    end: String,
    max_radius_km: f64,
    max_fraction: f64,
    max_days: u32,
    min_cases: u64,
    replications: u32,
    seed: u64,
    threshold: f64,
    counted: &'a str,
    include_classified: bool,
}

/// The result as stored with a run: the shape `sinergi scan` writes, each cluster with its relative risk and
/// whether it raised an alert.
#[derive(Serialize)]
struct StoredResult<'a> {
    zones: usize,
    cases_used: u64,
    cases_left_out: u64,
    most_likely_cluster: Option<StoredCluster<'a>>,
    secondary_clusters: Vec<StoredCluster<'a>>,
}

#[derive(Serialize)]
struct StoredCluster<'a> {
    center_zone: &'a str,
    radius_km: f64,
    zone_codes: Vec<&'a str>,
    start_day: String,
    end_day: String,
    observed: u64,
    expected: f64,
    relative_risk: f64,
    llr: f64,
    p_value: f64,
    gumbel_p_value: Option<f64>,
    significant: bool,
}

/// Runs the scan of one regency and records it with what it did to the alerts.
pub async fn run_scan(store: &Arc<dyn Store>, request: RunRequest) -> Result<ScanRecorded, StoreError> {
    let regency = request.regency.clone();
    let end = alerts::local_day(request.now_ms, &regency);
    let days = request.days.clamp(1, MAX_PERIOD_DAYS);
    let start = end.plus(1 - days as i32);
    let period = Period { start, end };
    let (from_ms, to_ms) = (alerts::day_start_ms(start, &regency), alerts::day_start_ms(end.plus(1), &regency));
    let mut params = request.params.clone();
    params.seed = request.seed.unwrap_or_else(|| alerts::run_seed(&regency, end));

    let zones: Vec<Zone> =
        store.scan_zones(&regency).await?.into_iter().map(|(code, centroid)| Zone { code, centroid }).collect();
    let index: HashMap<&RegionCode, usize> = zones.iter().enumerate().map(|(i, z)| (&z.code, i)).collect();
    let mut cases = Vec::new();
    // Reports of a village without a centroid have no place in the scan: left out, and counted as such.
    let mut placeless = 0u64;
    for case in store.scan_cases(&regency, &request.case_filter(from_ms, to_ms)).await? {
        match index.get(&case.village) {
            Some(&zone) => cases.push(Case { zone, day: alerts::local_day(case.occurred_at_ms, &regency) }),
            None => placeless += 1,
        }
    }
    drop(index);

    let stored_params = StoredParams {
        days,
        start: start.to_string(),
        end: end.to_string(),
        max_radius_km: params.max_radius_km,
        max_fraction: params.max_fraction,
        max_days: params.max_days,
        min_cases: params.min_cases,
        replications: params.replications,
        seed: params.seed,
        threshold: request.threshold,
        counted: request.counted.as_str(),
        include_classified: request.include_classified,
    };
    // One scan at a time per instance: each already uses every core, and a queue of requests for scans should
    // wait rather than starve the rest of the server.
    let _turn = SCANNING.acquire().await.map_err(|_| StoreError::Unavailable("the scan queue is closed".into()))?;
    let started_at_ms = crate::trust::auth::now_ms();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (zones, outcome) = {
        let params = params.clone();
        // The scan keeps the cores busy for a moment: off the async runtime's threads.
        tokio::task::spawn_blocking(move || {
            let outcome = sinergi_domain::early_warning::scan(&zones, &cases, period, &params, threads, &|| {});
            (zones, outcome)
        })
        .await
        .map_err(|e| StoreError::Internal(format!("the scan task failed: {e}")))?
    };
    let finished_at_ms = crate::trust::auth::now_ms().max(started_at_ms);

    let mut run = NewScanRun {
        regency: regency.clone(),
        trigger: request.trigger,
        requested_by: request.requested_by.clone(),
        account_id: request.account_id,
        params: serde_json::to_string(&stored_params).unwrap_or_else(|_| "{}".to_owned()),
        period_start: start.to_string(),
        period_end: end.to_string(),
        started_at_ms,
        finished_at_ms,
        status: RunStatus::Done,
        cases_used: 0,
        cases_left_out: placeless,
        result: None,
        message: String::new(),
    };
    let mut candidates = Vec::new();
    match outcome {
        Ok(outcome) => {
            run.cases_used = outcome.cases_used;
            run.cases_left_out += outcome.cases_left_out;
            run.result = Some(result_json(&outcome, &zones, request.threshold, placeless));
            for cluster in alerts::significant(&outcome.clusters, request.threshold) {
                candidates.push(candidate(store, cluster, &zones).await?);
            }
        }
        Err(e @ (ScanError::NoCasesInPeriod { .. } | ScanError::TooFewCases { .. })) => {
            run.status = RunStatus::TooFew;
            run.cases_used = match &e {
                ScanError::TooFewCases { cases, .. } => *cases,
                _ => 0,
            };
            run.message = e.page_message(Lang::Id);
        }
        Err(e) => {
            tracing::warn!(regency = %regency, error = %e, "an early warning scan could not run");
            run.status = RunStatus::Failed;
            run.message = e.page_message(Lang::Id);
        }
    }
    store.record_scan(&run, &candidates, request.audit.as_ref()).await
}

fn result_json(outcome: &ScanOutcome, zones: &[Zone], threshold: f64, placeless: u64) -> String {
    let cluster = |c: &Cluster| StoredCluster {
        center_zone: zones[c.center].code.as_str(),
        radius_km: c.radius_km,
        zone_codes: c.zones.iter().map(|&z| zones[z].code.as_str()).collect(),
        start_day: c.start_day.to_string(),
        end_day: c.end_day.to_string(),
        observed: c.observed,
        expected: c.expected,
        relative_risk: alerts::relative_risk(c.observed, c.expected),
        llr: c.llr,
        p_value: c.p_value,
        gumbel_p_value: c.gumbel_p_value,
        significant: c.p_value < threshold,
    };
    let result = StoredResult {
        zones: zones.len(),
        cases_used: outcome.cases_used,
        cases_left_out: outcome.cases_left_out + placeless,
        most_likely_cluster: outcome.most_likely().map(cluster),
        secondary_clusters: outcome.secondary().iter().map(cluster).collect(),
    };
    serde_json::to_string(&result).unwrap_or_else(|_| "{}".to_owned())
}

/// A significant cluster as an alert to record, routed to the units over its villages.
async fn candidate(store: &Arc<dyn Store>, c: &Cluster, zones: &[Zone]) -> Result<AlertCandidate, StoreError> {
    let villages: Vec<RegionCode> = c.zones.iter().map(|&z| zones[z].code.clone()).collect();
    // The units over one village of each district are the units of that district, its regency and province.
    let mut units: Vec<Unit> = Vec::new();
    let mut districts = BTreeSet::new();
    for village in &villages {
        if districts.insert(village.at_level(Level::District)) {
            for unit in store.units_over(village).await? {
                if !units.iter().any(|u| u.code == unit.code) {
                    units.push(unit);
                }
            }
        }
    }
    Ok(AlertCandidate {
        center: zones[c.center].code.clone(),
        routes: alerts::route_alert(&villages, &units),
        villages,
        radius_km: c.radius_km,
        start_day: c.start_day.to_string(),
        end_day: c.end_day.to_string(),
        observed: c.observed,
        expected: c.expected,
        relative_risk: alerts::relative_risk(c.observed, c.expected),
        p_value: c.p_value,
        gumbel_p_value: c.gumbel_p_value,
        llr: c.llr,
    })
}

/// Runs the schedule every `config.every`, for as long as the server runs (nothing when it is zero).
pub async fn schedule_forever(store: Arc<dyn Store>, config: EarlyWarningConfig) {
    if config.every.is_zero() {
        return;
    }
    // Who claimed a slot, for whoever reads the table: this process on this host.
    let instance = format!("pid-{}-{}", std::process::id(), crate::trust::auth::now_ms());
    let mut ticks = tokio::time::interval(config.every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match scheduled_round(&store, &config, &instance, crate::trust::auth::now_ms()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(runs = n, "early warning scans run"),
            Err(e) => tracing::warn!(error = %e, "the early warning schedule failed; it runs again next slot"),
        }
    }
}

/// One round of the schedule at `now_ms`: every regency with reports counted in the period (or with an alert
/// still active, which may have to end), each scanned if this caller claims its slot first. The slot is the
/// interval of `config.every` that holds `now_ms`, so instances whose clocks tick at different moments of the same
/// hour still claim the same slot. Returns the runs made here.
pub async fn scheduled_round(
    store: &Arc<dyn Store>,
    config: &EarlyWarningConfig,
    instance: &str,
    now_ms: i64,
) -> Result<u32, StoreError> {
    let every_ms = i64::try_from(config.every.as_millis()).unwrap_or(i64::MAX).max(1);
    let slot_start = now_ms - now_ms.rem_euclid(every_ms);
    // Wide enough for every time zone: each run narrows the period to its regency's own days.
    let filter = case_filter(
        config.counted,
        config.include_classified,
        now_ms - (i64::from(config.days) + 1) * DAY_MS,
        now_ms + DAY_MS,
    );
    let mut regencies: BTreeSet<RegionCode> = store.regencies_with_reports(&filter).await?.into_iter().collect();
    let system = Viewer::system("sinergi");
    let active = AlertFilter { status: Some(AlertStatus::Active), ..Default::default() };
    let mut page = 1;
    loop {
        let (items, total) = store.alerts(&system, &active, Page::new(page, 1000)).await?;
        regencies.extend(items.iter().map(|a| a.regency.clone()));
        if items.is_empty() || u64::from(page) * 1000 >= total {
            break;
        }
        page += 1;
    }
    let mut runs = 0;
    for regency in regencies {
        if !store.claim_scan_slot(&regency, slot_start, instance, now_ms).await? {
            continue;
        }
        let request = RunRequest::new(config, regency.clone(), RunTrigger::Schedule, now_ms);
        match run_scan(store, request).await {
            Ok(_) => runs += 1,
            // One regency's failure must not stop the others'.
            Err(e) => tracing::warn!(regency = %regency, error = %e, "a scheduled early warning scan failed"),
        }
    }
    Ok(runs)
}

/// Why an early warning read was refused.
#[derive(Debug)]
pub enum ReadError {
    /// The account does not read the territory's reports (the scan counts all of them).
    Forbidden,
    /// No such run, or not one the viewer's territory holds whole.
    RunNotFound(i64),
    /// No such alert, or none of its villages in the viewer's territory.
    AlertNotFound(i64),
    Store(StoreError),
}

impl From<StoreError> for ReadError {
    fn from(e: StoreError) -> ReadError {
        ReadError::Store(e)
    }
}

impl From<ReadError> for crate::error::ApiError {
    fn from(e: ReadError) -> crate::error::ApiError {
        use crate::error::{ApiError, Code};
        use sinergi_domain::i18n::Msg;
        match e {
            ReadError::Forbidden => crate::trust::auth::forbidden(),
            ReadError::RunNotFound(id) => {
                ApiError::not_found(Code::ScanNotFound, Msg::ErrScanRunNotFound, ("id", id.to_string()))
            }
            ReadError::AlertNotFound(id) => {
                ApiError::not_found(Code::AlertNotFound, Msg::ErrAlertNotFound, ("id", id.to_string()))
            }
            ReadError::Store(e) => e.into(),
        }
    }
}

/// Which alerts a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertState {
    Active,
    Gone,
    All,
}

impl AlertState {
    /// `active`, `gone` or `all`.
    pub fn parse(text: &str) -> Option<AlertState> {
        match text {
            "active" => Some(AlertState::Active),
            "gone" => Some(AlertState::Gone),
            "all" => Some(AlertState::All),
            _ => None,
        }
    }

    fn status(self) -> Option<AlertStatus> {
        match self {
            AlertState::Active => Some(AlertStatus::Active),
            AlertState::Gone => Some(AlertStatus::Gone),
            AlertState::All => None,
        }
    }
}

fn require_reader(viewer: &Viewer) -> Result<(), ReadError> {
    if viewer.may(sinergi_domain::access::Action::ReadReports) { Ok(()) } else { Err(ReadError::Forbidden) }
}

/// Runs of the regencies the viewer's territory holds whole (of one regency, when given), newest first.
pub async fn runs(
    store: &dyn Store,
    viewer: &Viewer,
    regency: Option<&RegionCode>,
    page: Page,
) -> Result<(Vec<sinergi_store::ScanRunRecord>, u64), ReadError> {
    require_reader(viewer)?;
    Ok(store.scan_runs(viewer, regency, page).await?)
}

/// One run, when the viewer's territory holds its regency whole.
pub async fn run(store: &dyn Store, viewer: &Viewer, id: i64) -> Result<sinergi_store::ScanRunRecord, ReadError> {
    require_reader(viewer)?;
    store.scan_run(viewer, id).await?.ok_or(ReadError::RunNotFound(id))
}

/// Alerts with at least one village in the viewer's territory (and in `within`), most recently seen first.
pub async fn alerts(
    store: &dyn Store,
    viewer: &Viewer,
    within: Option<RegionCode>,
    state: AlertState,
    page: Page,
) -> Result<(Vec<sinergi_store::AlertRecord>, u64), ReadError> {
    require_reader(viewer)?;
    Ok(store.alerts(viewer, &AlertFilter { within, status: state.status() }, page).await?)
}

/// One alert, when at least one of its villages lies in the viewer's territory.
pub async fn alert(store: &dyn Store, viewer: &Viewer, id: i64) -> Result<sinergi_store::AlertRecord, ReadError> {
    require_reader(viewer)?;
    store.alert(viewer, id).await?.ok_or(ReadError::AlertNotFound(id))
}
