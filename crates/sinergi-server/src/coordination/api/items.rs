//! Action items (*rencana tindak lanjut*): listed across meetings, read with their history, moved by their owner.

use axum::Extension;
use axum::extract::State;
use serde::Deserialize;
use sinergi_domain::AgencyKind;
use sinergi_domain::coordination::follow_up::ItemState;
use sinergi_domain::i18n::Msg;
use sinergi_store::ItemFilter;
use utoipa::IntoParams;

use super::actor;
use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery, page_param, parse_code};
use crate::coordination::calendar::today;
use crate::coordination::service;
use crate::coordination::views::*;
use crate::error::{ApiError, Code, ErrorBody};
use crate::trust::auth::{CurrentUser, Origin};

/// Which action items to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemQuery {
    pub meeting: Option<i64>,
    pub forum: Option<String>,
    /// The owner's agency: `polri`, `tni`, `kpu`, …
    pub agency: Option<String>,
    /// `open`, `in_progress`, `done`, `overdue` or `dropped` (as seen today).
    pub state: Option<String>,
    /// Only the items of units you act for.
    pub mine: Option<bool>,
    /// With `mine`: also the items of meetings your units convened.
    pub convened: Option<bool>,
    /// Items of meetings held for this region or inside it.
    pub within: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Reads the list query into the store's filter, naming a bad parameter.
pub(crate) fn item_filter(query: &ItemQuery) -> Result<ItemFilter, ApiError> {
    let bad = |detail: &str| ApiError::bad_request(Code::InvalidQuery, Msg::ErrBadRequest, detail);
    let owner_agency = match query.agency.as_deref() {
        None => None,
        Some(a) => Some(AgencyKind::parse(a).ok_or_else(|| bad("agency: polri, tni, kpu, bawaslu, pemda, …"))?),
    };
    let state = match query.state.as_deref() {
        None => None,
        Some(s) => Some(ItemState::parse(s).ok_or_else(|| bad("state: open, in_progress, done, overdue or dropped"))?),
    };
    Ok(ItemFilter {
        meeting_id: query.meeting,
        forum: query.forum.clone(),
        owner_agency,
        owner_unit: None,
        mine: query.mine.unwrap_or(false),
        or_convened: query.convened.unwrap_or(false),
        state,
        today: Some(today()),
        within: query.within.as_deref().map(|r| parse_code(r, "within")).transpose()?,
    })
}

/// The action items of the meetings you may read: the earliest deadline first, each with its state as seen today
/// (overdue when pending past its deadline) and the days left.
#[utoipa::path(get, path = "/action-items", tag = "coordination", operation_id = "list_action_items",
    params(ItemQuery),
    responses((status = 200, body = ItemListDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<ItemQuery>,
) -> Result<ApiJson<ItemListDto>, ApiError> {
    let page = page_param(query.page, query.per_page)?;
    let filter = item_filter(&query)?;
    let (records, total) = state.store.items(&current.viewer, &filter, page).await?;
    let today = today();
    Ok(ApiJson(ItemListDto { total, items: records.iter().map(|r| ItemDto::new(r, today)).collect() }))
}

/// An action item with its history, when you may read its meeting.
#[utoipa::path(get, path = "/action-items/{id}", tag = "coordination", operation_id = "get_action_item",
    params(("id" = i64, Path, description = "The item's id")),
    responses((status = 200, body = ItemDetailDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<ItemDetailDto>, ApiError> {
    let (item, view) = service::item(&*state.store, &current.viewer, id).await?;
    let history = state.store.item_events(id).await?;
    Ok(ApiJson(ItemDetailDto {
        item: ItemDto::new(&item, today()),
        history: history.iter().map(ItemEventDto::new).collect(),
        may_update: view.may_record_for(&item.owner.code),
    }))
}

/// Moves an action item: its owner to `in_progress` or `done` (with evidence in `note`); those who manage the
/// meeting also to `dropped` (with a reason) or back to `open`.
#[utoipa::path(post, path = "/action-items/{id}/status", tag = "coordination", operation_id = "update_action_item",
    params(("id" = i64, Path, description = "The item's id")), request_body = ItemUpdateInput,
    responses((status = 200, body = ItemDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ItemUpdateInput>,
) -> Result<ApiJson<ItemDto>, ApiError> {
    let item = service::update_item(&*state.store, &actor(&current, &origin), id, &input.fields()).await?;
    Ok(ApiJson(ItemDto::new(&item, today())))
}
