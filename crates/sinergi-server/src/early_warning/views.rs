//! What the early warning shows, for the API and the pages alike: the run and alert views (`ScanRunDto`,
//! `AlertDto`, built by `run_dto` and `alert_dto`), the run form's input and its check (`checked_run`), and the
//! list queries. A page shows exactly what the API answers the same user because both build their answer here.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sinergi_domain::access::{Action, Viewer};
use sinergi_domain::early_warning::alerts::{Explanation, RunTrigger};
use sinergi_domain::early_warning::{Day, ScanParams};
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::import::Problem;
use sinergi_domain::{Level, RegionCode};
use sinergi_store::{AlertRecord, ScanRunRecord};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::early_warning::{Counted, MAX_DEMAND_REPLICATIONS, MAX_PERIOD_DAYS, RunRequest};
use crate::error::{ApiError, Code};
use crate::incident::views::RouteDto;
use crate::registry::api::dto::LatLngDto;
use crate::trust::auth::{self, CurrentUser, Origin};

/// A run to make now. Every parameter is optional; those left out take the server's settings (docs/scan.md).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanInput {
    /// The regency (or city) to scan, e.g. `15.07`; it must lie in your territory.
    pub regency: String,
    /// The study period: the last this many days, today included (1 to 366; default 90).
    pub days: Option<u32>,
    /// A circle grows while its radius is at most this many km (0 or more; default 10).
    pub max_radius_km: Option<f64>,
    /// ... and while it holds at most this share of the period's reports (more than 0, at most 0.5; default 0.5).
    pub max_fraction: Option<f64>,
    /// Windows are the last 1 to this many days (1 to 366; default 7).
    pub max_days: Option<u32>,
    /// A cylinder with fewer reports is never a cluster (default 2).
    pub min_cases: Option<u64>,
    /// Monte Carlo replications (1 to 100,000; default 999).
    pub replications: Option<u32>,
    /// Seed of the replications (default: derived from the regency and the day, so a rerun the same day repeats).
    pub seed: Option<u64>,
    /// A cluster with a Monte Carlo p-value below this raises an alert (more than 0, less than 1; default 0.01).
    pub threshold: Option<f64>,
    /// Which reports count: `verified` (those that passed verification, the default) or `all_but_rejected`.
    pub counted: Option<String>,
}

/// A scan run.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ScanRunDto {
    pub id: i64,
    pub regency: String,
    /// `schedule` or `demand`.
    pub trigger: String,
    /// The account that asked, or `sinergi` for the schedule.
    pub requested_by: String,
    /// The parameters it ran with (days, start, end, max_radius_km, max_fraction, max_days, min_cases,
    /// replications, seed, threshold, counted, include_classified).
    #[schema(value_type = Object)]
    pub params: serde_json::Value,
    /// The study period's first and last day (local dates of the regency).
    pub period_start: String,
    pub period_end: String,
    /// Milliseconds since the Unix epoch.
    pub started_at_ms: i64,
    pub finished_at_ms: i64,
    /// `done` (scanned, with or without clusters), `too_few` (too few reports to scan) or `failed`.
    pub status: String,
    /// Reports in the study period (N), and those left out (outside it, or in a village without coordinates).
    pub cases_used: u64,
    pub cases_left_out: u64,
    /// What it found, in the shape `sinergi scan` writes (`most_likely_cluster`, `secondary_clusters`), each
    /// cluster with its `relative_risk` and whether it was `significant`; `null` when nothing was scanned.
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
    /// Why nothing was scanned (`too_few`, `failed`), in the request's language when known.
    pub message: String,
}

impl ScanRunDto {
    pub(crate) fn new(r: ScanRunRecord) -> ScanRunDto {
        ScanRunDto {
            id: r.id,
            regency: r.regency.to_string(),
            trigger: r.trigger.as_str().to_owned(),
            requested_by: r.requested_by,
            params: serde_json::from_str(&r.params).unwrap_or(serde_json::Value::Null),
            period_start: r.period_start,
            period_end: r.period_end,
            started_at_ms: r.started_at_ms,
            finished_at_ms: r.finished_at_ms,
            status: r.status.as_str().to_owned(),
            cases_used: r.cases_used,
            cases_left_out: r.cases_left_out,
            result: r.result.as_deref().and_then(|t| serde_json::from_str(t).ok()),
            message: r.message,
        }
    }
}

