//! The incident desk's pages (docs/incidents.md, "Views"): the report list with its filters, map and downloads;
//! a report's page with its routes, history and comments, and the forms that move it and comment on it; an
//! agency's queue; the escalation panel.
//!
//! The pages hold no rules of their own. Reading, moving, commenting, sharing and deciding on duplicates go through
//! the incident service (`incident::service`), as the API's do, so that a page and an API client are checked and
//! answered alike; what a page shows of a report is built by the same view builders as the API's answer
//! (`ReportDto`, `detail`, `escalation_panel` in `api/reports.rs`). The filters and the places of reports come from
//! the export (`api/export.rs`), which the list links to and whose GeoJSON the map draws.

pub(crate) mod field;
mod queue;
mod report;
pub(crate) mod rules;

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use sinergi_domain::access::{Action, Viewer};
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::import::Problem;
use sinergi_domain::incident::{Severity, Status, TransitionError};
use sinergi_domain::trust::auth::Scope;
use sinergi_domain::{AgencyKind, Level, RegionCode};
use sinergi_store::{Page, RegionInfo, ReportFilter, StoreError};

use crate::AppState;
use crate::error::{ApiError, Code};
use crate::incident::service::{self, Actor, DeskError, MoveFields};
use crate::incident::views::{self, OverdueDto, ReportDto, severity_label};
use crate::incident::views::{FilterText, places, villages};
use crate::lang::PageLang;
use crate::pages::{
    CheckedForm, Chrome, PageError, PageRequest, agency_label, internal, page_error, percent_encode, when,
};
use crate::registry::pages::region_href;
use crate::trust::auth::{self, CurrentUser, Origin};
use queue::{escalations, queue};
use report::{comment_submit, duplicate_submit, move_submit, report, share_submit};

/// Reports listed per page of the list.
const PER_PAGE: u32 = 50;

/// Open reports listed on a queue's page at most; the list page (filtered by the agency) has them all.
const QUEUE_LISTED: u32 = 200;

/// An option of a `<select>`.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Opt {
    fn new(value: impl Into<String>, label: impl Into<String>, chosen: &str) -> Opt {
        let value = value.into();
        let selected = !chosen.is_empty() && value == chosen;
        Opt { value, label: label.into(), selected }
    }
}

/// A report in a table.
pub struct ReportRow {
    pub id: i64,
    pub reference: String,
    pub kind: &'static str,
    pub category: String,
    pub severity: u8,
    pub severity_label: &'static str,
    pub status: String,
    pub status_label: String,
    pub village: String,
    pub occurred: String,
    pub overdue: Option<String>,
}

fn kind_label(lang: Lang, kind: &str) -> &'static str {
    lang.t(if kind == "intelligence" { Msg::KindIntelligence } else { Msg::KindIncident })
}

fn status_label(lang: Lang, status: &str) -> String {
    Status::parse(status).map_or_else(|| status.to_owned(), |s| s.label(lang).to_owned())
}

/// A move of the workflow (or the filing, `create`) in words.
fn move_label(lang: Lang, action: &str) -> String {
    let msg = match action {
        "create" => Msg::MoveCreate,
        "verify" => Msg::MoveVerify,
        "reject" => Msg::MoveReject,
        "assign" => Msg::MoveAssign,
        "start" => Msg::MoveStart,
        "resolve" => Msg::MoveResolve,
        "close" => Msg::MoveClose,
        "reopen" => Msg::MoveReopen,
        "escalate_verify" => Msg::MoveEscalateVerify,
        "escalate_act" => Msg::MoveEscalateAct,
        other => {
            // Shares name their agency: `share:kpu`, `revoke:kpu`.
            return match other.split_once(':') {
                Some(("share", agency)) => lang.format(Msg::MoveShare, &[("agency", &agency_label(lang, agency))]),
                Some(("revoke", agency)) => lang.format(Msg::MoveRevoke, &[("agency", &agency_label(lang, agency))]),
                _ => other.to_owned(),
            };
        }
    };
    lang.t(msg).to_owned()
}

/// The kinds of rejection, as the workflow names them, with their words.
const REJECT_KINDS: [(&str, Msg); 4] = [
    ("hoax", Msg::RejectHoax),
    ("duplicate", Msg::RejectDuplicate),
    ("not_election", Msg::RejectNotElection),
    ("other", Msg::RejectOther),
];

fn reject_label(lang: Lang, kind: &str) -> String {
    REJECT_KINDS.iter().find(|(k, _)| *k == kind).map_or_else(|| kind.to_owned(), |(_, m)| lang.t(*m).to_owned())
}

