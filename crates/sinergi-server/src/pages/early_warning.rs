//! The early warning pages (docs/scan.md, "On the live reports"): the alerts the user may see, with their
//! plain-language explanation, numbers, units and history; an alert's page with its villages and its history
//! across runs; the recent runs; a run's page with its parameters and clusters; and the form that runs a regency's
//! scan now.
//!
//! The pages hold no rules of their own. Alerts and runs are read through the API's handlers
//! (`api/early_warning.rs`), called as functions, so a page shows exactly what the API answers the same user. The
//! run form is checked by the API's `checked_run` and run by the same `run_scan` as `POST /api/v1/scans`.
//!
//! The store keeps an alert's current state (first and last seen, gone), not its numbers at each run. Each run
//! keeps its clusters, though, and the alerts are what `scan::alerts::reconcile` made of them, run after run, so
//! [`replay`] rebuilds the history by matching the runs' clusters again with the same function. It checks the
//! result against the stored alerts and says so when they disagree, rather than show a history that did not
//! happen.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sinergi_domain::access::{Action, Viewer};
use sinergi_domain::early_warning::alerts;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::import::Problem;
use sinergi_domain::trust::auth::Scope;
use sinergi_domain::{AgencyKind, Level, RegionCode};
use sinergi_store::{AlertFilter, Page, RegionInfo, ScanRunRecord, Store, StoreError};

use super::{CheckedForm, Chrome, PageError, internal, percent_encode, wib};
use crate::AppState;
use crate::api::early_warning::{self as api, AlertDto, ScanInput, ScanRunDto, checked_run};
use crate::auth::{CurrentUser, Origin};
use crate::early_warning::AlertState;
use crate::early_warning::run_scan;
use crate::error::ApiError;
use crate::lang::PageLang;

/// Alerts listed per page.
const PER_PAGE: u32 = 20;
/// Runs listed on the early warning page.
const RUNS_LISTED: u32 = 20;
/// Runs read per page while rebuilding a history.
const REPLAY_PAGE: u32 = 500;
/// Most runs read to rebuild one history: about two years of hourly runs. Beyond it the page shows the stored
/// first and last sightings instead of reading without end.
const REPLAY_MAX_RUNS: usize = 20_000;

/// An option of a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    fn new(value: impl Into<String>, label: impl Into<String>, chosen: &str) -> Choice {
        let value = value.into();
        let selected = value == chosen;
        Choice { value, label: label.into(), selected }
    }
}

/// A unit an alert went to.
pub struct RouteLine {
    pub unit: String,
    pub code: String,
    pub agency: String,
    pub role: String,
}

/// An alert as the list shows it.
pub struct AlertRow {
    pub id: i64,
    pub href: String,
    /// `active` or `gone`.
    pub state: String,
    pub state_label: &'static str,
    pub explanation: String,
    pub villages: String,
    pub districts: String,
    pub window: String,
    pub observed: String,
    pub expected: String,
    pub relative_risk: String,
    pub p_value: String,
    pub gumbel: String,
    pub first_seen: String,
    pub last_seen: String,
    pub gone_at: Option<String>,
    pub routes: Vec<RouteLine>,
    /// The map that draws the circle: only active alerts are drawn.
    pub map_href: Option<String>,
}

/// A run as the tables show it.
pub struct RunRow {
    pub id: i64,
    pub href: String,
    pub regency: String,
    pub trigger: &'static str,
    pub who: String,
    pub period: String,
    pub finished: String,
    /// `done`, `too_few` or `failed`.
    pub status: String,
    pub status_label: String,
    pub clusters: String,
    pub alerts: String,
    pub message: String,
}

/// A fault of the run form: the field's name, its label on the page and what is wrong.
pub struct FieldFault {
    pub field: String,
    pub label: String,
    pub message: String,
}

/// The run form as typed, with what was wrong with it.
pub struct RunForm {
    pub regencies: Vec<Choice>,
    pub days: String,
    pub replications: String,
    pub days_default: String,
    pub replications_default: String,
    /// "default: 90", beside the field.
    pub days_hint: String,
    pub replications_hint: String,
    pub faults: Vec<FieldFault>,
}

impl RunForm {
    /// Whether the named field is at fault, for `aria-invalid`.
    pub fn faulty(&self, field: &str) -> bool {
        self.faults.iter().any(|f| f.field == field)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "early_warning.html")]
pub struct EarlyWarningPage {
    pub chrome: Chrome,
    pub title: String,
    pub states: Vec<Choice>,
    pub regencies: Vec<Choice>,
    pub filter_error: Option<String>,
    pub summary: String,
    pub alerts: Vec<AlertRow>,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub runs: Vec<RunRow>,
    /// `None` for those who may not run scans: they get no form.
    pub run_form: Option<RunForm>,
    /// The user runs scans, but their territory holds no whole regency.
    pub no_regency: bool,
}

// ---------------------------------------------------------------------------------------------------------------
// Words and numbers.

fn state_label(lang: Lang, state: &str) -> &'static str {
    lang.t(if state == "gone" { Msg::EwStateGone } else { Msg::EwStateActive })
}

fn trigger_label(lang: Lang, trigger: &str) -> &'static str {
    lang.t(if trigger == "schedule" { Msg::EwTriggerSchedule } else { Msg::EwTriggerDemand })
}

fn run_status_label(lang: Lang, status: &str) -> String {
    match status {
        "done" => lang.t(Msg::EwStatusDone).to_owned(),
        "too_few" => lang.t(Msg::EwStatusTooFew).to_owned(),
        "failed" => lang.t(Msg::EwStatusFailed).to_owned(),
        other => other.to_owned(),
    }
}

fn agency_label(lang: Lang, agency: &str) -> String {
    AgencyKind::parse(agency).map_or_else(|| agency.to_owned(), |a| a.name(lang).to_owned())
}

fn role_label(lang: Lang, role: &str) -> String {
    lang.t(if role == "responsible" { Msg::RouteResponsible } else { Msg::RouteInformed }).to_owned()
}

fn window(lang: Lang, start: &str, end: &str) -> String {
    lang.format(Msg::EwWindowDays, &[("start", &start), ("end", &end)])
}

