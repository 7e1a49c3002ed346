//! The incident desk's shared picture: the live feed of changed reports (server-sent events), sharing a report
//! with another agency and revoking it, and deciding probable duplicates. docs/incidents.md describes them.

use std::convert::Infallible;

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::incident::ReportId;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery};
use crate::error::{ApiError, Code, ErrorBody};
use crate::incident::service::{self, Actor};
use crate::incident::views::*;
use crate::incident::views::{DuplicateDto, ShareDto};
use crate::lang::ApiLang;
use crate::trust::auth::{CurrentUser, Origin};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// Resume after this event id (as the `Last-Event-ID` header does; the header wins when both are given).
    pub after: Option<i64>,
}

/// The live feed: a `text/event-stream` of `report` events, one for each report filed or changed (moved,
/// commented, shared, escalated, linked as a duplicate) that the user may see, checked as each is sent. Each
/// event's `id` is its place in the feed; a client that reconnects with `Last-Event-ID` (browsers do it by
/// themselves) gets every event after it, exactly once. The data is JSON: `{seq, kind, at_ms, redacted, report}`,
/// where a restricted or secret report comes without its description (`redacted`: read it on its own, audited).
/// A resume more than 2,000 rows behind replays nothing: it gets one `reset` event (`{reason, max_replay, seq}`),
/// which says to reload the list, and goes on from the newest row. One account may keep 8 feeds open and one
/// address 64; more are refused `429` with `Retry-After`. A user who follows action items also gets
/// `action_items` events (no id): `{overdue, message, url}`, the count of their overdue items, at once and whenever
/// it changes.
#[utoipa::path(get, path = "/reports/feed", tag = "reports", operation_id = "report_feed", params(FeedQuery,
        ("Last-Event-ID" = Option<i64>, Header, description = "The id of the last event received")),
    responses((status = 200, description = "Server-sent events", content_type = "text/event-stream", body = String),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn feed(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiLang(lang): ApiLang,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<FeedQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    current.require_report_reader()?;
    let last_event_id = match headers.get("last-event-id") {
        None => query.after,
        Some(value) => Some(value.to_str().ok().and_then(|v| v.trim().parse::<i64>().ok()).ok_or_else(|| {
            ApiError::bad_request(Code::InvalidLastEventId, Msg::ErrBadRequest, "Last-Event-ID: an event id (a number)")
        })?),
    };
    let Some(slot) = state.feeds.acquire(current.user.id, &origin.0) else {
        tracing::warn!(account = current.user.id, origin = %origin.0, "live feed refused: too many open");
        return Err(ApiError::new(Code::TooManyFeeds, Msg::ErrTooManyFeeds)
            .arg("seconds", crate::incident::feed::RETRY_AFTER_SECONDS)
            .retry_after(crate::incident::feed::RETRY_AFTER_SECONDS));
    };
    // Subscribe before reading where to start, so that nothing committed in between falls through.
    let batches = state.feed.subscribe(&state.store).await?;
    let (cursor, too_far) = crate::incident::feed::start_after(&state.store, last_event_id).await?;
    let (out, events) = tokio::sync::mpsc::channel(64);
    if too_far {
        // Room for it: the channel is new and empty.
        let _ = out.try_send(Ok(crate::incident::feed::reset_event(cursor)));
    }
    tokio::spawn(crate::incident::feed::run_subscriber(state.clone(), current, lang, cursor, batches, out));
    // The stream holds the slot: when the client goes away, axum drops the stream and the slot is free again.
    let stream = futures_util::stream::unfold((events, slot), |(mut events, slot)| async move {
        events.recv().await.map(|event| (event, (events, slot)))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// Shares a report with another agency.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareInput {
    /// The agency: `polri`, `tni`, `kpu`, `bawaslu`, `pemda`, `kejaksaan`, `pengadilan`, `pln`, `telkom`, …
    pub agency: String,
    /// Why (required); up to 2,000 characters.
    pub reason: String,
}

/// Revokes a share.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeInput {
    /// Why (required); up to 2,000 characters.
    pub reason: String,
}

/// The report's shares, revoked ones too, oldest first.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct SharesDto {
    pub shares: Vec<ShareDto>,
}

async fn shares_of(state: &AppState, id: ReportId) -> Result<SharesDto, ApiError> {
    let shares = state.store.report_shares(id).await?;
    Ok(SharesDto { shares: shares.into_iter().map(ShareDto::from).collect() })
}

/// Shares a report with another agency, with a reason: it enters that agency's queue, and a restricted report
/// becomes readable to its users who hold the clearance. Only the owning agency shares (403 `not_owner`); a
/// second share with the same agency is a 409 `already_shared`.
#[utoipa::path(post, path = "/reports/{id}/shares", tag = "reports", operation_id = "share_report",
    request_body = ShareInput, params(("id" = i64, Path, description = "Report id")),
    responses((status = 201, body = SharesDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn share(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<ReportId>,
    ApiJson(input): ApiJson<ShareInput>,
) -> Result<(StatusCode, ApiJson<SharesDto>), ApiError> {
    service::share(&state, &Actor::of(&current), id, &input.agency, &input.reason)
        .await
        .map_err(|e| e.to_api(Lang::Id))?;
    Ok((StatusCode::CREATED, ApiJson(shares_of(&state, id).await?)))
}

/// Revokes a report's share with an agency, with a reason. Only the owning agency revokes (403 `not_owner`); an
/// agency the report is not shared with is a 409 `not_shared`.
#[utoipa::path(post, path = "/reports/{id}/shares/{agency}/revoke", tag = "reports", operation_id = "revoke_share",
    request_body = RevokeInput,
    params(("id" = i64, Path, description = "Report id"), ("agency" = String, Path, description = "The agency")),
    responses((status = 200, body = SharesDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath((id, agency)): ApiPath<(ReportId, String)>,
    ApiJson(input): ApiJson<RevokeInput>,
) -> Result<ApiJson<SharesDto>, ApiError> {
    service::revoke(&state, &Actor::of(&current), id, &agency, &input.reason).await.map_err(|e| e.to_api(Lang::Id))?;
    Ok(ApiJson(shares_of(&state, id).await?))
}

/// A verifier's decision on a probable duplicate.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DuplicateDecision {
    /// `confirm` (the later report is a copy: it is rejected as `duplicate` if still awaiting verification) or
    /// `dismiss` (two different events).
    pub decision: String,
}

/// The probable duplicates of a report that the user may see.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct DuplicatesDto {
    pub duplicates: Vec<DuplicateDto>,
}

/// Confirms or dismisses a probable duplicate (`id` and `other` in either order). Confirming rejects the later
/// of the two as `duplicate` when it still awaits verification; its reporter may not do that (403 `own_report`).
/// A pair not recorded is a 404, one decided already a 409.
#[utoipa::path(post, path = "/reports/{id}/duplicates/{other}", tag = "reports", operation_id = "decide_duplicate",
    request_body = DuplicateDecision,
    params(("id" = i64, Path, description = "Report id"), ("other" = i64, Path, description = "The other report's id")),
    responses((status = 200, body = DuplicatesDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    ApiPath((id, other)): ApiPath<(ReportId, ReportId)>,
    ApiJson(input): ApiJson<DuplicateDecision>,
) -> Result<ApiJson<DuplicatesDto>, ApiError> {
    service::decide_duplicate(&state, &Actor::of(&current), id, other, &input.decision, lang)
        .await
        .map_err(|e| e.to_api(lang))?;
    Ok(ApiJson(DuplicatesDto { duplicates: visible_duplicates(&state, &current, id).await? }))
}
