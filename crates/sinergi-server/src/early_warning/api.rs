//! The early warning API (docs/scan.md, "On the live reports"; docs/api.md): run the scan of a regency now, read
//! runs, and read the alerts with their explanation, villages, circle and routes.
//!
//! Access: reading needs `ReadReports`, running `HandleReports`. A run and its result cover a whole regency, so
//! they are read (and asked for) by those whose territory holds the whole regency; a regency outside it is not
//! found. An alert is read by everyone whose territory holds at least one of its villages, and shown whole (all its
//! villages and their districts' names), since the circle that touches one's district is what one must see.

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use sinergi_domain::access::Action;
use sinergi_domain::i18n::Msg;

use crate::AppState;
use crate::api::page_param;
use crate::api::{ApiJson, ApiPath, ApiQuery, parse_code};
use crate::early_warning::AlertState;
use crate::early_warning::run_scan;
use crate::early_warning::views::*;
use crate::error::{ApiError, Code, ErrorBody};
use crate::lang::ApiLang;
use crate::trust::auth::{CurrentUser, Origin};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Runs the early warning scan of a regency now, over its reports of the last days, and answers with the run:
/// its result, the alerts it raised or refreshed and those it found no more. Every parameter out of range is
/// named (422). A regency outside your territory (or unknown) is not found. Too few reports is a run too, with
/// `status: too_few` and the reason.
#[utoipa::path(post, path = "/scans", tag = "early-warning", operation_id = "run_scan", request_body = ScanInput,
    responses((status = 201, body = ScanAnswerDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    Extension(origin): Extension<Origin>,
    ApiJson(input): ApiJson<ScanInput>,
) -> Result<(StatusCode, ApiJson<ScanAnswerDto>), ApiError> {
    let request = checked_run(&state, &current, &origin, &input).await?;
    let recorded = run_scan(&state.store, request).await?;
    let run = state.store.scan_run(&current.viewer, recorded.run_id).await?.ok_or_else(|| {
        ApiError::not_found(Code::ScanNotFound, Msg::ErrScanRunNotFound, ("id", recorded.run_id.to_string()))
    })?;
    let mut run = ScanRunDto::new(run);
    localize_message(&mut run, lang);
    Ok((
        StatusCode::CREATED,
        ApiJson(ScanAnswerDto {
            run,
            alerts: recorded.alerts.iter().map(|&(id, new)| RunAlertDto { id, new }).collect(),
            gone: recorded.gone,
        }),
    ))
}

/// Runs of the regencies your territory holds whole (of one regency, when given), newest first. A regency
/// outside your territory gives an empty list.
#[utoipa::path(get, path = "/scans", tag = "early-warning", operation_id = "list_scans", params(ScanQuery),
    responses((status = 200, body = ScanRunPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    ApiQuery(query): ApiQuery<ScanQuery>,
) -> Result<ApiJson<ScanRunPage>, ApiError> {
    current.require(Action::ReadReports)?;
    let page = page_param(query.page, query.per_page)?;
    let regency = query.regency.as_deref().map(|r| parse_code(r, "regency")).transpose()?;
    let (items, total) = crate::early_warning::runs(&*state.store, &current.viewer, regency.as_ref(), page).await?;
    let items = items.into_iter().map(|r| run_dto(r, lang)).collect();
    Ok(ApiJson(ScanRunPage { items, page: page.number, per_page: page.size, total }))
}

/// One run, when your territory holds its regency whole.
#[utoipa::path(get, path = "/scans/{id}", tag = "early-warning", operation_id = "get_scan",
    params(("id" = i64, Path, description = "The run's id")),
    responses((status = 200, body = ScanRunDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<ScanRunDto>, ApiError> {
    let run = crate::early_warning::run(&*state.store, &current.viewer, id).await?;
    Ok(ApiJson(run_dto(run, lang)))
}

/// Alerts with at least one village in your territory (and in `within`), most recently seen first.
#[utoipa::path(get, path = "/alerts", tag = "early-warning", operation_id = "list_alerts", params(AlertQuery),
    responses((status = 200, body = AlertPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn alerts(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    ApiQuery(query): ApiQuery<AlertQuery>,
) -> Result<ApiJson<AlertPage>, ApiError> {
    current.require(Action::ReadReports)?;
    let page = page_param(query.page, query.per_page)?;
    let within = query.within.as_deref().map(|r| parse_code(r, "within")).transpose()?;
    let Some(status) = AlertState::parse(query.status.as_deref().unwrap_or("active")) else {
        return Err(ApiError::bad_request(Code::InvalidQuery, Msg::ErrBadRequest, "status: active, gone or all"));
    };
    let (records, total) = crate::early_warning::alerts(&*state.store, &current.viewer, within, status, page).await?;
    let mut names = BTreeMap::new();
    let mut items = Vec::with_capacity(records.len());
    for record in records {
        items.push(alert_dto(&state, record, lang, &mut names).await?);
    }
    Ok(ApiJson(AlertPage { items, page: page.number, per_page: page.size, total }))
}

/// One alert, when at least one of its villages lies in your territory.
#[utoipa::path(get, path = "/alerts/{id}", tag = "early-warning", operation_id = "get_alert",
    params(("id" = i64, Path, description = "The alert's id")),
    responses((status = 200, body = AlertDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn alert(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<AlertDto>, ApiError> {
    let record = crate::early_warning::alert(&*state.store, &current.viewer, id).await?;
    Ok(ApiJson(alert_dto(&state, record, lang, &mut BTreeMap::new()).await?))
}

/// Registers the early warning's routes.
pub(crate) fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router.routes(routes!(list, create)).routes(routes!(get)).routes(routes!(alerts)).routes(routes!(alert))
}