/// A p-value: three decimals down to 0.001 (the smallest a run of 999 replications gives), scientific notation
/// below it (a Gumbel p-value can be far smaller), in the language's decimal separator.
fn p_text(lang: Lang, p: f64) -> String {
    if !p.is_finite() {
        return "–".to_owned();
    }
    if p == 0.0 || p >= 0.000_95 {
        return lang.decimal(p, 3);
    }
    let text = format!("{p:.1e}");
    match lang {
        Lang::Id => text.replace('.', ","),
        Lang::En => text,
    }
}

fn ratio_text(lang: Lang, ratio: Option<f64>) -> String {
    match ratio {
        Some(r) if r.is_finite() => format!("{}×", lang.decimal(r, 1)),
        Some(_) => "∞".to_owned(),
        None => "–".to_owned(),
    }
}

fn routes(lang: Lang, dto: &AlertDto) -> Vec<RouteLine> {
    dto.routes
        .iter()
        .map(|r| RouteLine {
            unit: r.unit_name.clone(),
            code: r.unit_code.clone(),
            agency: agency_label(lang, &r.agency),
            role: role_label(lang, &r.role),
        })
        .collect()
}

/// The map that shows an alert's circle to this viewer: its regency's when the viewer holds the whole regency,
/// else the first of its districts the viewer sees (a Polsek sees the circle over its own district).
fn map_code(viewer: &Viewer, dto: &AlertDto) -> Option<String> {
    let regency = RegionCode::parse(&dto.regency).ok()?;
    if viewer.covers(&regency) {
        return Some(regency.to_string());
    }
    dto.districts
        .iter()
        .filter_map(|d| RegionCode::parse(&d.code).ok())
        .find(|d| viewer.sees_region(d))
        .map(|d| d.to_string())
}

fn alert_row(lang: Lang, viewer: &Viewer, dto: &AlertDto) -> AlertRow {
    AlertRow {
        id: dto.id,
        href: format!("/early-warning/alerts/{}", dto.id),
        state: dto.status.clone(),
        state_label: state_label(lang, &dto.status),
        explanation: dto.explanation.clone(),
        villages: dto.villages.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", "),
        districts: dto.districts.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", "),
        window: window(lang, &dto.start_day, &dto.end_day),
        observed: lang.number(dto.observed),
        expected: lang.decimal(dto.expected, 2),
        relative_risk: ratio_text(lang, Some(dto.relative_risk)),
        p_value: p_text(lang, dto.p_value),
        gumbel: dto.gumbel_p_value.map_or_else(|| "–".to_owned(), |p| p_text(lang, p)),
        first_seen: wib(dto.first_seen_ms),
        last_seen: wib(dto.last_seen_ms),
        gone_at: dto.gone_at_ms.map(wib),
        routes: routes(lang, dto),
        map_href: (dto.status == "active").then(|| map_code(viewer, dto).map(|c| format!("/map/{c}"))).flatten(),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The clusters a run stored (the shape `early_warning::run_scan` writes and `GET /api/v1/scans` documents).

#[derive(Deserialize, Default)]
struct StoredResult {
    #[serde(default)]
    most_likely_cluster: Option<StoredCluster>,
    #[serde(default)]
    secondary_clusters: Vec<StoredCluster>,
}

/// A stored cluster. Numbers that JSON cannot hold (an infinite relative risk) were written as `null`.
#[derive(Deserialize, Clone)]
struct StoredCluster {
    center_zone: String,
    #[serde(default)]
    radius_km: Option<f64>,
    #[serde(default)]
    zone_codes: Vec<String>,
    start_day: String,
    end_day: String,
    observed: u64,
    #[serde(default)]
    expected: Option<f64>,
    #[serde(default)]
    relative_risk: Option<f64>,
    #[serde(default)]
    p_value: Option<f64>,
    #[serde(default)]
    gumbel_p_value: Option<f64>,
    #[serde(default)]
    significant: bool,
}

/// The clusters of a run in order, the most likely first; `None` when its stored result cannot be read.
fn clusters_of(status: &str, result: Option<&serde_json::Value>) -> Option<Vec<StoredCluster>> {
    if status != "done" {
        return Some(Vec::new());
    }
    let stored: StoredResult = serde_json::from_value(result?.clone()).ok()?;
    Some(stored.most_likely_cluster.into_iter().chain(stored.secondary_clusters).collect())
}

fn clusters_of_record(run: &ScanRunRecord) -> Option<Vec<StoredCluster>> {
    let value = match &run.result {
        Some(text) => Some(serde_json::from_str::<serde_json::Value>(text).ok()?),
        None => None,
    };
    clusters_of(&run.status, value.as_ref())
}

// ---------------------------------------------------------------------------------------------------------------
// Rebuilding what each run did to the alerts.

/// What one run did to its regency's alerts.
#[derive(Debug, Default, Clone, PartialEq)]
struct Effect {
    /// For each cluster of the run in order (the most likely first): the alert it raised (`true`) or refreshed
    /// (`false`); `None` for a cluster that was not significant.
    clusters: Vec<Option<(i64, bool)>>,
    /// The alerts it ended.
    gone: Vec<i64>,
}

/// A run, its clusters and what it did.
struct Replayed {
    run: ScanRunRecord,
    clusters: Vec<StoredCluster>,
    effect: Effect,
}