/// An alert the run raised or refreshed.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct RunAlertDto {
    pub id: i64,
    /// Raised by this run (else refreshed: found again).
    pub new: bool,
}

/// The answer to a run asked for now.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ScanAnswerDto {
    pub run: ScanRunDto,
    /// The alerts its significant clusters raised or refreshed, most likely cluster first.
    pub alerts: Vec<RunAlertDto>,
    /// The alerts of the regency it found no more.
    pub gone: Vec<i64>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ScanRunPage {
    pub items: Vec<ScanRunDto>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

/// A village of an alert.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct AlertVillageDto {
    pub code: String,
    pub name: String,
    pub centroid: Option<LatLngDto>,
}

/// A district of an alert's villages.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct AlertDistrictDto {
    pub code: String,
    pub name: String,
}

/// An early-warning alert.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct AlertDto {
    pub id: i64,
    pub regency: String,
    /// `active` (found by the latest run) or `gone`.
    pub status: String,
    /// In plain language, e.g. "4 desa di Kecamatan X: 32 laporan dalam 5 hari terakhir, 3,5× dari biasanya".
    pub explanation: String,
    /// The centre village, and its centroid (the circle's centre on the map).
    pub center_code: String,
    pub center: Option<LatLngDto>,
    /// The circle's radius (distance from the centre to its farthest village).
    pub radius_km: f64,
    /// The circle's villages, nearest the centre first.
    pub villages: Vec<AlertVillageDto>,
    pub districts: Vec<AlertDistrictDto>,
    /// The window: the last days of the study period (local dates).
    pub start_day: String,
    pub end_day: String,
    pub observed: u64,
    pub expected: f64,
    /// Observed over expected.
    pub relative_risk: f64,
    /// The Monte Carlo p-value (what raised the alert) and the Gumbel approximation's.
    pub p_value: f64,
    pub gumbel_p_value: Option<f64>,
    pub llr: f64,
    pub first_run_id: i64,
    /// Milliseconds since the Unix epoch.
    pub first_seen_ms: i64,
    pub last_run_id: i64,
    pub last_seen_ms: i64,
    pub gone_at_ms: Option<i64>,
    /// The units it went to: those that must act, then those informed.
    pub routes: Vec<RouteDto>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct AlertPage {
    pub items: Vec<AlertDto>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScanQuery {
    /// A regency code: only its runs (default: every regency of your territory).
    pub regency: Option<String>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 1000)]
    pub per_page: Option<u32>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertQuery {
    /// A region code: alerts with a village inside it (default: your territory). Outside your territory: none.
    pub within: Option<String>,
    /// `active` (default), `gone` or `all`.
    pub status: Option<String>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 1000)]
    pub per_page: Option<u32>,
}

pub(crate) fn region_not_found(code: &RegionCode) -> ApiError {
    ApiError::not_found(Code::RegionNotFound, Msg::ErrRegionNotFound, ("code", code.to_string()))
}