fn overdue_text(lang: Lang, o: &OverdueDto) -> String {
    let limit = lang.t(if o.stage == "act" { Msg::OverdueAct } else { Msg::OverdueVerify });
    lang.format(Msg::OverdueFlag, &[("limit", &limit), ("steps", &o.steps)])
}

fn row(dto: &ReportDto, village: Option<&str>, lang: Lang) -> ReportRow {
    ReportRow {
        id: dto.id,
        reference: dto.reference.clone(),
        kind: kind_label(lang, &dto.kind),
        category: dto.category_label.clone(),
        severity: dto.severity,
        severity_label: severity_label(lang, dto.severity),
        status: dto.status.clone(),
        status_label: dto.status_label.clone(),
        village: village.map_or_else(|| dto.village_code.clone(), str::to_owned),
        occurred: when(lang, dto.occurred_at_ms),
        overdue: dto.overdue.as_ref().map(|o| overdue_text(lang, o)),
    }
}

/// The rows of these reports, with their villages' names.
async fn rows(state: &AppState, viewer: &Viewer, dtos: &[ReportDto], lang: Lang) -> Result<Vec<ReportRow>, StoreError> {
    let codes: HashSet<RegionCode> = dtos.iter().filter_map(|d| RegionCode::parse(&d.village_code).ok()).collect();
    let names = villages(state, viewer, &codes).await?;
    Ok(dtos
        .iter()
        .map(|d| {
            let name = RegionCode::parse(&d.village_code).ok().and_then(|c| names.get(&c)).map(|(n, _)| n.as_str());
            row(d, name, lang)
        })
        .collect())
}

/// The "not found" page of a path that names no report id (`/incidents/abc`).
fn no_such_report(chrome: &Chrome, text: &str) -> PageError {
    let shown: String = text.chars().take(40).collect();
    PageError::NotFound(chrome.clone(), chrome.lang.format(Msg::ErrReportNotFound, &[("id", &shown)]))
}

fn severity_options(lang: Lang, chosen: &str) -> Vec<Opt> {
    Severity::ALL
        .iter()
        .map(|s| Opt::new(s.number().to_string(), format!("{} – {}", s.number(), s.label(lang)), chosen))
        .collect()
}

fn agency_options(lang: Lang, chosen: &str) -> Vec<Opt> {
    AgencyKind::ALL.iter().map(|a| Opt::new(a.as_str(), a.name(lang), chosen)).collect()
}

/// The areas to filter by: the user's territory and the regions below it down to districts (a district's own
/// villages when the territory is a district); for national users, the regencies with a map and their districts.
/// A chosen code not among them (typed into the address) is kept, so the form shows what is in force.
async fn area_options(state: &AppState, viewer: &Viewer, chosen: &str) -> Result<Vec<Opt>, StoreError> {
    let roots: Vec<RegionInfo> = match &viewer.scope {
        Scope::Region(code) => state.store.region(viewer, code).await?.into_iter().collect(),
        Scope::National => state.store.mapped_regencies(viewer).await?,
    };
    let option = |r: &RegionInfo, depth: usize| {
        Opt::new(r.code.as_str(), format!("{}{} ({})", "— ".repeat(depth), r.name, r.code), chosen)
    };
    let mut out = Vec::new();
    for root in &roots {
        out.push(option(root, 0));
        if root.level == Level::Village {
            continue;
        }
        for child in state.store.children(viewer, Some(&root.code)).await? {
            out.push(option(&child, 1));
            if child.level < Level::District {
                for grandchild in state.store.children(viewer, Some(&child.code)).await? {
                    out.push(option(&grandchild, 2));
                }
            }
        }
    }
    if !chosen.is_empty() && !out.iter().any(|o| o.selected) {
        out.push(Opt { value: chosen.to_owned(), label: chosen.to_owned(), selected: true });
    }
    Ok(out)
}

/// The regency or district whose boundaries frame the map: the area filtered by, else the user's territory (a
/// village's district); none for a province or the nation.
fn frame(filter: Option<&ReportFilter>, viewer: &Viewer) -> Option<RegionCode> {
    let code = filter.and_then(|f| f.within.clone()).or_else(|| match &viewer.scope {
        Scope::Region(code) => Some(code.clone()),
        Scope::National => None,
    })?;
    match code.level() {
        Level::Regency | Level::District => Some(code),
        Level::Village => code.parent(),
        Level::Province => None,
    }
}