/// Rebuilds what the runs of a regency did to its alerts, from the last run before `from` that left no alert
/// active (so that the replay starts from a known state) through `through`, and, with `and_next`, the first run
/// after `through` that did not fail (the one that may have ended an alert last seen at `through`). `None` when
/// the stored runs do not lead to the stored alerts (a result that cannot be read, a new alert where the store has
/// none), or when there are too many runs to read.
async fn replay(
    store: &dyn Store,
    regency: &RegionCode,
    from: i64,
    through: i64,
    and_next: bool,
) -> Result<Option<Vec<Replayed>>, StoreError> {
    let system = Viewer::system("sinergi");
    // Keyed by id: a run recorded while the pages are read shifts them by one, which repeats a run but skips none.
    let mut kept: BTreeMap<i64, (ScanRunRecord, Vec<StoredCluster>)> = BTreeMap::new();
    let mut next: Option<(ScanRunRecord, Vec<StoredCluster>)> = None;
    let mut start_after = 0;
    let mut read = 0;
    'pages: for number in 1.. {
        let (items, _) = store.scan_runs(&system, Some(regency), Page::new(number, REPLAY_PAGE)).await?;
        let last = items.len() < REPLAY_PAGE as usize;
        for run in items {
            read += 1;
            if read > REPLAY_MAX_RUNS {
                return Ok(None);
            }
            if run.id > through {
                // Newest first: the last one kept here is the earliest after `through`.
                if and_next && run.status != "failed" {
                    let Some(clusters) = clusters_of_record(&run) else { return Ok(None) };
                    next = Some((run, clusters));
                }
                continue;
            }
            let Some(clusters) = clusters_of_record(&run) else { return Ok(None) };
            // A run that looked and found nothing significant ended every active alert: nothing before it matters.
            let quiet = run.status != "failed" && !clusters.iter().any(|c| c.significant);
            if run.id < from && quiet {
                start_after = run.id;
                break 'pages;
            }
            kept.insert(run.id, (run, clusters));
        }
        if last {
            break;
        }
    }
    // The alerts raised after the starting point, in the order they were raised (ids grow with time).
    let mut raised: Vec<(i64, i64)> = Vec::new();
    let filter = AlertFilter { within: Some(regency.clone()), status: None };
    for number in 1.. {
        let page = Page::new(number, Page::MAX_SIZE);
        let (items, total) = store.alerts(&system, &filter, page).await?;
        raised.extend(items.iter().filter(|a| a.first_run_id > start_after).map(|a| (a.id, a.first_run_id)));
        if items.is_empty() || u64::from(number) * u64::from(page.size) >= total {
            break;
        }
    }
    raised.sort_unstable();
    raised.dedup();
    let mut raised = raised.into_iter();

    let mut active: Vec<(i64, Vec<RegionCode>)> = Vec::new();
    let mut out = Vec::with_capacity(kept.len() + 1);
    for (run, clusters) in kept.into_values().chain(next) {
        let mut effect = Effect { clusters: vec![None; clusters.len()], gone: Vec::new() };
        // A run that failed left the alerts as they were (the store records nothing for it).
        if run.status != "failed" {
            let significant: Vec<usize> = (0..clusters.len()).filter(|&i| clusters[i].significant).collect();
            let mut found = Vec::with_capacity(significant.len());
            for &i in &significant {
                let codes: Result<Vec<RegionCode>, _> =
                    clusters[i].zone_codes.iter().map(|c| RegionCode::parse(c)).collect();
                let Ok(codes) = codes else { return Ok(None) };
                found.push(codes);
            }
            let plan = alerts::reconcile(&active, &found);
            for ((&i, villages), refreshes) in significant.iter().zip(found).zip(plan.refreshes) {
                match refreshes {
                    Some(id) => {
                        if let Some(alert) = active.iter_mut().find(|(a, _)| *a == id) {
                            alert.1 = villages;
                        }
                        effect.clusters[i] = Some((id, false));
                    }
                    None => {
                        // The store raised the next alert of the regency for this cluster, in this run.
                        let Some((id, first_run)) = raised.next() else { return Ok(None) };
                        if first_run != run.id {
                            return Ok(None);
                        }
                        active.push((id, villages));
                        effect.clusters[i] = Some((id, true));
                    }
                }
            }
            active.retain(|(id, _)| !plan.gone.contains(id));
            effect.gone = plan.gone;
        }
        out.push(Replayed { run, clusters, effect });
    }
    Ok(Some(out))
}

// ---------------------------------------------------------------------------------------------------------------
// The list, the run form and the recent runs.

/// The regencies of the user's territory (their territory's own regency when it is a district or a village), in
/// code order; for the nation, every regency of every province.
async fn regencies_of(state: &AppState, viewer: &Viewer) -> Result<Vec<RegionInfo>, StoreError> {
    match &viewer.scope {
        Scope::National => {
            let mut out = Vec::new();
            for province in state.store.children(viewer, None).await? {
                out.extend(state.store.children(viewer, Some(&province.code)).await?);
            }
            Ok(out)
        }
        Scope::Region(code) => match code.level() {
            Level::Province => state.store.children(viewer, Some(code)).await,
            _ => match code.at_level(Level::Regency) {
                Some(regency) => Ok(state.store.region(viewer, &regency).await?.into_iter().collect()),
                None => Ok(Vec::new()),
            },
        },
    }
}

fn regency_label(r: &RegionInfo) -> String {
    format!("{} ({})", r.name, r.code)
}

/// The run form, as typed (empty for a fresh form), with its faults.
fn run_form(
    state: &AppState,
    lang: Lang,
    viewer: &Viewer,
    regencies: &[RegionInfo],
    typed: RunTyped,
    faults: Vec<FieldFault>,
) -> RunForm {
    let config = &state.config.early_warning;
    let hint = |value: u32| lang.format(Msg::EwRunDefault, &[("value", &lang.number(u64::from(value)))]);
    RunForm {
        regencies: regencies
            .iter()
            .filter(|r| viewer.covers(&r.code))
            .map(|r| Choice::new(r.code.as_str(), regency_label(r), &typed.regency))
            .collect(),
        days: typed.days,
        replications: typed.replications,
        days_default: config.days.to_string(),
        replications_default: config.params.replications.to_string(),
        days_hint: hint(config.days),
        replications_hint: hint(config.params.replications),
        faults,
    }
}

/// The run form's fields as typed.
#[derive(Default)]
struct RunTyped {
    regency: String,
    days: String,
    replications: String,
}

/// The filters of the list, from the query.
struct ListQuery {
    /// `active`, `gone` or `all`.
    state: String,
    regency: String,
    page: u32,
}

impl ListQuery {
    fn read(params: &[(String, String)]) -> ListQuery {
        let last = |name: &str| {
            params.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).unwrap_or_default()
        };
        let state = last("state");
        ListQuery {
            state: if state.is_empty() { "active".to_owned() } else { state },
            regency: last("regency"),
            page: last("page").parse::<u32>().unwrap_or(1).clamp(1, 1_000_000),
        }
    }

    /// The query without the page, for the pager.
    fn query(&self) -> String {
        let mut parts = vec![format!("state={}", percent_encode(&self.state))];
        if !self.regency.is_empty() {
            parts.push(format!("regency={}", percent_encode(&self.regency)));
        }
        parts.join("&")
    }
}

