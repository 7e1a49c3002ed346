//! The incident desk's API: file a report (incident or intelligence), list and read reports within the territory
//! and clearance, move a report through its workflow, and comment on it. docs/incidents.md describes it.

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use sinergi_domain::LatLng;
use sinergi_domain::access::Action;
use sinergi_domain::i18n::Msg;
use sinergi_domain::import::parse_wib_time;
use sinergi_domain::incident::ReportId;
use sinergi_domain::incident::draft::ReportFields;
use sinergi_domain::incident::{Channel, Status};
use sinergi_store::ReportFilter;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::page_param;
use crate::api::{ApiJson, ApiPath, ApiQuery, parse_code};
use crate::error::{ApiError, Code, ErrorBody};
use crate::incident::service::{self, Actor, MoveFields, Reporter};
use crate::incident::views::*;
use crate::lang::ApiLang;
use crate::registry::api::dto::LatLngDto;
use crate::trust::auth::{self, Credential, CurrentUser, Origin};

/// A new report. Give its place as a TPS, a village, or coordinates (placed in the village whose boundary holds
/// them, else the village with the nearest centre within 15 km).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    /// `incident` (default) or `intelligence`.
    pub kind: Option<String>,
    /// A category id of the taxonomy (`GET /report-categories`).
    pub category: String,
    /// 1–4 or `rendah`/`sedang`/`tinggi`/`kritis`; the category's default when omitted.
    #[schema(value_type = Option<String>)]
    pub severity: Option<serde_json::Value>,
    /// When it happened: `YYYY-MM-DD HH:MM` in WIB; now when omitted.
    pub occurred_at: Option<String>,
    pub tps_id: Option<i64>,
    pub village_code: Option<String>,
    /// The village by its name, instead of `village_code`; where names repeat in the territory, with its
    /// district in brackets: `Kedungmalang (Kedung)`.
    pub village_name: Option<String>,
    /// The TPS by its number in the village (1–999), as officers name it: `village_code` (or `village_name`) and
    /// `tps_number` 3 is TPS 003 of that village.
    pub tps_number: Option<i64>,
    pub location: Option<LatLngDto>,
    /// What happened; 1 to 4,000 characters.
    #[schema(min_length = 1, max_length = 4000)]
    pub description: String,
    /// Who reports (name, rank); the account's name when omitted.
    pub source_person: Option<String>,
    /// `biasa`, `terbatas` or `rahasia`; `biasa` for incidents and `terbatas` for intelligence when omitted.
    pub classification: Option<String>,
    /// `web`, `api` or `field`; `api` for token clients and `web` for the browser when omitted.
    pub channel: Option<String>,
    /// A key the client generates per report (e.g. a UUID): the same key again returns the first report.
    pub idempotency_key: Option<String>,
}

/// What filing gave: the report, and whether it was filed before under the same key.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct FiledDto {
    pub report: ReportDto,
    /// True when this submission repeated an earlier one: nothing new was stored.
    pub replayed: bool,
}

/// Files a report for the user's agency. Every field is checked and every fault named (422); the place must lie
/// in the user's territory. Acknowledged once durable. A repeated idempotency key returns the first report (200).
#[utoipa::path(post, path = "/reports", tag = "reports", operation_id = "create_report", request_body = ReportInput,
    responses((status = 201, body = FiledDto), (status = 200, description = "A replay: the first report", body = FiledDto),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    ApiJson(input): ApiJson<ReportInput>,
) -> Result<(StatusCode, ApiJson<FiledDto>), ApiError> {
    let default_channel = match current.credential {
        Credential::Token { .. } => Channel::Api,
        _ => Channel::Web,
    };
    let reporter = Reporter { user: &current.user, viewer: &current.viewer, default_channel };
    let filing = service::file_report(&state, &reporter, &input.into_fields()).await?;
    let status = if filing.replayed { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, ApiJson(FiledDto { report: ReportDto::new(filing.record, &state, lang), replayed: filing.replayed })))
}

