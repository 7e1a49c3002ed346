//! The incident desk's pages (docs/incidents.md, "Views"): the report list with its filters, map and downloads;
//! a report's page with its routes, history and comments, and the forms that move it and comment on it; an
//! agency's queue; the escalation panel.
//!
//! The pages hold no rules of their own. Reading, moving and commenting go through the API's handlers
//! (`api/reports.rs`), called as functions, so that a page and an API client are checked and answered alike; the
//! filters and the places of reports come from the export (`api/report_export.rs`), which the list links to and
//! whose GeoJSON the map draws.

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

use super::{CheckedForm, Chrome, PageError, internal, percent_encode, region_href, wib};
use crate::AppState;
use crate::api::report_export::{FilterText, places, villages};
use crate::api::reports::{self, OverdueDto, ReportDto};
use crate::auth::{self, CurrentUser, Origin};
use crate::error::{ApiError, Code};
use crate::incident::service::{self, Actor, DeskError, MoveFields};
use crate::lang::PageLang;

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

fn severity_label(lang: Lang, severity: u8) -> &'static str {
    Severity::from_number(i64::from(severity)).map_or("", |s| s.label(lang))
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

fn agency_label(lang: Lang, agency: &str) -> String {
    AgencyKind::parse(agency).map_or_else(|| agency.to_owned(), |a| a.name(lang).to_owned())
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
        occurred: wib(dto.occurred_at_ms),
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
#[template(path = "incidents.html")]
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
                    "occurred_at_wib": wib(dto.occurred_at_ms),
                    "overdue": dto.overdue.is_some(),
                },
            })
        })
        .collect();
    let shown = features.len();
    let body = serde_json::json!({"type": "FeatureCollection", "total": total, "shown": shown, "features": features});
    ([(axum::http::header::CONTENT_TYPE, "application/geo+json")], body.to_string()).into_response()
}

/// A line of the report's facts.
pub struct Fact {
    pub label: &'static str,
    pub value: String,
    pub href: Option<String>,
}

pub struct RouteRow {
    pub unit: String,
    pub code: String,
    pub agency: String,
    pub role: String,
}

pub struct HistoryRow {
    pub when: String,
    pub who: String,
    pub action: String,
    pub from_to: String,
    pub reject: String,
    pub reason: String,
}

pub struct CommentRow {
    pub when: String,
    pub author: String,
    pub agency: String,
    pub body: String,
}

pub struct ShareRow {
    pub agency: String,
    pub agency_code: String,
    pub when: String,
    pub by: String,
    pub reason: String,
    /// `Some` once revoked: when, by whom, why.
    pub revoked: Option<String>,
}

pub struct DuplicateRow {
    pub other_id: i64,
    pub other_reference: String,
    pub distance: String,
    pub gap: String,
    pub status: String,
    pub probable: bool,
}

/// The share form as typed, with why a share or a revocation was refused.
#[derive(Default)]
pub struct ShareForm {
    pub agency: String,
    pub reason: String,
    pub error: Option<String>,
}

/// The move form as typed, with why it was refused.
#[derive(Default)]
pub struct MoveForm {
    pub action: String,
    pub reject_reason: String,
    pub reason: String,
    pub error: Option<String>,
}

/// The comment form as typed, with why it was refused.
#[derive(Default)]
pub struct CommentForm {
    pub body: String,
    pub error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "incident.html")]
pub struct IncidentPage {
    pub chrome: Chrome,
    pub title: String,
    pub id: i64,
    pub notice: Option<String>,
    pub overdue: Option<String>,
    pub facts: Vec<Fact>,
    pub description: String,
    pub routes: Vec<RouteRow>,
    pub history: Vec<HistoryRow>,
    pub comments: Vec<CommentRow>,
    pub moves: Vec<Opt>,
    pub reject_kinds: Vec<Opt>,
    pub can_move: bool,
    /// The user moves reports, but none is possible from this status.
    pub no_moves: bool,
    pub move_form: MoveForm,
    pub can_comment: bool,
    pub comment_form: CommentForm,
    pub shares: Vec<ShareRow>,
    /// The user's agency owns the report (or the user administers): they share and revoke.
    pub can_share: bool,
    pub share_agencies: Vec<Opt>,
    pub share_form: ShareForm,
    pub duplicates: Vec<DuplicateRow>,
    pub can_decide: bool,
    pub duplicate_error: Option<String>,
}