/// The list's filters checked, each fault named by its label: the state, and a regency code (a code outside the
/// territory is no fault: it lists nothing, as the API does).
fn check_filters(lang: Lang, query: &ListQuery) -> Result<Option<RegionCode>, String> {
    let mut faults = Vec::new();
    if !matches!(query.state.as_str(), "active" | "gone" | "all") {
        let problem = Problem::one_of(&query.state, &["active", "gone", "all"]);
        faults.push(format!("{}: {}", lang.t(Msg::EwFilterState), problem.message(lang)));
    }
    let mut regency = None;
    if !query.regency.is_empty() {
        match RegionCode::parse(&query.regency) {
            Ok(code) if code.level() == Level::Regency => regency = Some(code),
            Ok(code) => faults.push(format!(
                "{}: {}",
                lang.t(Msg::EwFilterRegency),
                Problem::NotRegency(code.to_string()).message(lang)
            )),
            Err(e) => faults.push(format!("{}: {}", lang.t(Msg::EwFilterRegency), Problem::BadCode(e).message(lang))),
        }
    }
    if faults.is_empty() {
        Ok(regency)
    } else {
        Err(lang.format(Msg::EwFilterError, &[("detail", &faults.join("; "))]))
    }
}

/// A run's row, its regency named.
fn run_row(lang: Lang, run: &ScanRunDto, names: &HashMap<String, String>) -> RunRow {
    let clusters = clusters_of(&run.status, run.result.as_ref()).unwrap_or_default();
    let significant = clusters.iter().filter(|c| c.significant).count();
    let done = run.status == "done";
    RunRow {
        id: run.id,
        href: format!("/early-warning/runs/{}", run.id),
        regency: names.get(&run.regency).map_or_else(|| run.regency.clone(), |n| format!("{n} ({})", run.regency)),
        trigger: trigger_label(lang, &run.trigger),
        who: run.requested_by.clone(),
        period: window(lang, &run.period_start, &run.period_end),
        finished: wib(run.finished_at_ms),
        status: run.status.clone(),
        status_label: run_status_label(lang, &run.status),
        clusters: if done { lang.number(clusters.len() as u64) } else { "–".to_owned() },
        alerts: if done { lang.number(significant as u64) } else { "–".to_owned() },
        message: run.message.clone(),
    }
}

/// The names of the runs' regencies.
async fn regency_names(
    state: &AppState,
    viewer: &Viewer,
    runs: &[ScanRunDto],
) -> Result<HashMap<String, String>, StoreError> {
    let mut names = HashMap::new();
    for run in runs {
        if names.contains_key(&run.regency) {
            continue;
        }
        if let Ok(code) = RegionCode::parse(&run.regency)
            && let Some(region) = state.store.region(viewer, &code).await?
        {
            names.insert(run.regency.clone(), region.name);
        }
    }
    Ok(names)
}

/// An API error as a page: not found, forbidden, or (anything else) an internal failure.
fn page_error(chrome: Chrome, e: ApiError) -> PageError {
    match e.status() {
        StatusCode::NOT_FOUND => {
            let message = e.body(chrome.lang).message;
            PageError::NotFound(chrome, message)
        }
        StatusCode::FORBIDDEN => PageError::Forbidden(chrome),
        _ => PageError::Internal(chrome),
    }
}

/// The early warning page with these filters and this run form (a fresh one unless the form was refused).
async fn render_list(
    state: &AppState,
    chrome: Chrome,
    current: &CurrentUser,
    query: ListQuery,
    form: Option<(RunTyped, Vec<FieldFault>)>,
) -> Result<(StatusCode, EarlyWarningPage), PageError> {
    let lang = chrome.lang;
    let viewer = &current.viewer;
    if !viewer.may(Action::ReadReports) {
        return Err(PageError::Forbidden(chrome));
    }
    let (alerts, total, filter_error) = match check_filters(lang, &query) {
        Ok(regency) => {
            // The filters were checked above: the state is one of the three.
            let alert_state = AlertState::parse(&query.state).unwrap_or(AlertState::Active);
            let page = Page::new(query.page, PER_PAGE);
            let (records, total) =
                match crate::early_warning::alerts(&*state.store, viewer, regency, alert_state, page).await {
                    Ok(found) => found,
                    Err(e) => return Err(page_error(chrome, e.into())),
                };
            let mut names = std::collections::BTreeMap::new();
            let mut alerts = Vec::with_capacity(records.len());
            for record in records {
                match api::alert_dto(state, record, lang, &mut names).await {
                    Ok(dto) => alerts.push(dto),
                    Err(e) => return Err(page_error(chrome, e)),
                }
            }
            (alerts, total, None)
        }
        Err(message) => (Vec::new(), 0, Some(message)),
    };
    let runs = match crate::early_warning::runs(&*state.store, viewer, None, Page::new(1, RUNS_LISTED)).await {
        Ok((records, _)) => records.into_iter().map(|r| api::run_dto(r, lang)).collect::<Vec<_>>(),
        Err(e) => return Err(page_error(chrome, e.into())),
    };
    let names = regency_names(state, viewer, &runs).await.map_err(internal(&chrome))?;
    let regencies = regencies_of(state, viewer).await.map_err(internal(&chrome))?;
    let runs_scans = viewer.may(Action::HandleReports);
    let faulty = form.as_ref().is_some_and(|(_, faults)| !faults.is_empty());
    let run_form = runs_scans.then(|| {
        let (typed, faults) = form.unwrap_or_default();
        run_form(state, lang, viewer, &regencies, typed, faults)
    });
    let no_regency = run_form.as_ref().is_some_and(|f| f.regencies.is_empty());
    let pages = total.div_ceil(u64::from(PER_PAGE)).max(1);
    let href = |n: u64| format!("/early-warning?{}&page={n}", query.query());
    let status = if filter_error.is_some() {
        StatusCode::BAD_REQUEST
    } else if faulty {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = EarlyWarningPage {
        title: chrome.t(Msg::EwTitle).to_owned(),
        states: [("active", Msg::EwStateActive), ("gone", Msg::EwStateGone), ("all", Msg::EwStateAll)]
            .into_iter()
            .map(|(value, msg)| Choice::new(value, lang.t(msg), &query.state))
            .collect(),
        regencies: regencies.iter().map(|r| Choice::new(r.code.as_str(), regency_label(r), &query.regency)).collect(),
        summary: lang.format(
            Msg::EwPageOf,
            &[
                ("page", &lang.number(u64::from(query.page))),
                ("pages", &lang.number(pages)),
                ("total", &lang.number(total)),
            ],
        ),
        alerts: alerts.iter().map(|a| alert_row(lang, viewer, a)).collect(),
        previous: (query.page > 1 && filter_error.is_none()).then(|| href(u64::from(query.page) - 1)),
        next: (u64::from(query.page) < pages && filter_error.is_none()).then(|| href(u64::from(query.page) + 1)),
        filter_error,
        runs: runs.iter().map(|r| run_row(lang, r, &names)).collect(),
        run_form,
        no_regency,
        chrome,
    };
    Ok((status, page))
}

/// The early warning page: the alerts the user sees, filtered by state and regency, newest seen first; the recent
/// runs of their regencies; and, for those who handle reports, the form that runs a scan now.
pub async fn list(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "early-warning", Some(&current)).await;
    let query = ListQuery::read(&params);
    Ok(render_list(&state, chrome, &current, query, None).await?.into_response())
}