impl ReportInput {
    /// The fields as typed, for the incident service.
    pub fn into_fields(self) -> ReportFields {
        ReportFields {
            kind: self.kind,
            category: self.category,
            severity: self.severity.as_ref().filter(|v| !v.is_null()).map(crate::vulnerability::api::tps::answer_text),
            occurred_at: self.occurred_at,
            tps_id: self.tps_id,
            village_code: self.village_code,
            village_name: self.village_name,
            tps_number: self.tps_number,
            location: self.location.map(|l| LatLng::new(l.lat, l.lng)),
            description: self.description,
            source_person: self.source_person,
            classification: self.classification,
            channel: self.channel,
            idempotency_key: self.idempotency_key,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Region code: reports inside it (default: the user's territory).
    pub region: Option<String>,
    /// A status: `reported`, `verified`, `rejected`, `assigned`, `in_handling`, `resolved`, `closed`.
    pub status: Option<String>,
    pub category: Option<String>,
    /// The lowest severity, 1 to 4.
    pub severity: Option<u8>,
    /// The reporting agency, e.g. `polri`.
    pub agency: Option<String>,
    /// Only the reports this agency must act on (its queue), e.g. `pln`.
    pub routed_to: Option<String>,
    /// Occurred on or after this day (`YYYY-MM-DD`, WIB).
    pub from: Option<String>,
    /// Occurred before the end of this day (`YYYY-MM-DD`, WIB).
    pub to: Option<String>,
    /// Only the reports this account filed.
    pub mine: Option<bool>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 1000)]
    pub per_page: Option<u32>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ReportPage {
    pub items: Vec<ReportDto>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

/// Reports in the user's territory and clearance, newest first, with filters.
#[utoipa::path(get, path = "/reports", tag = "reports", operation_id = "list_reports", params(ReportQuery),
    responses((status = 200, body = ReportPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<ApiJson<ReportPage>, ApiError> {
    current.require_report_reader()?;
    let page = page_param(query.page, query.per_page)?;
    let bad = |what: &str| ApiError::bad_request(Code::InvalidQuery, Msg::ErrBadRequest, what);
    let within = query.region.as_deref().map(|r| parse_code(r, "region")).transpose()?;
    if let Some(status) = &query.status
        && Status::parse(status).is_none()
    {
        return Err(bad("status: reported, verified, rejected, assigned, in_handling, resolved or closed"));
    }
    if query.severity.is_some_and(|s| !(1..=4).contains(&s)) {
        return Err(bad("severity: 1 to 4"));
    }
    let day = |text: &Option<String>, name: &str| -> Result<Option<i64>, ApiError> {
        text.as_deref()
            .map(|t| {
                parse_wib_time(t).filter(|_| t.trim().len() == 10).ok_or_else(|| bad(&format!("{name}: YYYY-MM-DD")))
            })
            .transpose()
    };
    let routed_to = query
        .routed_to
        .as_deref()
        .map(|a| {
            sinergi_domain::AgencyKind::parse(a).ok_or_else(|| bad("routed_to: an agency such as polri, bawaslu, pln"))
        })
        .transpose()?;
    let from_ms = day(&query.from, "from")?;
    let to_ms = day(&query.to, "to")?.map(|t| t + 86_400_000);
    let filter = ReportFilter {
        within,
        status: query.status,
        category: query.category,
        min_severity: query.severity,
        source_agency: query.agency,
        from_ms,
        to_ms,
        routed_to,
        open: false,
        reporter_account: query.mine.unwrap_or(false).then_some(current.user.id),
    };
    let (items, total) = state.store.reports(&current.viewer, &filter, page).await?;
    Ok(ApiJson(ReportPage {
        items: items.into_iter().map(|r| ReportDto::new(r, &state, lang)).collect(),
        page: page.number,
        per_page: page.size,
        total,
    }))
}

/// A report, its history and its comments.
#[utoipa::path(get, path = "/reports/{id}", tag = "reports", operation_id = "get_report",
    params(("id" = i64, Path, description = "Report id")),
    responses((status = 200, body = ReportDetailDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    Extension(origin): Extension<Origin>,
    ApiPath(id): ApiPath<ReportId>,
) -> Result<ApiJson<ReportDetailDto>, ApiError> {
    let record = service::read_report(&state, &Actor::of(&current), &origin.0, id).await.map_err(|e| e.to_api(lang))?;
    Ok(ApiJson(detail(&state, &current, record, lang).await?))
}

/// A move of a report.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveInput {
    /// `verify`, `reject`, `assign`, `start`, `resolve`, `close` or `reopen`.
    pub action: String,
    /// Why (required to reject and to reopen); up to 2,000 characters.
    #[serde(default)]
    pub reason: String,
    /// For a rejection: `hoax`, `duplicate`, `not_election` or `other`.
    pub reject_reason: Option<String>,
    /// For an assignment (required there, ignored otherwise): the code of the unit to act — a unit of the user's
    /// agency whose territory holds the report's village (`assignable_units` of the report's detail).
    pub unit: Option<String>,
}

/// Moves a report through its workflow. The reporter may not verify or reject their own report (403); a move
/// the workflow does not allow from the report's status, or that someone made first, is a 409.
#[utoipa::path(post, path = "/reports/{id}/moves", tag = "reports", operation_id = "move_report",
    request_body = MoveInput, params(("id" = i64, Path, description = "Report id")),
    responses((status = 200, body = ReportDetailDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn move_report(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    ApiPath(id): ApiPath<ReportId>,
    ApiJson(input): ApiJson<MoveInput>,
) -> Result<ApiJson<ReportDetailDto>, ApiError> {
    let fields =
        MoveFields { action: input.action, reason: input.reason, reject_reason: input.reject_reason, unit: input.unit };
    let record = service::move_report(&state, &Actor::of(&current), id, &fields).await.map_err(|e| e.to_api(lang))?;
    Ok(ApiJson(detail(&state, &current, record, lang).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentInput {
    /// 1 to 2,000 characters.
    #[schema(min_length = 1, max_length = 2000)]
    pub body: String,
}

/// Adds a comment to a report's thread (those who file or handle reports, where they read the report).
#[utoipa::path(post, path = "/reports/{id}/comments", tag = "reports", operation_id = "comment_report",
    request_body = CommentInput, params(("id" = i64, Path, description = "Report id")),
    responses((status = 201, body = CommentDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn comment(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    ApiPath(id): ApiPath<ReportId>,
    ApiJson(input): ApiJson<CommentInput>,
) -> Result<(StatusCode, ApiJson<CommentDto>), ApiError> {
    let added = service::comment(&state, &Actor::of(&current), id, &input.body).await.map_err(|e| e.to_api(lang))?;
    let dto = CommentDto {
        id: added.id,
        at_ms: added.at_ms,
        author: added.author,
        agency: added.agency.as_str().to_owned(),
        body: added.body,
    };
    Ok((StatusCode::CREATED, ApiJson(dto)))
}

/// A category of the taxonomy.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct CategoryDto {
    pub id: String,
    pub label: String,
    /// Words accepted for it in an SMS.
    pub aliases: Vec<String>,
    pub severity: u8,
    /// Unit kinds that must act, and that are informed.
    pub responsible: Vec<String>,
    pub informed: Vec<String>,
}

/// The report categories in force, with their routes and the time limits per severity.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TaxonomyDto {
    pub id: String,
    pub version: String,
    /// The stored version in force (`GET /report-categories/versions/{id}`); `null` while the shipped taxonomy is.
    pub version_id: Option<i64>,
    pub categories: Vec<CategoryDto>,
    /// Minutes allowed to verify and to act, by severity (`1`–`4`).
    pub limits: BTreeMap<String, (u32, u32)>,
}

/// The taxonomy of report categories.
#[utoipa::path(get, path = "/report-categories", tag = "reports", operation_id = "list_report_categories",
    responses((status = 200, body = TaxonomyDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn categories(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
) -> Result<ApiJson<TaxonomyDto>, ApiError> {
    if !current.viewer.reads_reports() && !current.viewer.may(Action::FileReports) {
        return Err(auth::forbidden());
    }
    let (t, stored) = crate::incident::taxonomy::current(&state);
    let t = &t;
    Ok(ApiJson(TaxonomyDto {
        id: t.id.clone(),
        version: t.version.clone(),
        version_id: stored.map(|v| v.id),
        categories: t
            .categories
            .iter()
            .map(|c| {
                let route = t.route(&c.id);
                let kinds = |k: Option<&Vec<sinergi_domain::UnitKind>>| {
                    k.map(|k| k.iter().map(|k| k.as_str().to_owned()).collect()).unwrap_or_default()
                };
                CategoryDto {
                    id: c.id.clone(),
                    label: c.label.get(lang).to_owned(),
                    aliases: c.aliases.clone(),
                    severity: c.severity.number(),
                    responsible: kinds(route.map(|r| &r.responsible)),
                    informed: kinds(route.map(|r| &r.informed)),
                }
            })
            .collect(),
        limits: t.limits.iter().map(|l| (l.severity.number().to_string(), (l.verify_minutes, l.act_minutes))).collect(),
    }))
}

/// An agency's queue: the reports it must act on in the user's territory, counted by status.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct QueueDto {
    pub agency: String,
    /// Reports per status (`reported`, `verified`, `assigned`, `in_handling`, `resolved`, …).
    pub by_status: BTreeMap<String, u64>,
    pub assigned: u64,
    pub in_handling: u64,
    pub resolved: u64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// The agency (default: the user's own).
    pub agency: Option<String>,
}

/// An agency's queue counts: what is routed to it to act on, by status.
#[utoipa::path(get, path = "/reports/queue", tag = "reports", operation_id = "report_queue", params(QueueQuery),
    responses((status = 200, body = QueueDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn queue(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<QueueQuery>,
) -> Result<ApiJson<QueueDto>, ApiError> {
    current.require_report_reader()?;
    let agency = match query.agency.as_deref() {
        None => current.viewer.agency,
        Some(a) => sinergi_domain::AgencyKind::parse(a).ok_or_else(|| {
            ApiError::bad_request(Code::InvalidQuery, Msg::ErrBadRequest, "agency: polri, tni, kpu, bawaslu, pemda, …")
        })?,
    };
    let counts = state.store.queue_counts(&current.viewer, agency).await?;
    let get = |s: Status| counts.get(s.as_str()).copied().unwrap_or(0);
    Ok(ApiJson(QueueDto {
        agency: agency.as_str().to_owned(),
        assigned: get(Status::Assigned),
        in_handling: get(Status::InHandling),
        resolved: get(Status::Resolved),
        by_status: counts.into_iter().collect(),
    }))
}

/// The escalation panel: the reports in the user's territory and clearance that have missed their time limit
/// for verification or for first action, most overdue first, with the units they are escalated to.
#[utoipa::path(get, path = "/reports/escalations", tag = "reports", operation_id = "report_escalations",
    responses((status = 200, body = Vec<EscalationDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn escalations(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
) -> Result<ApiJson<Vec<EscalationDto>>, ApiError> {
    let overdue = service::overdue_reports(&state, &current.viewer).await.map_err(|e| e.to_api(lang))?;
    let panel = escalation_panel(&state, overdue, lang);
    Ok(ApiJson(panel))
}
