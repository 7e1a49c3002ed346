//! Meetings: convene, list, read, and every record of one.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use sinergi_domain::access::Action;
use sinergi_domain::coordination::meeting::MeetingStatus;
use sinergi_domain::i18n::Msg;
use sinergi_store::MeetingFilter;
use utoipa::IntoParams;

use super::actor;
use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery, page_param, parse_code};
use crate::coordination::service::{self, MinutesFields};
use crate::coordination::views::*;
use crate::error::{ApiError, Code, ErrorBody};
use crate::trust::auth::{CurrentUser, Origin};

/// Which meetings to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingQuery {
    /// Meetings held for this region or inside it.
    pub within: Option<String>,
    pub forum: Option<String>,
    /// `planned`, `in_progress`, `done` or `cancelled`.
    pub status: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

fn may_see_meetings(current: &CurrentUser) -> Result<(), ApiError> {
    if current.viewer.may(Action::ReadMeetings) || current.viewer.may(Action::TakePart) {
        Ok(())
    } else {
        Err(crate::trust::auth::forbidden())
    }
}

/// The meetings you may read: of your territory within your clearance, and those a unit you act for is invited to;
/// the latest first.
#[utoipa::path(get, path = "/meetings", tag = "coordination", operation_id = "list_meetings", params(MeetingQuery),
    responses((status = 200, body = MeetingListDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<MeetingQuery>,
) -> Result<ApiJson<MeetingListDto>, ApiError> {
    may_see_meetings(&current)?;
    let page = page_param(query.page, query.per_page)?;
    let within = query.within.as_deref().map(|r| parse_code(r, "within")).transpose()?;
    let status = match query.status.as_deref() {
        None => None,
        Some(s) => Some(MeetingStatus::parse(s).ok_or_else(|| {
            ApiError::bad_request(
                Code::InvalidQuery,
                Msg::ErrBadRequest,
                "status: planned, in_progress, done or cancelled",
            )
        })?),
    };
    let filter = MeetingFilter { within, forum: query.forum, status, ..Default::default() };
    let (records, total) = state.store.meetings(&current.viewer, &filter, page).await?;
    Ok(ApiJson(MeetingListDto { total, meetings: records.iter().map(MeetingSummaryDto::new).collect() }))
}

/// Convenes a meeting for a province, regency or district of your territory, for a unit you act for, inviting
/// units in that region or above it. Every fault is named (422).
#[utoipa::path(post, path = "/meetings", tag = "coordination", operation_id = "create_meeting",
    request_body = MeetingInput,
    responses((status = 201, body = MeetingDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiJson(input): ApiJson<MeetingInput>,
) -> Result<(StatusCode, ApiJson<MeetingDto>), ApiError> {
    let actor = actor(&current, &origin);
    let id = service::create(&*state.store, &actor, &input.fields(), &input.invitees).await?;
    let view = service::meeting(&*state.store, &current.viewer, id).await?;
    Ok((StatusCode::CREATED, ApiJson(MeetingDto::new(&view))))
}

/// A meeting, whole, with what you may do to it.
#[utoipa::path(get, path = "/meetings/{id}", tag = "coordination", operation_id = "get_meeting",
    params(("id" = i64, Path, description = "The meeting's id")),
    responses((status = 200, body = MeetingDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<MeetingDto>, ApiError> {
    let view = service::meeting(&*state.store, &current.viewer, id).await?;
    Ok(ApiJson(MeetingDto::new(&view)))
}

/// Changes a meeting's title, theme, place, times or classification (those who manage it). The region and the
/// convening unit stay; `invitees` must be empty or absent (invite with `POST /meetings/{id}/invitees`; 422 naming
/// `invitees` otherwise).
#[utoipa::path(put, path = "/meetings/{id}", tag = "coordination", operation_id = "update_meeting",
    params(("id" = i64, Path, description = "The meeting's id")), request_body = MeetingInput,
    responses((status = 200, body = MeetingDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<MeetingInput>,
) -> Result<ApiJson<MeetingDto>, ApiError> {
    if !input.invitees.is_empty() {
        // Inviting is its own move (`POST /meetings/{id}/invitees`): a change of the head never drops or adds one.
        let problem = sinergi_domain::import::Problem::TooMany(0);
        return Err(ApiError::validation(vec![("invitees".into(), problem)]));
    }
    let view = service::update_head(&*state.store, &actor(&current, &origin), id, &input.fields()).await?;
    Ok(ApiJson(MeetingDto::new(&view)))
}

/// Moves a meeting: `in_progress`, `done`, or `cancelled` with a reason (those who manage it).
#[utoipa::path(post, path = "/meetings/{id}/status", tag = "coordination", operation_id = "move_meeting",
    params(("id" = i64, Path, description = "The meeting's id")), request_body = MeetingMoveInput,
    responses((status = 200, body = MeetingDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn move_meeting(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<MeetingMoveInput>,
) -> Result<ApiJson<MeetingDto>, ApiError> {
    let actor = actor(&current, &origin);
    let view = service::move_meeting(&*state.store, &actor, id, &input.status, input.reason.as_deref()).await?;
    Ok(ApiJson(MeetingDto::new(&view)))
}

/// Invites more units: each in the meeting's region or above it (those who manage it).
#[utoipa::path(post, path = "/meetings/{id}/invitees", tag = "coordination", operation_id = "invite_units",
    params(("id" = i64, Path, description = "The meeting's id")), request_body = InviteInput,
    responses((status = 200, body = MeetingDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn invite(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<InviteInput>,
) -> Result<ApiJson<MeetingDto>, ApiError> {
    let view = service::invite(&*state.store, &actor(&current, &origin), id, &input.units).await?;
    Ok(ApiJson(MeetingDto::new(&view)))
}

/// Records an invited unit's attendance: present (who, rank or position), represented (by whom), absent — by
/// the unit itself or those who manage the meeting.
#[utoipa::path(put, path = "/meetings/{id}/attendance/{unit}", tag = "coordination", operation_id = "record_attendance",
    params(("id" = i64, Path, description = "The meeting's id"), ("unit" = String, Path, description = "The invited unit's code")),
    request_body = AttendanceInput,
    responses((status = 200, body = MeetingDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn attendance(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiPath((id, unit)): ApiPath<(i64, String)>,
    ApiJson(input): ApiJson<AttendanceInput>,
) -> Result<ApiJson<MeetingDto>, ApiError> {
    let actor = actor(&current, &origin);
    let view = service::record_attendance(&*state.store, &actor, id, &unit, &input.fields()).await?;
    Ok(ApiJson(MeetingDto::new(&view)))
}

/// Adds someone who came without an invitation to their unit (those who manage the meeting).
#[utoipa::path(post, path = "/meetings/{id}/walk-ins", tag = "coordination", operation_id = "add_walk_in",
    params(("id" = i64, Path, description = "The meeting's id")), request_body = WalkInInput,
    responses((status = 200, body = MeetingDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn walk_in(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<WalkInInput>,
) -> Result<ApiJson<MeetingDto>, ApiError> {
    let view = service::add_walk_in(&*state.store, &actor(&current, &origin), id, &input.fields()).await?;
    Ok(ApiJson(MeetingDto::new(&view)))
}

/// Sets the agenda, whole and in order; a presenter must be invited (those who manage the meeting).
#[utoipa::path(put, path = "/meetings/{id}/agenda", tag = "coordination", operation_id = "set_agenda",
    params(("id" = i64, Path, description = "The meeting's id")), request_body = AgendaInput,
    responses((status = 200, body = MeetingDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn agenda(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<AgendaInput>,
) -> Result<ApiJson<MeetingDto>, ApiError> {
    let view = service::set_agenda(&*state.store, &actor(&current, &origin), id, &input.fields()).await?;
    Ok(ApiJson(MeetingDto::new(&view)))
}

/// Sets an invited unit's briefing (*paparan*), by the unit itself or those who manage the meeting.
#[utoipa::path(put, path = "/meetings/{id}/briefings/{unit}", tag = "coordination", operation_id = "set_briefing",
    params(("id" = i64, Path, description = "The meeting's id"), ("unit" = String, Path, description = "The invited unit's code")),
    request_body = TextInput,
    responses((status = 200, body = MeetingDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn briefing(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiPath((id, unit)): ApiPath<(i64, String)>,
    ApiJson(input): ApiJson<TextInput>,
) -> Result<ApiJson<MeetingDto>, ApiError> {
    let view = service::set_briefing(&*state.store, &actor(&current, &origin), id, &unit, &input.text).await?;
    Ok(ApiJson(MeetingDto::new(&view)))
}

/// Sets the minutes (*notulen*), with who chaired and who kept them (those who manage the meeting).
#[utoipa::path(put, path = "/meetings/{id}/minutes", tag = "coordination", operation_id = "set_minutes",
    params(("id" = i64, Path, description = "The meeting's id")), request_body = MinutesInput,
    responses((status = 200, body = MeetingDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn minutes(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<MinutesInput>,
) -> Result<ApiJson<MeetingDto>, ApiError> {
    let fields = MinutesFields { text: input.text, chair: input.chair, secretary: input.secretary };
    let view = service::set_minutes(&*state.store, &actor(&current, &origin), id, &fields).await?;
    Ok(ApiJson(MeetingDto::new(&view)))
}

/// Records a decision (*keputusan*), numbered in order, with its action items: each owned by an invited unit,
/// with a deadline on or after the meeting's day (those who manage the meeting).
#[utoipa::path(post, path = "/meetings/{id}/decisions", tag = "coordination", operation_id = "add_decision",
    params(("id" = i64, Path, description = "The meeting's id")), request_body = DecisionInput,
    responses((status = 201, body = MeetingDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> Result<(StatusCode, ApiJson<MeetingDto>), ApiError> {
    let view = service::decide(&*state.store, &actor(&current, &origin), id, &input.fields()).await?;
    Ok((StatusCode::CREATED, ApiJson(MeetingDto::new(&view))))
}

/// A meeting's document as PDF, in the usual Indonesian layout: `undangan` (the invitation), `daftar-hadir` (the
/// attendance list, with an empty signature column for the paper copy) or `notulen` (the minutes, with decisions,
/// action items and the previous meeting's follow-up); in the request's language.
#[utoipa::path(get, path = "/meetings/{id}/documents/{kind}", tag = "coordination", operation_id = "meeting_document",
    params(("id" = i64, Path, description = "The meeting's id"),
        ("kind" = String, Path, description = "`undangan`, `daftar-hadir` or `notulen`")),
    responses((status = 200, description = "The document", content_type = "application/pdf"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn document(
    State(state): State<AppState>,
    current: CurrentUser,
    crate::lang::ApiLang(lang): crate::lang::ApiLang,
    ApiPath((id, kind)): ApiPath<(i64, String)>,
) -> Result<axum::response::Response, ApiError> {
    use crate::coordination::documents::{self, Document};
    use axum::response::IntoResponse;
    let Some(kind) = Document::parse(&kind) else {
        return Err(ApiError::bad_request(
            Code::InvalidPath,
            Msg::ErrBadRequest,
            "kind: undangan, daftar-hadir or notulen",
        ));
    };
    let view = service::meeting(&*state.store, &current.viewer, id).await?;
    let bytes = documents::render(&*state.store, &view, kind, lang).await?;
    let disposition = format!("inline; filename=\"{}\"", documents::file_name(kind, id));
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/pdf".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