/// A whole number typed into the form: empty is "not given" (the server's default); anything but digits is named.
/// Its range is the API's to check.
fn whole_number(text: &str) -> Result<Option<u32>, Problem> {
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u32>() {
        Ok(n) => Ok(Some(n)),
        Err(_) if text.starts_with('-') && text[1..].bytes().all(|b| b.is_ascii_digit()) && text.len() > 1 => {
            Err(Problem::Negative(text.chars().take(20).collect()))
        }
        // Digits beyond what a u32 holds are out of every range the API accepts: pass the largest, which the API
        // names as out of range.
        Err(_) if text.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(u32::MAX)),
        Err(_) => Err(Problem::NotNumber(text.chars().take(20).collect())),
    }
}

/// The label of a run field on the page.
fn field_label(lang: Lang, field: &str) -> String {
    match field {
        "regency" => lang.t(Msg::EwFilterRegency).to_owned(),
        "days" => lang.t(Msg::EwRunDays).to_owned(),
        "replications" => lang.t(Msg::EwRunReplications).to_owned(),
        other => other.to_owned(),
    }
}

/// Runs a regency's scan from the page's form (`regency`, `days`, `replications`): checked by the API's own
/// `checked_run` (the right, every field, the territory) and run by `run_scan`, then on to the run's page (303).
/// A refused form is shown again as typed, each fault under its field's label.
#[allow(clippy::too_many_arguments)] // one per axum extractor
pub async fn run_submit(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Extension(origin): Extension<Origin>,
    CheckedForm(fields): CheckedForm,
) -> Result<Response, PageError> {
    // A refused form is shown on the early warning page, whose address the language switch must come back to (the
    // form's own address answers posts only).
    let page_uri = uri.query().map_or_else(
        || Uri::from_static("/early-warning"),
        |q| format!("/early-warning?{q}").parse().unwrap_or_else(|_| Uri::from_static("/early-warning")),
    );
    let chrome = Chrome::new(&state, lang, &page_uri, "early-warning", Some(&current)).await;
    if !current.viewer.may(Action::HandleReports) {
        return Err(PageError::Forbidden(chrome));
    }
    let field = |name: &str| fields.get(name).map(|v| v.trim().to_owned()).unwrap_or_default();
    let typed = RunTyped { regency: field("regency"), days: field("days"), replications: field("replications") };
    let mut faults: Vec<(String, String)> = Vec::new();
    let mut number = |name: &str, text: &str| match whole_number(text) {
        Ok(n) => n,
        Err(problem) => {
            faults.push((name.to_owned(), problem.message(lang)));
            None
        }
    };
    let input = ScanInput {
        regency: typed.regency.clone(),
        days: number("days", &typed.days),
        replications: number("replications", &typed.replications),
        max_radius_km: None,
        max_fraction: None,
        max_days: None,
        min_cases: None,
        seed: None,
        threshold: None,
        counted: None,
    };
    match checked_run(&state, &current, &origin, &input).await {
        Ok(request) if faults.is_empty() => {
            let recorded = run_scan(&state.store, request).await.map_err(internal(&chrome))?;
            return Ok(Redirect::to(&format!("/early-warning/runs/{}", recorded.run_id)).into_response());
        }
        // The fields the form could not read are at fault; the API found nothing wrong with the others.
        Ok(_) => {}
        Err(e) if e.status() == StatusCode::FORBIDDEN => return Err(PageError::Forbidden(chrome)),
        Err(e) if e.status() == StatusCode::UNPROCESSABLE_ENTITY => {
            faults.extend(e.body(lang).fields.into_iter().map(|f| (f.field, f.message)));
        }
        // An unknown regency, or one outside the territory, is not found: named as the regency field's fault.
        Err(e) if e.status() == StatusCode::NOT_FOUND => faults.push(("regency".to_owned(), e.body(lang).message)),
        Err(e) => return Err(page_error(chrome, e)),
    }
    // In the order of the form.
    let order = |f: &str| ["regency", "days", "replications"].iter().position(|n| *n == f).unwrap_or(usize::MAX);
    faults.sort_by_key(|(f, _)| order(f));
    let faults = faults
        .into_iter()
        .map(|(field, message)| FieldFault { label: field_label(lang, &field), field, message })
        .collect();
    let query = ListQuery { state: "active".to_owned(), regency: String::new(), page: 1 };
    Ok(render_list(&state, chrome, &current, query, Some((typed, faults))).await?.into_response())
}

// ---------------------------------------------------------------------------------------------------------------
// An alert's page.

/// A line of facts.
pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

/// A village of an alert.
pub struct VillageRow {
    pub code: String,
    pub name: String,
    pub district: String,
    pub coordinates: String,
}

/// A run in an alert's history.
pub struct HistoryRow {
    pub run_id: Option<i64>,
    /// The run's page, for those who read the run (their territory holds the whole regency).
    pub run_href: Option<String>,
    pub when: String,
    /// `first`, `again` or `gone`.
    pub event: &'static str,
    pub event_label: &'static str,
    pub window: String,
    pub observed: String,
    pub expected: String,
    pub relative_risk: String,
    pub p_value: String,
    pub gumbel: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "early_warning_alert.html")]