/// What a report's page shows besides the report: its forms as typed, and what was just saved (`move`,
/// `comment`).
#[derive(Default)]
struct Forms {
    moving: MoveForm,
    comment: CommentForm,
    share: ShareForm,
    duplicate_error: Option<String>,
    saved: Option<String>,
}

/// The report's page, read through the API's handler (so a restricted report's reading is audited the same way),
/// with the forms as given.
async fn render(
    state: &AppState,
    chrome: Chrome,
    current: &CurrentUser,
    origin: &Origin,
    id: i64,
    forms: Forms,
) -> Result<IncidentPage, PageError> {
    let lang = chrome.lang;
    let Forms { moving: move_form, comment: comment_form, share: share_form, duplicate_error, saved } = forms;
    let record = match service::read_report(state, &Actor::of(current), &origin.0, id).await {
        Ok(record) => record,
        Err(e) => return Err(page_error(chrome, e.to_api(lang))),
    };
    let detail = match reports::detail(state, current, record, lang).await {
        Ok(detail) => detail,
        Err(e) => return Err(page_error(chrome, e)),
    };
    let r = &detail.report;
    let viewer = &current.viewer;
    let village = match RegionCode::parse(&r.village_code) {
        Ok(code) => state.store.region(viewer, &code).await.map_err(internal(&chrome))?,
        Err(_) => None,
    };
    let tps = match r.tps_id {
        Some(tps_id) => state.store.tps(viewer, tps_id).await.map_err(internal(&chrome))?,
        None => None,
    };
    let mut facts = vec![
        Fact { label: lang.t(Msg::FieldKind), value: kind_label(lang, &r.kind).to_owned(), href: None },
        Fact { label: lang.t(Msg::ColCategory), value: format!("{} ({})", r.category_label, r.category), href: None },
        Fact {
            label: lang.t(Msg::ColSeverity),
            value: format!("{} – {}", r.severity, severity_label(lang, r.severity)),
            href: None,
        },
        Fact { label: lang.t(Msg::ColStatus), value: r.status_label.clone(), href: None },
        Fact { label: lang.t(Msg::ColOccurredAt), value: wib(r.occurred_at_ms), href: None },
        Fact { label: lang.t(Msg::FieldReportedAt), value: wib(r.reported_at_ms), href: None },
        Fact { label: lang.t(Msg::FieldUpdatedAt), value: wib(r.updated_at_ms), href: None },
        Fact {
            label: lang.t(Msg::LevelVillage),
            value: village.as_ref().map_or_else(|| r.village_code.clone(), |v| format!("{} ({})", v.name, v.code)),
            href: village.as_ref().map(|v| region_href(&v.code)),
        },
    ];
    if let Some(t) = &tps {
        facts.push(Fact { label: "TPS", value: t.tps.label(), href: Some(format!("/tps/{}", t.id)) });
    }
    facts.extend([
        Fact {
            label: lang.t(Msg::FieldLocation),
            value: r
                .location
                .as_ref()
                .map_or_else(|| lang.t(Msg::FieldVillageCentre).to_owned(), |l| format!("{:.5}, {:.5}", l.lat, l.lng)),
            href: None,
        },
        Fact { label: lang.t(Msg::ColSourceAgency), value: agency_label(lang, &r.source_agency), href: None },
        Fact { label: lang.t(Msg::FieldSourcePerson), value: r.source_person.clone(), href: None },
        Fact { label: lang.t(Msg::FieldChannel), value: r.channel.clone(), href: None },
        Fact { label: lang.t(Msg::FieldClassification), value: r.classification.clone(), href: None },
    ]);
    let notice = match saved.as_deref() {
        Some("move") => Some(lang.format(Msg::MoveSaved, &[("status", &r.status_label)])),
        Some("comment") => Some(lang.t(Msg::CommentSaved).to_owned()),
        Some("share") => Some(lang.t(Msg::ShareSaved).to_owned()),
        Some("duplicate") => Some(lang.t(Msg::DuplicateSaved).to_owned()),
        _ => None,
    };
    let owner =
        viewer.role == sinergi_domain::trust::auth::Role::Administrator || viewer.agency.as_str() == r.source_agency;
    let can_share = owner && (viewer.may(Action::FileReports) || viewer.may(Action::HandleReports));
    let share_agencies = AgencyKind::ALL
        .iter()
        .filter(|a| a.as_str() != r.source_agency)
        .map(|a| Opt::new(a.as_str(), a.name(lang), &share_form.agency))
        .collect();
    let shares = detail
        .shares
        .iter()
        .map(|sh| ShareRow {
            agency: agency_label(lang, &sh.agency),
            agency_code: sh.agency.clone(),
            when: wib(sh.shared_at_ms),
            by: sh.shared_by.clone(),
            reason: sh.reason.clone(),
            revoked: sh.revoked_at_ms.map(|at| {
                lang.format(
                    Msg::ShareRevokedNote,
                    &[
                        ("when", &wib(at)),
                        ("by", &sh.revoked_by.clone().unwrap_or_default()),
                        ("reason", &sh.revoke_reason.clone().unwrap_or_default()),
                    ],
                )
            }),
        })
        .collect();
    let duplicates = detail
        .duplicates
        .iter()
        .map(|d| DuplicateRow {
            other_id: d.other_id,
            other_reference: d.other_reference.clone(),
            distance: format!("{} m", lang.number(d.distance_m.round() as u64)),
            gap: lang.format(Msg::DuplicateGap, &[("minutes", &d.gap_minutes)]),
            status: lang
                .t(match d.status.as_str() {
                    "confirmed" => Msg::DuplicateConfirmed,
                    "dismissed" => Msg::DuplicateDismissed,
                    _ => Msg::DuplicateProbable,
                })
                .to_owned(),
            probable: d.status == "probable",
        })
        .collect();
    let overdue = r.overdue.as_ref().map(|o| format!("{} ({})", overdue_text(lang, o), wib(o.due_at_ms)));
    let can_move = viewer.may(Action::HandleReports) && !detail.moves.is_empty();
    let can_comment = viewer.may(Action::FileReports) || viewer.may(Action::HandleReports);
    Ok(IncidentPage {
        title: format!("{} · {}", r.reference, r.category_label),
        id,
        notice,
        overdue,
        facts,
        description: r.description.clone(),
        routes: detail
            .routes
            .iter()
            .map(|route| RouteRow {
                unit: route.unit_name.clone(),
                code: route.unit_code.clone(),
                agency: agency_label(lang, &route.agency),
                role: lang
                    .t(if route.role == "responsible" { Msg::RouteResponsible } else { Msg::RouteInformed })
                    .to_owned(),
            })
            .collect(),
        history: detail
            .history
            .iter()
            .map(|h| HistoryRow {
                when: wib(h.at_ms),
                who: h.actor.clone(),
                action: move_label(lang, &h.action),
                from_to: match &h.from_status {
                    Some(from) => format!("{} → {}", status_label(lang, from), status_label(lang, &h.to_status)),
                    None => format!("→ {}", status_label(lang, &h.to_status)),
                },
                reject: h.reject_reason.as_deref().map(|k| reject_label(lang, k)).unwrap_or_default(),
                reason: h.reason.clone(),
            })
            .collect(),
        comments: detail
            .comments
            .iter()
            .map(|c| CommentRow {
                when: wib(c.at_ms),
                author: c.author.clone(),
                agency: agency_label(lang, &c.agency),
                body: c.body.clone(),
            })
            .collect(),
        moves: detail.moves.iter().map(|m| Opt::new(m.as_str(), move_label(lang, m), &move_form.action)).collect(),
        reject_kinds: REJECT_KINDS.iter().map(|(k, m)| Opt::new(*k, lang.t(*m), &move_form.reject_reason)).collect(),
        can_move,
        no_moves: viewer.may(Action::HandleReports) && detail.moves.is_empty(),
        move_form,
        can_comment,
        comment_form,
        shares,
        can_share,
        share_agencies,
        share_form,
        duplicates,
        can_decide: viewer.may(Action::HandleReports),
        duplicate_error,
        chrome,
    })
}

