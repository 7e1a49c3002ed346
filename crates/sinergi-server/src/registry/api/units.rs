//! Agencies and their units.

use axum::extract::State;
use sinergi_domain::access::Action;
use sinergi_domain::i18n::Msg;
use sinergi_domain::{AgencyKind, UnitKind};
use sinergi_store::UnitFilter;

use super::dto::{AgencyDto, UnitDto, UnitPage, UnitQuery};
use crate::AppState;
use crate::api::page_param;
use crate::api::{ApiJson, ApiPath, ApiQuery, parse_code};
use crate::error::{ApiError, Code, ErrorBody};
use crate::lang::ApiLang;
use crate::trust::auth::CurrentUser;

/// The agencies, each with its kinds of unit and how many units and personnel are registered.
#[utoipa::path(get, path = "/agencies", tag = "agencies",
    responses((status = 200, body = Vec<AgencyDto>), (status = 401, body = ErrorBody)))]
pub async fn agencies(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
) -> Result<ApiJson<Vec<AgencyDto>>, ApiError> {
    // Every role sees the agencies; the counts are of the units the user may read (none for external users).
    let summaries = state.store.agency_summaries(&current.viewer).await?;
    Ok(ApiJson(summaries.iter().map(|s| AgencyDto::new(s, lang)).collect()))
}

/// Units, filtered by agency, kind and territory.
#[utoipa::path(get, path = "/units", tag = "agencies", operation_id = "list_units", params(UnitQuery),
    responses((status = 200, body = UnitPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<UnitQuery>,
) -> Result<ApiJson<UnitPage>, ApiError> {
    current.require(Action::ReadUnits)?;
    let agency = match query.agency.as_deref() {
        None => None,
        Some(text) => Some(AgencyKind::parse(text).ok_or_else(|| {
            ApiError::bad_request(Code::InvalidQuery, Msg::ErrBadRequest, format!("agency: unknown agency `{text}`"))
        })?),
    };
    let kind = match query.kind.as_deref() {
        None => None,
        Some(text) => Some(UnitKind::parse(text).ok_or_else(|| {
            ApiError::bad_request(Code::InvalidQuery, Msg::ErrBadRequest, format!("kind: unknown unit kind `{text}`"))
        })?),
    };
    let within = query.region.as_deref().map(|r| parse_code(r, "region")).transpose()?;
    let page = page_param(query.page, query.per_page)?;
    let (items, total) =
        state.store.list_units(&current.viewer, &UnitFilter { agency, kind, within, at: None }, page).await?;
    Ok(ApiJson(UnitPage {
        items: items.into_iter().map(UnitDto::from).collect(),
        page: page.number,
        per_page: page.size,
        total,
    }))
}

/// One unit by its code.
#[utoipa::path(get, path = "/units/{code}", tag = "agencies", operation_id = "get_unit",
    params(("code" = String, Path, description = "Unit code, e.g. `polres-15.07`")),
    responses((status = 200, body = UnitDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(code): ApiPath<String>,
) -> Result<ApiJson<UnitDto>, ApiError> {
    current.require(Action::ReadUnits)?;
    let malformed = code.is_empty()
        || code.len() > 64
        || !code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    if malformed {
        return Err(ApiError::not_found(
            Code::UnitNotFound,
            Msg::ErrUnitNotFound,
            ("id", code.escape_default().to_string()),
        ));
    }
    let unit = state
        .store
        .unit(&current.viewer, &code)
        .await?
        .ok_or_else(|| ApiError::not_found(Code::UnitNotFound, Msg::ErrUnitNotFound, ("id", code.clone())))?;
    Ok(ApiJson(unit.into()))
}