pub struct AlertPage {
    pub chrome: Chrome,
    pub title: String,
    pub id: i64,
    pub state: String,
    pub explanation: String,
    pub facts: Vec<Fact>,
    pub map_href: Option<String>,
    pub routes: Vec<RouteLine>,
    pub villages: Vec<VillageRow>,
    pub history: Vec<HistoryRow>,
    /// The history could not be rebuilt: only the stored sightings are shown.
    pub partial: bool,
}

fn history_event(lang: Lang, event: &'static str) -> (&'static str, &'static str) {
    let msg = match event {
        "first" => Msg::EwHistoryFirst,
        "gone" => Msg::EwHistoryGone,
        _ => Msg::EwHistoryAgain,
    };
    (event, lang.t(msg))
}

/// The history of an alert, rebuilt from the runs of its regency; `None` when it cannot be.
async fn alert_history(
    state: &AppState,
    lang: Lang,
    dto: &AlertDto,
    run_href: &(dyn Fn(i64) -> Option<String> + Sync),
) -> Result<Option<Vec<HistoryRow>>, StoreError> {
    let Ok(regency) = RegionCode::parse(&dto.regency) else { return Ok(None) };
    let gone = dto.status == "gone";
    let Some(runs) = replay(&*state.store, &regency, dto.first_run_id, dto.last_run_id, gone).await? else {
        return Ok(None);
    };
    let mut rows = Vec::new();
    let mut last_seen = None;
    let mut ended = false;
    for r in &runs {
        let seen = r.effect.clusters.iter().enumerate().find_map(|(i, c)| match c {
            Some((id, new)) if *id == dto.id => Some((i, *new)),
            _ => None,
        });
        if let Some((i, new)) = seen {
            let c = &r.clusters[i];
            let (event, event_label) = history_event(lang, if new { "first" } else { "again" });
            last_seen = Some(r.run.id);
            rows.push(HistoryRow {
                run_id: Some(r.run.id),
                run_href: run_href(r.run.id),
                when: wib(r.run.finished_at_ms),
                event,
                event_label,
                window: window(lang, &c.start_day, &c.end_day),
                observed: lang.number(c.observed),
                expected: c.expected.map_or_else(|| "–".to_owned(), |e| lang.decimal(e, 2)),
                relative_risk: ratio_text(lang, c.relative_risk),
                p_value: c.p_value.map_or_else(|| "–".to_owned(), |p| p_text(lang, p)),
                gumbel: c.gumbel_p_value.map_or_else(|| "–".to_owned(), |p| p_text(lang, p)),
            });
        }
        if r.effect.gone.contains(&dto.id) {
            ended = true;
            let (event, event_label) = history_event(lang, "gone");
            rows.push(HistoryRow {
                run_id: Some(r.run.id),
                run_href: run_href(r.run.id),
                when: wib(r.run.finished_at_ms),
                event,
                event_label,
                window: String::new(),
                observed: String::new(),
                expected: String::new(),
                relative_risk: String::new(),
                p_value: String::new(),
                gumbel: String::new(),
            });
        }
    }
    // The rebuilt history must end where the stored alert is: last seen by its last run, gone when it is gone.
    let first_ok = rows.first().is_some_and(|r| r.event == "first" && r.run_id == Some(dto.first_run_id));
    if !first_ok || last_seen != Some(dto.last_run_id) || ended != gone {
        return Ok(None);
    }
    Ok(Some(rows))
}

/// The stored sightings of an alert, when its history cannot be rebuilt: first seen, last seen (with its current
/// numbers), gone.
fn stored_sightings(lang: Lang, dto: &AlertDto, run_href: &(dyn Fn(i64) -> Option<String> + Sync)) -> Vec<HistoryRow> {
    let empty = |run_id: Option<i64>, when: i64, event: &'static str| {
        let (event, event_label) = history_event(lang, event);
        HistoryRow {
            run_id,
            run_href: run_id.and_then(run_href),
            when: wib(when),
            event,
            event_label,
            window: String::new(),
            observed: String::new(),
            expected: String::new(),
            relative_risk: String::new(),
            p_value: String::new(),
            gumbel: String::new(),
        }
    };
    let mut rows = Vec::new();
    if dto.first_run_id != dto.last_run_id {
        rows.push(empty(Some(dto.first_run_id), dto.first_seen_ms, "first"));
    }
    let latest = if dto.first_run_id == dto.last_run_id { "first" } else { "again" };
    rows.push(HistoryRow {
        window: window(lang, &dto.start_day, &dto.end_day),
        observed: lang.number(dto.observed),
        expected: lang.decimal(dto.expected, 2),
        relative_risk: ratio_text(lang, Some(dto.relative_risk)),
        p_value: p_text(lang, dto.p_value),
        gumbel: dto.gumbel_p_value.map_or_else(|| "–".to_owned(), |p| p_text(lang, p)),
        ..empty(Some(dto.last_run_id), dto.last_seen_ms, latest)
    });
    if let Some(at) = dto.gone_at_ms {
        rows.push(empty(None, at, "gone"));
    }
    rows
}