/// A report's page.
#[allow(clippy::too_many_arguments)] // one per axum extractor
pub async fn report(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Extension(origin): Extension<Origin>,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<IncidentPage, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "incidents", Some(&current)).await;
    let Ok(id) = id.parse::<i64>() else { return Err(no_such_report(&chrome, &id)) };
    let saved = params.into_iter().rev().find(|(k, _)| k == "saved").map(|(_, v)| v);
    render(&state, chrome, &current, &origin, id, Forms { saved, ..Forms::default() }).await
}

/// Why the desk refused a form, each faulty field named by its label on the page; `missing` names the fields left
/// empty when the refusal was for a missing reason.
fn refusal(e: &ApiError, lang: Lang, missing: &[Msg]) -> String {
    let body = e.body(lang);
    let named = |field: &str| -> String {
        match field {
            "action" => lang.t(Msg::MoveAction).to_owned(),
            "reject_reason" => lang.t(Msg::FieldRejectKind).to_owned(),
            "reason" => lang.t(Msg::ColReason).to_owned(),
            "body" => lang.t(Msg::IncidentComments).to_owned(),
            other => other.to_owned(),
        }
    };
    if !body.fields.is_empty() {
        return body
            .fields
            .iter()
            .map(|f| format!("{}: {}", named(&f.field), f.message))
            .collect::<Vec<_>>()
            .join("; ");
    }
    if !missing.is_empty() {
        let empty = Problem::Empty.message(lang);
        return missing.iter().map(|m| format!("{}: {empty}", lang.t(*m))).collect::<Vec<_>>().join("; ");
    }
    body.message
}