/// Checks every field of a run request, naming each fault (422), and gives the run's settings.
pub(crate) fn validate(input: &ScanInput, state: &AppState) -> Result<(RegionCode, RunSettings), ApiError> {
    let config = &state.config.early_warning;
    let mut problems: Vec<(String, Problem)> = Vec::new();
    let regency = match RegionCode::parse(input.regency.trim()) {
        Ok(code) if code.level() == Level::Regency => Some(code),
        Ok(code) => {
            problems.push(("regency".into(), Problem::NotRegency(code.to_string())));
            None
        }
        Err(e) => {
            problems.push(("regency".into(), Problem::BadCode(e)));
            None
        }
    };
    let days = input.days.unwrap_or(config.days);
    if !(1..=MAX_PERIOD_DAYS).contains(&days) {
        problems.push((
            "days".into(),
            Problem::OutOfRange { value: days.to_string(), min: "1".into(), max: MAX_PERIOD_DAYS.to_string() },
        ));
    }
    let defaults = &config.params;
    let params = ScanParams {
        max_radius_km: input.max_radius_km.unwrap_or(defaults.max_radius_km),
        max_fraction: input.max_fraction.unwrap_or(defaults.max_fraction),
        max_days: input.max_days.unwrap_or(defaults.max_days),
        min_cases: input.min_cases.unwrap_or(defaults.min_cases),
        replications: input.replications.unwrap_or(defaults.replications),
        seed: input.seed.unwrap_or(defaults.seed),
    };
    // Each parameter alone against the scan's own ranges, so that every one out of range is named (the scan's
    // check stops at the first).
    let alone = [
        ("max_radius_km", ScanParams { max_radius_km: params.max_radius_km, ..ScanParams::default() }),
        ("max_fraction", ScanParams { max_fraction: params.max_fraction, ..ScanParams::default() }),
        ("max_days", ScanParams { max_days: params.max_days, ..ScanParams::default() }),
        ("replications", ScanParams { replications: params.replications, ..ScanParams::default() }),
    ];
    for (field, check) in alone {
        if let Err(e) = check.validate() {
            problems.push((field.into(), Problem::Scan(e)));
        }
    }
    if params.replications > MAX_DEMAND_REPLICATIONS {
        problems.push((
            "replications".into(),
            Problem::OutOfRange {
                value: params.replications.to_string(),
                min: "1".into(),
                max: MAX_DEMAND_REPLICATIONS.to_string(),
            },
        ));
    }
    let threshold = input.threshold.unwrap_or(config.threshold);
    if !(threshold > 0.0 && threshold < 1.0) {
        problems.push((
            "threshold".into(),
            Problem::OutOfRange { value: threshold.to_string(), min: "0".into(), max: "1".into() },
        ));
    }
    let counted = match input.counted.as_deref() {
        None => config.counted,
        Some(text) => Counted::parse(text).unwrap_or_else(|| {
            problems.push(("counted".into(), Problem::one_of(text, &["verified", "all_but_rejected"])));
            config.counted
        }),
    };
    match (regency, problems.is_empty()) {
        (Some(regency), true) => Ok((regency, RunSettings { days, params, seed: input.seed, threshold, counted })),
        _ => Err(ApiError::validation(problems)),
    }
}

pub(crate) struct RunSettings {
    days: u32,
    params: ScanParams,
    seed: Option<u64>,
    threshold: f64,
    counted: Counted,
}

/// Checks a run asked for by `current` and gives the run to make, with its audit entry: the right to run (403),
/// every parameter (each fault named, 422), and the regency in the territory (else not found, 404). `POST /scans`
/// and the early warning page's run form both go through it, so that they accept and refuse alike.
pub(crate) async fn checked_run(
    state: &AppState,
    current: &CurrentUser,
    origin: &Origin,
    input: &ScanInput,
) -> Result<RunRequest, ApiError> {
    current.require(Action::HandleReports)?;
    let (regency, settings) = validate(input, state)?;
    if !current.viewer.covers(&regency) || state.store.region(&current.viewer, &regency).await?.is_none() {
        return Err(region_not_found(&regency));
    }
    let now = auth::now_ms();
    let config = &state.config.early_warning;
    let detail = format!(
        "days={} max_radius_km={} max_fraction={} max_days={} min_cases={} replications={} threshold={} counted={}",
        settings.days,
        settings.params.max_radius_km,
        settings.params.max_fraction,
        settings.params.max_days,
        settings.params.min_cases,
        settings.params.replications,
        settings.threshold,
        settings.counted.as_str()
    );
    Ok(RunRequest {
        requested_by: current.user.username.clone(),
        account_id: Some(current.user.id),
        days: settings.days,
        threshold: settings.threshold,
        counted: settings.counted,
        params: settings.params,
        seed: settings.seed,
        audit: Some(auth::event(&current.actor(), "scan.run", &format!("regency:{regency}"), detail, &origin.0)),
        ..RunRequest::new(config, regency, RunTrigger::Demand, now)
    })
}