/// An alert's page: its explanation and numbers, its units, its villages, and its history across runs.
pub async fn alert(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<AlertPage, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "early-warning", Some(&current)).await;
    if !current.viewer.may(Action::ReadReports) {
        return Err(PageError::Forbidden(chrome));
    }
    let not_found = |chrome: &Chrome, text: &str| {
        let shown: String = text.chars().take(40).collect();
        PageError::NotFound(chrome.clone(), lang.format(Msg::ErrAlertNotFound, &[("id", &shown)]))
    };
    let Ok(number) = id.parse::<i64>() else { return Err(not_found(&chrome, &id)) };
    let dto = match crate::early_warning::alert(&*state.store, &current.viewer, number).await {
        Ok(record) => match api::alert_dto(&state, record, lang, &mut std::collections::BTreeMap::new()).await {
            Ok(dto) => dto,
            Err(e) => return Err(page_error(chrome, e)),
        },
        Err(e) => return Err(page_error(chrome, e.into())),
    };
    let viewer = &current.viewer;
    // Runs are read by those whose territory holds the whole regency; others see the history without the links.
    let covers_regency = RegionCode::parse(&dto.regency).is_ok_and(|r| viewer.covers(&r));
    let run_href = |run: i64| covers_regency.then(|| format!("/early-warning/runs/{run}"));
    let rebuilt = alert_history(&state, lang, &dto, &run_href).await.map_err(internal(&chrome))?;
    let partial = rebuilt.is_none();
    let history = rebuilt.unwrap_or_else(|| stored_sightings(lang, &dto, &run_href));
    let regency_name = match RegionCode::parse(&dto.regency) {
        Ok(code) => state.store.region(viewer, &code).await.map_err(internal(&chrome))?.map(|r| r.name),
        Err(_) => None,
    };
    let center = dto
        .villages
        .iter()
        .find(|v| v.code == dto.center_code)
        .map_or_else(|| dto.center_code.clone(), |v| format!("{} ({})", v.name, v.code));
    let mut facts = vec![
        Fact { label: lang.t(Msg::EwFilterState), value: state_label(lang, &dto.status).to_owned() },
        Fact {
            label: lang.t(Msg::EwFilterRegency),
            value: regency_name.map_or_else(|| dto.regency.clone(), |n| format!("{n} ({})", dto.regency)),
        },
        Fact {
            label: lang.t(Msg::EwDistricts),
            value: dto.districts.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", "),
        },
        Fact { label: lang.t(Msg::EwCenter), value: center },
        Fact { label: lang.t(Msg::EwRadius), value: format!("{} km", lang.decimal(dto.radius_km, 2)) },
        Fact { label: lang.t(Msg::EwWindow), value: window(lang, &dto.start_day, &dto.end_day) },
        Fact { label: lang.t(Msg::EwObserved), value: lang.number(dto.observed) },
        Fact { label: lang.t(Msg::EwExpected), value: lang.decimal(dto.expected, 2) },
        Fact { label: lang.t(Msg::EwRelativeRisk), value: ratio_text(lang, Some(dto.relative_risk)) },
        Fact { label: lang.t(Msg::EwPValue), value: p_text(lang, dto.p_value) },
        Fact {
            label: lang.t(Msg::EwGumbel),
            value: dto.gumbel_p_value.map_or_else(|| "–".to_owned(), |p| p_text(lang, p)),
        },
        Fact { label: lang.t(Msg::EwFirstSeen), value: wib(dto.first_seen_ms) },
        Fact { label: lang.t(Msg::EwLastSeen), value: wib(dto.last_seen_ms) },
    ];
    if let Some(at) = dto.gone_at_ms {
        facts.push(Fact { label: lang.t(Msg::EwGoneAt), value: wib(at) });
    }
    let district_names: HashMap<&str, &str> =
        dto.districts.iter().map(|d| (d.code.as_str(), d.name.as_str())).collect();
    let villages = dto
        .villages
        .iter()
        .map(|v| {
            let district = RegionCode::parse(&v.code)
                .ok()
                .and_then(|c| c.at_level(Level::District))
                .and_then(|d| district_names.get(d.as_str()).map(|n| (*n).to_owned()))
                .unwrap_or_default();
            VillageRow {
                code: v.code.clone(),
                name: v.name.clone(),
                district,
                coordinates: v.centroid.as_ref().map(|c| format!("{:.5}, {:.5}", c.lat, c.lng)).unwrap_or_default(),
            }
        })
        .collect();
    Ok(AlertPage {
        title: lang.format(Msg::EwAlertTitle, &[("id", &dto.id)]),
        id: dto.id,
        state: dto.status.clone(),
        explanation: dto.explanation.clone(),
        facts,
        map_href: (dto.status == "active").then(|| map_code(viewer, &dto).map(|c| format!("/map/{c}"))).flatten(),
        routes: routes(lang, &dto),
        villages,
        history,
        partial,
        chrome,
    })
}

// ---------------------------------------------------------------------------------------------------------------
// A run's page.

/// A cluster of a run.
pub struct ClusterRow {
    pub kind: &'static str,
    pub center: String,
    pub villages: String,
    pub radius: String,
    pub window: String,
    pub observed: String,
    pub expected: String,
    pub relative_risk: String,
    pub p_value: String,
    pub gumbel: String,
    pub significant: bool,
    pub significant_label: &'static str,
    /// The alert it raised or refreshed, in words, with its page.
    pub alert: Option<(String, String)>,
}

/// An alert a run ended, with its page.
pub struct GoneAlert {
    pub id: i64,
    pub href: String,
    pub label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "early_warning_run.html")]
pub struct RunPage {
    pub chrome: Chrome,
    pub title: String,
    pub id: i64,
    pub status: String,
    pub facts: Vec<Fact>,
    pub params: Vec<Fact>,
    pub message: String,
    pub clusters: Vec<ClusterRow>,
    /// The run looked (status `done`): its clusters are shown, or that it found none.
    pub scanned: bool,
    /// The alerts it ended.
    pub gone: Vec<GoneAlert>,
    /// The alerts of its clusters could not be rebuilt.
    pub no_links: bool,
}

/// A parameter of a run, as stored.
fn param(params: &serde_json::Value, name: &str) -> String {
    match params.get(name) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => "–".to_owned(),
        Some(other) => other.to_string(),
    }
}

