//! Polling stations: list by region, read, create, replace.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use sinergi_domain::access::Action;
use sinergi_domain::i18n::Msg;
use sinergi_domain::{Level, RegionCode, Tps, TpsDraft};
use sinergi_store::StoreError;

use super::dto::{TpsDto, TpsInput, TpsPage, TpsQuery};
use super::regions::find_region;
use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery, page_param, parse_code};
use crate::error::{ApiError, Code, ErrorBody};
use crate::trust::auth::{self, CurrentUser, Origin};

/// TPS inside a region, one page at a time, in village and number order.
#[utoipa::path(get, path = "/tps", tag = "tps", operation_id = "list_tps", params(TpsQuery),
    responses((status = 200, body = TpsPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<TpsQuery>,
) -> Result<ApiJson<TpsPage>, ApiError> {
    current.require(Action::ReadTps)?;
    let region = parse_code(&query.region, "region")?;
    let page = page_param(query.page, query.per_page)?;
    find_region(&state, &current.viewer, &region).await?;
    let (items, total) = state.store.list_tps(&current.viewer, &region, page).await?;
    Ok(ApiJson(TpsPage {
        items: items.into_iter().map(TpsDto::from).collect(),
        page: page.number,
        per_page: page.size,
        total,
    }))
}

/// One TPS by id.
#[utoipa::path(get, path = "/tps/{id}", tag = "tps", operation_id = "get_tps",
    params(("id" = i64, Path, description = "TPS id")),
    responses((status = 200, body = TpsDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<TpsDto>, ApiError> {
    current.require(Action::ReadTps)?;
    // A TPS outside the user's territory is answered as if it did not exist.
    let record = state.store.tps(&current.viewer, id).await?.ok_or_else(|| not_found(id))?;
    Ok(ApiJson(record.into()))
}

/// Registers a TPS. Its number must be free in its village, and the village inside the user's scope.
#[utoipa::path(post, path = "/tps", tag = "tps", operation_id = "create_tps", request_body = TpsInput,
    responses(
        (status = 201, body = TpsDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiJson(input): ApiJson<TpsInput>,
) -> Result<(StatusCode, ApiJson<TpsDto>), ApiError> {
    current.require(Action::WriteTps)?;
    let tps = validate(&state, &current, input.into()).await?;
    let detail = serde_json::to_string(&TpsDraft::from(&tps)).unwrap_or_default();
    let event = auth::event(&current.actor(), "tps.create", "tps", detail, &origin.0);
    let record = state.store.create_tps(&current.viewer, &tps, &event).await.map_err(|e| number_taken(e, &tps))?;
    Ok((StatusCode::CREATED, ApiJson(record.into())))
}

/// Replaces a TPS. Its synthetic flag is cleared: a person has now vouched for it.
#[utoipa::path(put, path = "/tps/{id}", tag = "tps", operation_id = "update_tps", request_body = TpsInput,
    params(("id" = i64, Path, description = "TPS id")),
    responses(
        (status = 200, body = TpsDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<TpsInput>,
) -> Result<ApiJson<TpsDto>, ApiError> {
    current.require(Action::WriteTps)?;
    // A TPS outside the user's territory is answered as if it did not exist.
    state.store.tps(&current.viewer, id).await?.ok_or_else(|| not_found(id))?;
    let tps = validate(&state, &current, input.into()).await?;
    // The store records every changed field, read in the same transaction as the change.
    let event = auth::event(&current.actor(), "tps.update", "tps", String::new(), &origin.0);
    let record = state
        .store
        .update_tps(&current.viewer, id, &tps, &event)
        .await
        .map_err(|e| number_taken(e, &tps))?
        .ok_or_else(|| not_found(id))?;
    Ok(ApiJson(record.into()))
}

fn not_found(id: i64) -> ApiError {
    ApiError::not_found(Code::TpsNotFound, Msg::ErrTpsNotFound, ("id", id.to_string()))
}

/// Validates a TPS with the same rules as the CSV import; the village is looked up in the registry, and a
/// village outside the user's scope is treated as unknown (no existence leak).
async fn validate(state: &AppState, current: &CurrentUser, draft: TpsDraft) -> Result<Tps, ApiError> {
    let village = RegionCode::parse(&draft.village_code).ok().filter(|c| current.viewer.covers(c));
    let level = match &village {
        Some(code) => state.store.region(&current.viewer, code).await?.map(|r| r.level),
        None => None,
    };
    draft
        .validate(|code| if Some(code) == village.as_ref() { level } else { None::<Level> })
        .map_err(|problems| ApiError::validation(problems.into_iter().map(|(f, p)| (f.to_owned(), p)).collect()))
}

fn number_taken(e: StoreError, tps: &Tps) -> ApiError {
    match e {
        StoreError::Conflict(_) => ApiError::conflict(format!("{} ({})", tps.label(), tps.village)),
        other => other.into(),
    }
}
