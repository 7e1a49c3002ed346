//! The files of a meeting: a unit's briefing slides, an action item's evidence. Sent as the request's body (any
//! type: the first bytes decide), listed with the meeting, served only to those who may open them.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use super::actor;
use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery};
use crate::coordination::service::{self, FileFields};
use crate::coordination::views::AttachmentDto;
use crate::error::{ApiError, ErrorBody};
use crate::trust::auth::{CurrentUser, Origin};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name, e.g. `Paparan KPU.pptx`.
    pub name: String,
    /// The invited unit whose briefing it belongs to (ignored with `item`).
    pub unit: Option<String>,
    /// The action item it is evidence of (its owner is the unit).
    pub item: Option<i64>,
    /// `biasa`, `terbatas` or `rahasia` (default: the meeting's).
    pub classification: Option<String>,
}

/// Stores a file of a meeting: PDF, JPEG, PNG, WebP, DOCX, XLSX or PPTX, told by its first bytes, up to the
/// configured size (20 MiB by default); by the unit itself or those who manage the meeting. Faults are named (422
/// `file`, `name`, `unit`, `classification`).
#[utoipa::path(post, path = "/meetings/{id}/attachments", tag = "coordination", operation_id = "add_attachment",
    params(("id" = i64, Path, description = "The meeting's id"), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = AttachmentDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<UploadQuery>,
    body: Bytes,
) -> Result<(StatusCode, ApiJson<AttachmentDto>), ApiError> {
    let file = FileFields {
        unit: query.unit.as_deref().unwrap_or(""),
        item: query.item,
        name: &query.name,
        bytes: body.to_vec(),
        classification: query.classification.as_deref(),
    };
    let max = state.config.attachment_max_bytes;
    let meta = service::attach(&*state.store, &actor(&current, &origin), id, file, max).await?;
    Ok((StatusCode::CREATED, ApiJson(AttachmentDto::new(&meta))))
}

/// The files of a meeting you may open.
#[utoipa::path(get, path = "/meetings/{id}/attachments", tag = "coordination", operation_id = "list_attachments",
    params(("id" = i64, Path, description = "The meeting's id")),
    responses((status = 200, body = Vec<AttachmentDto>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<Vec<AttachmentDto>>, ApiError> {
    let view = service::meeting(&*state.store, &current.viewer, id).await?;
    let files = service::attachments(&*state.store, &current.viewer, &view).await?;
    Ok(ApiJson(files.iter().map(AttachmentDto::new).collect()))
}

/// A file's content, with its type; checked against its SHA-256 before it is served.
#[utoipa::path(get, path = "/attachments/{id}", tag = "coordination", operation_id = "get_attachment",
    params(("id" = i64, Path, description = "The file's id")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let (meta, bytes) = service::attachment(&*state.store, &current.viewer, id).await?;
    // PDFs and pictures open in the browser; office files are downloaded.
    let inline = meta.media_type == "application/pdf" || meta.media_type.starts_with("image/");
    let name: String =
        meta.file_name.chars().map(|c| if c == '"' || c == '\\' || !c.is_ascii() { '_' } else { c }).collect();
    let disposition = format!("{}; filename=\"{name}\"", if inline { "inline" } else { "attachment" });
    Ok(([(header::CONTENT_TYPE, meta.media_type.clone()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}