/// Refusals a form shows beside itself; anything else (not found, no right, a failure) is a page of its own.
fn shown_on_form(e: &ApiError) -> bool {
    e.status().is_client_error() && e.status() != StatusCode::NOT_FOUND && e.code() != Code::Forbidden
}

/// Moves a report from its page's form, through the incident service; a refusal is shown on the page with the form
/// as typed.
#[allow(clippy::too_many_arguments)] // one per axum extractor
pub async fn move_submit(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Extension(origin): Extension<Origin>,
    Path(id): Path<String>,
    CheckedForm(fields): CheckedForm,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "incidents", Some(&current)).await;
    let Ok(id) = id.parse::<i64>() else { return Err(no_such_report(&chrome, &id)) };
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let form = MoveForm {
        action: field("action"),
        reject_reason: field("reject_reason"),
        reason: field("reason"),
        error: None,
    };
    let input = MoveFields {
        action: form.action.clone(),
        reason: form.reason.clone(),
        reject_reason: Some(form.reject_reason.trim().to_owned()).filter(|k| !k.is_empty()),
    };
    let moved = service::move_report(&state, &Actor::of(&current), id, &input).await;
    let reason_missing = matches!(moved, Err(DeskError::Workflow(TransitionError::ReasonRequired)));
    match moved.map_err(|e| e.to_api(lang)) {
        Ok(_) => Ok(Redirect::to(&format!("/incidents/{id}?saved=move")).into_response()),
        Err(e) if shown_on_form(&e) => {
            let mut missing = Vec::new();
            if reason_missing && form.action.trim() == "reject" && form.reject_reason.trim().is_empty() {
                missing.push(Msg::FieldRejectKind);
            }
            if reason_missing && form.reason.trim().is_empty() {
                missing.push(Msg::ColReason);
            }
            let detail = refusal(&e, lang, &missing);
            let form = MoveForm { error: Some(lang.format(Msg::MoveRefused, &[("detail", &detail)])), ..form };
            let page =
                render(&state, chrome, &current, &origin, id, Forms { moving: form, ..Forms::default() }).await?;
            Ok((e.status(), page).into_response())
        }
        Err(e) => Err(page_error(chrome, e)),
    }
}

/// Adds a comment from a report's page, through the incident service; a refusal is shown with the text as typed.
#[allow(clippy::too_many_arguments)] // one per axum extractor
pub async fn comment_submit(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Extension(origin): Extension<Origin>,
    Path(id): Path<String>,
    CheckedForm(fields): CheckedForm,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "incidents", Some(&current)).await;
    let Ok(id) = id.parse::<i64>() else { return Err(no_such_report(&chrome, &id)) };
    let body = fields.get("body").cloned().unwrap_or_default();
    match service::comment(&state, &Actor::of(&current), id, &body).await.map_err(|e| e.to_api(lang)) {
        Ok(_) => Ok(Redirect::to(&format!("/incidents/{id}?saved=comment#comments")).into_response()),
        Err(e) if shown_on_form(&e) => {
            let detail = refusal(&e, lang, &[]);
            let form = CommentForm { body, error: Some(lang.format(Msg::CommentRefused, &[("detail", &detail)])) };
            let page =
                render(&state, chrome, &current, &origin, id, Forms { comment: form, ..Forms::default() }).await?;
            Ok((e.status(), page).into_response())
        }
        Err(e) => Err(page_error(chrome, e)),
    }
}