/// A run's page: its parameters, status, clusters (the most likely first) with their p-values, and the alerts it
/// raised, refreshed and ended.
pub async fn run(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<RunPage, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "early-warning", Some(&current)).await;
    let not_found = |chrome: &Chrome, text: &str| {
        let shown: String = text.chars().take(40).collect();
        PageError::NotFound(chrome.clone(), lang.format(Msg::ErrScanRunNotFound, &[("id", &shown)]))
    };
    if !current.viewer.may(Action::ReadReports) {
        return Err(PageError::Forbidden(chrome));
    }
    let Ok(number) = id.parse::<i64>() else { return Err(not_found(&chrome, &id)) };
    let dto = match crate::early_warning::run(&*state.store, &current.viewer, number).await {
        Ok(record) => api::run_dto(record, lang),
        Err(e) => return Err(page_error(chrome, e.into())),
    };
    let viewer = &current.viewer;
    let regency = RegionCode::parse(&dto.regency).ok();
    let regency_name = match &regency {
        Some(code) => state.store.region(viewer, code).await.map_err(internal(&chrome))?.map(|r| r.name),
        None => None,
    };
    let regency_text = regency_name.map_or_else(|| dto.regency.clone(), |n| format!("{n} ({})", dto.regency));
    let replayed = match &regency {
        Some(code) => replay(&*state.store, code, dto.id, dto.id, false).await.map_err(internal(&chrome))?,
        None => None,
    };
    let effect = replayed.and_then(|runs| runs.into_iter().find(|r| r.run.id == dto.id)).map(|r| r.effect);
    let clusters = clusters_of(&dto.status, dto.result.as_ref()).unwrap_or_default();
    // The centre villages by name, read as the user: the run's regency is wholly theirs.
    let mut names: HashMap<String, String> = HashMap::new();
    for c in &clusters {
        if names.contains_key(&c.center_zone) {
            continue;
        }
        if let Ok(code) = RegionCode::parse(&c.center_zone)
            && let Some(r) = state.store.region(viewer, &code).await.map_err(internal(&chrome))?
        {
            names.insert(c.center_zone.clone(), r.name);
        }
    }
    let rows = clusters
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let alert = effect.as_ref().and_then(|e| e.clusters.get(i).copied().flatten()).map(|(alert, new)| {
                let msg = if new { Msg::EwAlertNew } else { Msg::EwAlertRefreshed };
                (lang.format(msg, &[("id", &alert)]), format!("/early-warning/alerts/{alert}"))
            });
            ClusterRow {
                kind: lang.t(if i == 0 { Msg::EwMostLikely } else { Msg::EwSecondary }),
                center: names
                    .get(&c.center_zone)
                    .map_or_else(|| c.center_zone.clone(), |n| format!("{n} ({})", c.center_zone)),
                villages: lang.number(c.zone_codes.len() as u64),
                radius: c.radius_km.map_or_else(|| "–".to_owned(), |r| format!("{} km", lang.decimal(r, 2))),
                window: window(lang, &c.start_day, &c.end_day),
                observed: lang.number(c.observed),
                expected: c.expected.map_or_else(|| "–".to_owned(), |e| lang.decimal(e, 2)),
                relative_risk: ratio_text(lang, c.relative_risk),
                p_value: c.p_value.map_or_else(|| "–".to_owned(), |p| p_text(lang, p)),
                gumbel: c.gumbel_p_value.map_or_else(|| "–".to_owned(), |p| p_text(lang, p)),
                significant: c.significant,
                significant_label: lang.t(if c.significant { Msg::EwYes } else { Msg::EwNo }),
                alert,
            }
        })
        .collect();
    let counted = match dto.params.get("counted").and_then(serde_json::Value::as_str) {
        Some("verified") => lang.t(Msg::EwCountedVerified).to_owned(),
        Some("all_but_rejected") => lang.t(Msg::EwCountedAllButRejected).to_owned(),
        Some(other) => other.to_owned(),
        None => "–".to_owned(),
    };
    let p = &dto.params;
    let params = vec![
        Fact { label: lang.t(Msg::EwRunDays), value: param(p, "days") },
        Fact { label: lang.t(Msg::EwRunReplications), value: param(p, "replications") },
        Fact { label: lang.t(Msg::EwRunMaxRadius), value: format!("{} km", param(p, "max_radius_km")) },
        Fact { label: lang.t(Msg::EwRunMaxFraction), value: param(p, "max_fraction") },
        Fact { label: lang.t(Msg::EwRunMaxDays), value: param(p, "max_days") },
        Fact { label: lang.t(Msg::EwRunMinCases), value: param(p, "min_cases") },
        Fact { label: lang.t(Msg::EwRunThreshold), value: param(p, "threshold") },
        Fact { label: lang.t(Msg::EwRunCounted), value: counted },
        Fact { label: lang.t(Msg::EwRunSeed), value: param(p, "seed") },
    ];
    let facts = vec![
        Fact { label: lang.t(Msg::EwFilterRegency), value: regency_text.clone() },
        Fact { label: lang.t(Msg::ColStatus), value: run_status_label(lang, &dto.status) },
        Fact { label: lang.t(Msg::EwColTrigger), value: trigger_label(lang, &dto.trigger).to_owned() },
        Fact { label: lang.t(Msg::EwRunRequestedBy), value: dto.requested_by.clone() },
        Fact { label: lang.t(Msg::EwColPeriod), value: window(lang, &dto.period_start, &dto.period_end) },
        Fact { label: lang.t(Msg::EwRunStarted), value: wib(dto.started_at_ms) },
        Fact { label: lang.t(Msg::EwRunFinished), value: wib(dto.finished_at_ms) },
        Fact { label: lang.t(Msg::EwRunCasesUsed), value: lang.number(dto.cases_used) },
        Fact { label: lang.t(Msg::EwRunCasesLeftOut), value: lang.number(dto.cases_left_out) },
    ];
    let any_significant = clusters.iter().any(|c| c.significant);
    Ok(RunPage {
        title: lang.format(Msg::EwRunTitle, &[("id", &dto.id), ("regency", &regency_text)]),
        id: dto.id,
        status: dto.status.clone(),
        facts,
        params,
        message: dto.message.clone(),
        clusters: rows,
        scanned: dto.status == "done",
        gone: effect
            .as_ref()
            .map(|e| {
                e.gone
                    .iter()
                    .map(|&a| GoneAlert {
                        id: a,
                        href: format!("/early-warning/alerts/{a}"),
                        label: lang.format(Msg::EwAlertTitle, &[("id", &a)]),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        no_links: effect.is_none() && any_significant,
        chrome,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_numbers_are_read_or_named() {
        assert_eq!(whole_number(""), Ok(None));
        assert_eq!(whole_number("30"), Ok(Some(30)));
        assert_eq!(whole_number("99999999999"), Ok(Some(u32::MAX)), "out of range, for the API to name");
        assert_eq!(whole_number("-3"), Err(Problem::Negative("-3".into())));
        assert_eq!(whole_number("tiga"), Err(Problem::NotNumber("tiga".into())));
        assert_eq!(whole_number("-"), Err(Problem::NotNumber("-".into())));
        assert_eq!(whole_number("1.5"), Err(Problem::NotNumber("1.5".into())));
    }

    #[test]
    fn p_values_keep_their_scale() {
        assert_eq!(p_text(Lang::Id, 0.001), "0,001");
        assert_eq!(p_text(Lang::En, 0.25), "0.250");
        assert_eq!(p_text(Lang::En, 0.000_012), "1.2e-5");
        assert_eq!(p_text(Lang::Id, 0.000_012), "1,2e-5");
        assert_eq!(p_text(Lang::En, f64::NAN), "–");
    }
}