/// The filters of the list (and its map) from the query; empty fields count as not given.
fn filter_text(params: &HashMap<String, String>) -> FilterText {
    let param = |name: &str| params.get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    FilterText {
        region: param("region"),
        status: param("status"),
        category: param("category"),
        severity: param("severity"),
        agency: param("agency"),
        routed_to: param("routed_to"),
        from: param("from"),
        to: param("to"),
        open: param("open").is_some_and(|v| v != "false"),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "incident/incidents.html")]
pub struct IncidentsPage {
    pub chrome: Chrome,
    pub title: String,
    pub categories: Vec<Opt>,
    pub statuses: Vec<Opt>,
    pub severities: Vec<Opt>,
    pub agencies: Vec<Opt>,
    pub routed: Vec<Opt>,
    pub areas: Vec<Opt>,
    pub from: String,
    pub to: String,
    pub open: bool,
    pub error: Option<String>,
    pub rows: Vec<ReportRow>,
    pub summary: String,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub export_csv: String,
    pub export_geojson: String,
    pub map_url: Option<String>,
    pub frame_url: String,
    pub tiles: String,
    pub tiles_attribution: String,
    pub labels_json: String,
}

/// The list of reports: filters, a page of rows, the map of every matching report, and the downloads.
pub async fn list(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "incidents", Some(&current)).await;
    if !current.viewer.reads_reports() {
        return Err(PageError::Forbidden(chrome));
    }
    let params: HashMap<String, String> = params.into_iter().collect();
    let text = filter_text(&params);
    let number = params.get("page").and_then(|p| p.trim().parse::<u32>().ok()).unwrap_or(1).clamp(1, 1_000_000);
    let viewer = &current.viewer;
    let (filter, error) = match text.filter() {
        Ok(filter) => (Some(filter), None),
        Err(e) => (None, Some(e.body(lang).message)),
    };
    let (rows, total) = match &filter {
        Some(filter) => {
            let (records, total) =
                state.store.reports(viewer, filter, Page::new(number, PER_PAGE)).await.map_err(internal(&chrome))?;
            let dtos: Vec<ReportDto> = records.into_iter().map(|r| ReportDto::new(r, &state, lang)).collect();
            (rows(&state, viewer, &dtos, lang).await.map_err(internal(&chrome))?, total)
        }
        None => (Vec::new(), 0),
    };
    let pages = total.div_ceil(u64::from(PER_PAGE)).max(1);
    let query = text.query();
    let href = |n: u64| format!("/incidents?{query}{}page={n}", if query.is_empty() { "" } else { "&" });
    let chosen = |v: &Option<String>| v.clone().unwrap_or_default();
    let taxonomy = &state.desk.taxonomy();
    let areas = area_options(&state, viewer, &chosen(&text.region)).await.map_err(internal(&chrome))?;
    let and = if query.is_empty() { "" } else { "&" };
    let export = |format: &str| format!("/api/v1/reports/export?format={format}{and}{query}&lang={}", lang.code());
    let labels = serde_json::json!({
        "severity": chrome.t(Msg::ColSeverity),
        "status": chrome.t(Msg::ColStatus),
        "occurred": chrome.t(Msg::ColOccurredAt),
        "open": chrome.t(Msg::OpenReport),
        "load_failed": chrome.t(Msg::MapLoadFailed),
        "summary": chrome.t(Msg::IncidentsMapSummary),
        "capped": chrome.t(Msg::IncidentsMapCapped),
    });
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let page = IncidentsPage {
        title: chrome.t(Msg::IncidentsTitle).to_owned(),
        categories: taxonomy
            .categories
            .iter()
            .map(|c| Opt::new(c.id.as_str(), c.label.get(lang), &chosen(&text.category)))
            .collect(),
        statuses: Status::ALL.iter().map(|s| Opt::new(s.as_str(), s.label(lang), &chosen(&text.status))).collect(),
        severities: severity_options(lang, &chosen(&text.severity)),
        agencies: agency_options(lang, &chosen(&text.agency)),
        routed: agency_options(lang, &chosen(&text.routed_to)),
        areas,
        from: chosen(&text.from),
        to: chosen(&text.to),
        open: text.open,
        summary: lang.format(
            Msg::IncidentsPageOf,
            &[
                ("page", &lang.number(u64::from(number))),
                ("pages", &lang.number(pages)),
                ("total", &lang.number(total)),
            ],
        ),
        previous: (number > 1 && error.is_none()).then(|| href(u64::from(number) - 1)),
        next: (u64::from(number) < pages && error.is_none()).then(|| href(u64::from(number) + 1)),
        export_csv: export("csv"),
        export_geojson: export("geojson"),
        map_url: error.is_none().then(|| format!("/incidents/map.geojson?{query}{and}lang={}", lang.code())),
        frame_url: frame(filter.as_ref(), viewer).map(|c| format!("/api/v1/regions/{c}/map")).unwrap_or_default(),
        tiles: state.config.tile_url.clone().unwrap_or_default(),
        tiles_attribution: state.config.tile_attribution.clone().unwrap_or_default(),
        // JSON inside <script type="application/json">: escape `<` so no text can close the element.
        labels_json: labels.to_string().replace('<', "\\u003c"),
        error,
        rows,
        chrome,
    };
    Ok((status, page).into_response())
}