/// Shares the report with an agency (`agency`, `reason`), or revokes a share (`revoke` = the agency, `reason`),
/// from its page, through the incident service; a refusal is shown beside the share form, as typed.
#[allow(clippy::too_many_arguments)] // one per axum extractor
pub async fn share_submit(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Extension(origin): Extension<Origin>,
    Path(id): Path<String>,
    CheckedForm(fields): CheckedForm,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "incidents", Some(&current)).await;
    let Ok(id) = id.parse::<i64>() else { return Err(no_such_report(&chrome, &id)) };
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let reason = field("reason");
    let actor = Actor::of(&current);
    let result = match fields.get("revoke") {
        Some(agency) => service::revoke(&state, &actor, id, agency, &reason).await,
        None => service::share(&state, &actor, id, &field("agency"), &reason).await,
    };
    match result.map_err(|e| e.to_api(lang)) {
        Ok(()) => Ok(Redirect::to(&format!("/incidents/{id}?saved=share#shares")).into_response()),
        Err(e) if shown_on_form(&e) => {
            let detail = refusal(&e, lang, &[]);
            let form = ShareForm {
                agency: field("agency"),
                reason,
                error: Some(lang.format(Msg::ShareRefused, &[("detail", &detail)])),
            };
            let page = render(&state, chrome, &current, &origin, id, Forms { share: form, ..Forms::default() }).await?;
            Ok((e.status(), page).into_response())
        }
        Err(e) => Err(page_error(chrome, e)),
    }
}

/// Confirms or dismisses a probable duplicate (`other`, `decision`) from the report's page, through the incident
/// service.
#[allow(clippy::too_many_arguments)] // one per axum extractor
pub async fn duplicate_submit(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Extension(origin): Extension<Origin>,
    Path(id): Path<String>,
    CheckedForm(fields): CheckedForm,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "incidents", Some(&current)).await;
    let Ok(id) = id.parse::<i64>() else { return Err(no_such_report(&chrome, &id)) };
    let other = fields.get("other").and_then(|o| o.trim().parse::<i64>().ok());
    let Some(other) = other else {
        return Err(no_such_report(&chrome, fields.get("other").map_or("", String::as_str)));
    };
    let decision = fields.get("decision").map_or("", String::as_str);
    let decided = service::decide_duplicate(&state, &Actor::of(&current), id, other, decision, lang).await;
    match decided.map_err(|e| e.to_api(lang)) {
        Ok(_) => Ok(Redirect::to(&format!("/incidents/{id}?saved=duplicate#duplicates")).into_response()),
        Err(e) if shown_on_form(&e) => {
            let detail = refusal(&e, lang, &[]);
            let error = Some(lang.format(Msg::DuplicateRefused, &[("detail", &detail)]));
            let page =
                render(&state, chrome, &current, &origin, id, Forms { duplicate_error: error, ..Forms::default() })
                    .await?;
            Ok((e.status(), page).into_response())
        }
        Err(e) => Err(page_error(chrome, e)),
    }
}

/// A count of an agency's queue.
pub struct QueueCount {
    pub status: &'static str,
    pub label: &'static str,
    pub count: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "incident_queue.html")]
pub struct QueuePage {
    pub chrome: Chrome,
    pub title: String,
    pub agency: String,
    pub agencies: Vec<Opt>,
    pub error: Option<String>,
    pub counts: Vec<QueueCount>,
    pub rows: Vec<ReportRow>,
    pub note: Option<String>,
    pub list_href: String,
}