/// The stored reason is in Bahasa Indonesia; for an English request, a run with too few reports says so in
/// English, rebuilt from the run's counts.
/// A run for the API and the pages, its message in `lang`.
pub(crate) fn run_dto(run: sinergi_store::ScanRunRecord, lang: Lang) -> ScanRunDto {
    let mut run = ScanRunDto::new(run);
    localize_message(&mut run, lang);
    run
}

pub(crate) fn localize_message(run: &mut ScanRunDto, lang: Lang) {
    use sinergi_domain::early_warning::ScanError;
    if lang == Lang::Id || run.status != "too_few" {
        return;
    }
    let (Some(start), Some(end)) = (Day::parse(&run.period_start), Day::parse(&run.period_end)) else { return };
    let min = run.params.get("min_cases").and_then(serde_json::Value::as_u64).unwrap_or(2);
    let error = if run.cases_used == 0 {
        ScanError::NoCasesInPeriod { start, end, outside: run.cases_left_out }
    } else {
        ScanError::TooFewCases { cases: run.cases_used, min_cases: min.max(2) }
    };
    run.message = error.page_message(lang);
}

/// An alert for the API: its explanation in `lang`, its districts by name and its routes. District names are read
/// as the system (`names` caches them over a list): an alert is shown whole to whoever sees one of its villages.
pub(crate) async fn alert_dto(
    state: &AppState,
    a: AlertRecord,
    lang: Lang,
    names: &mut BTreeMap<RegionCode, String>,
) -> Result<AlertDto, ApiError> {
    let system = Viewer::system("sinergi");
    let districts: BTreeSet<RegionCode> = a.villages.iter().filter_map(|v| v.code.at_level(Level::District)).collect();
    let mut district_dtos = Vec::with_capacity(districts.len());
    for code in districts {
        let name = match names.get(&code) {
            Some(name) => name.clone(),
            None => {
                let name = state.store.region(&system, &code).await?.map_or_else(|| code.to_string(), |r| r.name);
                names.insert(code.clone(), name.clone());
                name
            }
        };
        district_dtos.push(AlertDistrictDto { code: code.to_string(), name });
    }
    let explanation = match (Day::parse(&a.start_day), Day::parse(&a.end_day)) {
        (Some(start), Some(end)) => Explanation::new(
            a.villages.len(),
            district_dtos.iter().map(|d| d.name.clone()).collect(),
            a.observed,
            a.expected,
            start,
            end,
        )
        .text(lang),
        _ => String::new(),
    };
    let routes = state
        .store
        .alert_routes(a.id)
        .await?
        .into_iter()
        .map(|r| RouteDto { unit_code: r.unit_code, unit_name: r.unit_name, agency: r.agency, role: r.role })
        .collect();
    let center = a.villages.iter().find(|v| v.code == a.center).and_then(|v| v.centroid);
    Ok(AlertDto {
        id: a.id,
        regency: a.regency.to_string(),
        status: a.status.as_str().to_owned(),
        explanation,
        center_code: a.center.to_string(),
        center: center.map(|c| LatLngDto { lat: c.lat, lng: c.lng }),
        radius_km: a.radius_km,
        villages: a
            .villages
            .into_iter()
            .map(|v| AlertVillageDto {
                code: v.code.to_string(),
                name: v.name,
                centroid: v.centroid.map(|c| LatLngDto { lat: c.lat, lng: c.lng }),
            })
            .collect(),
        districts: district_dtos,
        start_day: a.start_day,
        end_day: a.end_day,
        observed: a.observed,
        expected: a.expected,
        relative_risk: a.relative_risk,
        p_value: a.p_value,
        gumbel_p_value: a.gumbel_p_value,
        llr: a.llr,
        first_run_id: a.first_run_id,
        first_seen_ms: a.first_seen_ms,
        last_run_id: a.last_run_id,
        last_seen_ms: a.last_seen_ms,
        gone_at_ms: a.gone_at_ms,
        routes,
    })
}