/// Markers drawn on the list's map at most: the newest reports; the map says when there are more.
const MAP_MAX: u64 = 5000;

/// The list's map: the newest matching reports (at most [`MAP_MAX`]) as GeoJSON points with what a marker's popup
/// shows, no more (the description and the source stay on the report's page and in the export), and `total` and
/// `shown` beside the features. Fetched by the page's script, so refusals are JSON errors.
pub async fn map_data(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(current): Extension<CurrentUser>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let refuse = |e: ApiError| (e.status(), axum::Json(e.body(lang))).into_response();
    if let Err(e) = current.require_report_reader() {
        return refuse(e);
    }
    let params: HashMap<String, String> = params.into_iter().collect();
    let filter = match filter_text(&params).filter() {
        Ok(filter) => filter,
        Err(e) => return refuse(e),
    };
    let viewer = &current.viewer;
    let mut records = Vec::new();
    let mut seen = HashSet::new();
    let mut total = 0;
    for number in 1.. {
        let page = Page::new(number, Page::MAX_SIZE);
        let (items, all) = match state.store.reports(viewer, &filter, page).await {
            Ok(answer) => answer,
            Err(e) => return refuse(e.into()),
        };
        total = all;
        let last = items.len() < page.size as usize;
        // A report filed meanwhile can shift a page by one; its id keeps it from being drawn twice.
        records.extend(items.into_iter().filter(|r| seen.insert(r.id)));
        if last || records.len() as u64 >= total.min(MAP_MAX) {
            break;
        }
    }
    records.truncate(MAP_MAX as usize);
    let places = match places(&state, viewer, &records).await {
        Ok(places) => places,
        Err(e) => return refuse(e.into()),
    };
    let features: Vec<serde_json::Value> = records
        .into_iter()
        .map(|r| {
            let place = places.get(&r.id);
            let dto = ReportDto::new(r, &state, lang);
            let point = place.and_then(|p| p.point);
            serde_json::json!({
                "type": "Feature",
                "geometry": point.map(|l| serde_json::json!({"type": "Point", "coordinates": [l.lng, l.lat]})),
                "properties": {
                    "id": dto.id,
                    "reference": dto.reference,
                    "category_label": dto.category_label,
                    "severity": dto.severity,
                    "severity_label": severity_label(lang, dto.severity),
                    "status_label": dto.status_label,
                    "village_name": place.map_or(dto.village_code.as_str(), |p| p.village_name.as_str()),
                    "occurred_at_wib": crate::pages::wib(dto.occurred_at_ms),
                    // What the popup shows, in the page's language.
                    "occurred": when(lang, dto.occurred_at_ms),
                    "overdue": dto.overdue.is_some(),
                },
            })
        })
        .collect();
    let shown = features.len();
    let body = serde_json::json!({"type": "FeatureCollection", "total": total, "shown": shown, "features": features});
    ([(axum::http::header::CONTENT_TYPE, "application/geo+json")], body.to_string()).into_response()
}

/// Registers the incident desk's pages.
pub(crate) fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/field", get(field::form).post(field::submit))
        .route("/field/mine", get(field::mine))
        .route("/field/places", get(field::places_json))
        .route("/incidents", get(list))
        .route("/incidents/queue", get(queue))
        .route("/incidents/map.geojson", get(map_data))
        .route("/incidents/escalations", get(escalations))
        .route("/incidents/rules", get(rules::page).post(rules::submit))
        .route("/incidents/{id}", get(report))
        .route("/incidents/{id}/move", post(move_submit))
        .route("/incidents/{id}/comment", post(comment_submit))
        .route("/incidents/{id}/share", post(share_submit))
        .route("/incidents/{id}/duplicate", post(duplicate_submit))
}