/// An agency's queue: what it is responsible for (or was shared with it) in the user's territory, counted by
/// status, and its reports still open (waiting for verification or action, or in handling), newest event first.
pub async fn queue(
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
    let viewer = &current.viewer;
    let asked = params.iter().rev().find(|(k, _)| k == "agency").map(|(_, v)| v.trim()).filter(|v| !v.is_empty());
    let (agency, error) = match asked {
        None => (viewer.agency, None),
        Some(text) => match AgencyKind::parse(text) {
            Some(agency) => (agency, None),
            None => {
                let shown: String = text.chars().take(40).collect();
                let detail = format!("{}: {shown}", lang.t(Msg::ColAgency));
                (viewer.agency, Some(lang.format(Msg::IncidentsFilterError, &[("detail", &detail)])))
            }
        },
    };
    let err = internal(&chrome);
    let result: Result<_, StoreError> = async {
        let counts = state.store.queue_counts(viewer, agency).await?;
        let waiting = ReportFilter { routed_to: Some(agency), open: true, ..Default::default() };
        let handling = ReportFilter {
            routed_to: Some(agency),
            status: Some(Status::InHandling.as_str().into()),
            ..Default::default()
        };
        let (mut open, waiting_total) = state.store.reports(viewer, &waiting, Page::new(1, QUEUE_LISTED)).await?;
        let (in_handling, handling_total) = state.store.reports(viewer, &handling, Page::new(1, QUEUE_LISTED)).await?;
        open.extend(in_handling);
        open.sort_by_key(|r| (Reverse(r.occurred_at_ms), Reverse(r.id)));
        open.truncate(QUEUE_LISTED as usize);
        let dtos: Vec<ReportDto> = open.into_iter().map(|r| ReportDto::new(r, &state, lang)).collect();
        let rows = rows(&state, viewer, &dtos, lang).await?;
        Ok((counts, rows, waiting_total + handling_total))
    }
    .await;
    let (counts, rows, total) = result.map_err(err)?;
    let note = (total > rows.len() as u64).then(|| {
        lang.format(Msg::ShowingReports, &[("shown", &lang.number(rows.len() as u64)), ("total", &lang.number(total))])
    });
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let page = QueuePage {
        title: lang.format(Msg::QueueTitle, &[("agency", &agency.name(lang))]),
        agency: agency.as_str().to_owned(),
        agencies: agency_options(lang, agency.as_str()),
        error,
        counts: Status::ALL
            .iter()
            .map(|s| QueueCount {
                status: s.as_str(),
                label: s.label(lang),
                count: lang.number(counts.get(s.as_str()).copied().unwrap_or(0)),
            })
            .collect(),
        rows,
        note,
        list_href: format!("/incidents?routed_to={}", percent_encode(agency.as_str())),
        chrome,
    };
    Ok((status, page).into_response())
}

/// An overdue report on the escalation panel.
pub struct EscalationRow {
    pub report: ReportRow,
    /// Which limit was missed and how far up the report went.
    pub limit: String,
    pub due: String,
    pub late: String,
    pub steps: u8,
    pub escalated_to: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "incident_escalations.html")]
pub struct EscalationsPage {
    pub chrome: Chrome,
    pub title: String,
    pub rows: Vec<EscalationRow>,
}

/// The escalation panel: what `GET /api/v1/reports/escalations` answers (the same service), as a table.
pub async fn escalations(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
) -> Result<EscalationsPage, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "incidents", Some(&current)).await;
    let panel = match service::overdue_reports(&state, &current.viewer).await {
        Ok(overdue) => reports::escalation_panel(&state, overdue, lang),
        Err(e) => return Err(page_error(chrome, e.to_api(lang))),
    };
    let dtos: Vec<&ReportDto> = panel.iter().map(|e| &e.report).collect();
    let codes: HashSet<RegionCode> = dtos.iter().filter_map(|d| RegionCode::parse(&d.village_code).ok()).collect();
    let names = villages(&state, &current.viewer, &codes).await.map_err(internal(&chrome))?;
    let now = auth::now_ms();
    let rows = panel
        .iter()
        .filter_map(|e| {
            let o = e.report.overdue.as_ref()?;
            let name =
                RegionCode::parse(&e.report.village_code).ok().and_then(|c| names.get(&c)).map(|(n, _)| n.as_str());
            let minutes = (now - o.due_at_ms).max(0) / 60_000;
            Some(EscalationRow {
                report: row(&e.report, name, lang),
                limit: overdue_text(lang, o),
                due: wib(o.due_at_ms),
                late: lang.format(Msg::LateTime, &[("hours", &(minutes / 60)), ("minutes", &(minutes % 60))]),
                steps: o.steps,
                escalated_to: e.escalated_to.iter().map(|u| u.unit_name.as_str()).collect::<Vec<_>>().join(", "),
            })
        })
        .collect();
    Ok(EscalationsPage { title: lang.t(Msg::EscalationsTitle).to_owned(), rows, chrome })
}
