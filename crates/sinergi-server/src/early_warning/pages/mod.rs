//! The early warning pages (docs/scan.md, "On the live reports"): the alerts the user may see, with their
//! plain-language explanation, numbers, units and history; an alert's page with its villages and its history
//! across runs; the recent runs; a run's page with its parameters and clusters; and the form that runs a regency's
//! scan now.
//!
//! The pages hold no rules of their own. Alerts and runs are read through the early warning's service
//! (`early_warning::{alerts, alert, runs, run}`), as the API's are, and shown through the same view builders
//! (`alert_dto`, `run_dto` in `api.rs`), so a page shows exactly what the API answers the same user. The run form is
//! checked by the same `checked_run` as `POST /api/v1/scans` and run by the same `run_scan`.
//!
//! The history of an alert and the effect of a run are rebuilt by `early_warning::history`.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use sinergi_domain::access::{Action, Viewer};
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::import::Problem;
use sinergi_domain::trust::auth::Scope;
use sinergi_domain::{Level, RegionCode};
use sinergi_store::{Page, RegionInfo, StoreError};

mod alert;
mod run;

use crate::AppState;
use crate::early_warning::AlertState;
use crate::early_warning::history::{clusters_of, replay};
use crate::early_warning::run_scan;
use crate::early_warning::views::{self, AlertDto, ScanInput, ScanRunDto, checked_run};
use crate::lang::PageLang;
use crate::pages::{
    CheckedForm, Chrome, PageError, PageRequest, agency_label, day_text, internal, page_error, percent_encode, when,
};
use crate::trust::auth::CurrentUser;
use alert::alert;
use run::run;

/// Alerts listed per page.
const PER_PAGE: u32 = 20;
/// Runs listed on the early warning page.
const RUNS_LISTED: u32 = 20;

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
#[template(path = "early_warning/early_warning.html")]
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

fn role_label(lang: Lang, role: &str) -> String {
    lang.t(if role == "responsible" { Msg::RouteResponsible } else { Msg::RouteInformed }).to_owned()
}

fn window(lang: Lang, start: &str, end: &str) -> String {
    lang.format(Msg::EwWindowDays, &[("start", &day_text(lang, start)), ("end", &day_text(lang, end))])
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

fn route_lines(lang: Lang, dto: &AlertDto) -> Vec<RouteLine> {
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
        first_seen: when(lang, dto.first_seen_ms),
        last_seen: when(lang, dto.last_seen_ms),
        gone_at: dto.gone_at_ms.map(|ms| when(lang, ms)),
        routes: route_lines(lang, dto),
        map_href: (dto.status == "active").then(|| map_code(viewer, dto).map(|c| format!("/map/{c}"))).flatten(),
    }
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
        finished: when(lang, run.finished_at_ms),
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
                match views::alert_dto(state, record, lang, &mut names).await {
                    Ok(dto) => alerts.push(dto),
                    Err(e) => return Err(page_error(chrome, e)),
                }
            }
            (alerts, total, None)
        }
        Err(message) => (Vec::new(), 0, Some(message)),
    };
    let runs = match crate::early_warning::runs(&*state.store, viewer, None, Page::new(1, RUNS_LISTED)).await {
        Ok((records, _)) => records.into_iter().map(|r| views::run_dto(r, lang)).collect::<Vec<_>>(),
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
pub async fn run_submit(request: PageRequest, CheckedForm(fields): CheckedForm) -> Result<Response, PageError> {
    let PageRequest { state, lang, uri, current, origin } = request;
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

/// A line of facts.
pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

/// Registers the early warning's pages.
pub(crate) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/early-warning", get(list))
        .route("/early-warning/run", post(run_submit))
        .route("/early-warning/alerts/{id}", get(alert))
        .route("/early-warning/runs/{id}", get(run))
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
