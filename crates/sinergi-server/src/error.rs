//! API errors: a stable machine-readable `code`, a human `message` in the caller's language, and for invalid
//! input the faulty fields. Never SQL, file paths or stack traces: the detail of an internal error goes to the
//! log, and the caller gets a generic message.
//!
//! An error is rendered in Bahasa Indonesia when created; the `localize` middleware re-renders it in the
//! request's language, so that even extractor rejections (which know nothing of the request) speak it.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::import::Problem;
use sinergi_domain::incident::TaxonomyError;
use sinergi_store::StoreError;
use utoipa::ToSchema;

use crate::AppState;
use crate::lang::api_lang;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `region_not_found`, `validation_failed`.
    pub code: &'static str,
    /// What went wrong, for a person, in the request's language (Bahasa Indonesia unless `?lang=en` or
    /// `Accept-Language: en`).
    pub message: String,
    /// For `validation_failed`: each faulty field with its problem; for `invalid_taxonomy`: each fault, its place
    /// as `field` (`line:3:1`, `category[2].severity`, `route[1].responsible`, `limit`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldErrorBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrorBody {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone)]
enum Detail {
    None,
    /// A problem rendered into the `{detail}` argument in the response's language.
    Problem(Problem),
    Fields(Vec<(String, Problem)>),
    /// A taxonomy refused whole: every fault with its place, rendered into `fields` (the place's path and the
    /// fault) and `{detail}` in the response's language.
    Taxonomy(Vec<TaxonomyError>),
}

/// An error on its way to becoming a response. Boxed, so that `Result<T, ApiError>` stays small on the happy path.
#[derive(Debug, Clone)]
pub struct ApiError(Box<Inner>);

#[derive(Debug, Clone)]
struct Inner {
    status: StatusCode,
    code: &'static str,
    msg: Msg,
    args: Vec<(&'static str, String)>,
    detail: Detail,
    /// Seconds for a `Retry-After` header (lock-outs).
    retry_after: Option<i64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, msg: Msg) -> ApiError {
        ApiError(Box::new(Inner { status, code, msg, args: Vec::new(), detail: Detail::None, retry_after: None }))
    }

    pub fn arg(mut self, name: &'static str, value: impl ToString) -> ApiError {
        self.0.args.push((name, value.to_string()));
        self
    }

    /// Tells the client when to try again (a `Retry-After` header, in seconds).
    pub fn retry_after(mut self, seconds: i64) -> ApiError {
        self.0.retry_after = Some(seconds);
        self
    }

    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    pub fn code(&self) -> &'static str {
        self.0.code
    }

    pub fn not_found(code: &'static str, msg: Msg, arg: (&'static str, String)) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, code, msg).arg(arg.0, arg.1)
    }

    pub fn bad_request(code: &'static str, msg: Msg, detail: impl ToString) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, msg).arg("detail", detail)
    }

    /// 422 with every faulty field named.
    pub fn validation(fields: Vec<(String, Problem)>) -> ApiError {
        let mut e = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", Msg::ErrInvalid);
        let summary = fields.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>().join(", ");
        e.0.args.push(("detail", summary));
        e.0.detail = Detail::Fields(fields);
        e
    }

    /// An error whose `{detail}` is a domain problem, rendered in the response's language.
    pub fn problem(status: StatusCode, code: &'static str, msg: Msg, problem: Problem) -> ApiError {
        ApiError(Box::new(Inner {
            status,
            code,
            msg,
            args: Vec::new(),
            detail: Detail::Problem(problem),
            retry_after: None,
        }))
    }

    /// 422 `invalid_taxonomy`: a taxonomy text with every fault named, each with its place.
    pub fn taxonomy(errors: Vec<TaxonomyError>) -> ApiError {
        let mut e = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_taxonomy", Msg::ErrInvalidTaxonomy);
        e.0.args.push(("count", errors.len().to_string()));
        e.0.detail = Detail::Taxonomy(errors);
        e
    }

    pub fn conflict(detail: impl ToString) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "conflict", Msg::ErrConflict).arg("detail", detail)
    }

    pub fn internal() -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", Msg::ErrInternal)
    }

    pub fn body(&self, lang: Lang) -> ErrorBody {
        let this = &self.0;
        let problem = match &this.detail {
            // A bad code says what is wrong with it; the message around it already says it is a region code.
            Detail::Problem(Problem::BadCode(e)) => Some(e.message(lang)),
            Detail::Problem(p) => Some(p.message(lang)),
            Detail::Taxonomy(errors) => Some(errors.iter().map(|e| e.message(lang)).collect::<Vec<_>>().join("; ")),
            _ => None,
        };
        let mut args: Vec<(&str, &dyn std::fmt::Display)> =
            this.args.iter().map(|(k, v)| (*k, v as &dyn std::fmt::Display)).collect();
        if let Some(text) = &problem {
            args.push(("detail", text));
        }
        let fields = match &this.detail {
            Detail::Fields(fields) => fields
                .iter()
                .map(|(field, problem)| FieldErrorBody { field: field.clone(), message: problem.message(lang) })
                .collect(),
            Detail::Taxonomy(errors) => {
                errors.iter().map(|e| FieldErrorBody { field: e.path(), message: e.message(lang) }).collect()
            }
            Detail::None | Detail::Problem(_) => Vec::new(),
        };
        ErrorBody { code: this.code, message: lang.format(this.msg, &args), fields }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), Json(self.body(Lang::Id))).into_response();
        if let Some(seconds) = self.0.retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(seconds));
        }
        response.extensions_mut().insert(Arc::new(self));
        response
    }
}

/// Store errors as API errors. Conflicts and bad references get a generic text here: handlers that can say
/// more (which TPS number is taken) map them themselves. Database detail is logged, never returned.
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Conflict(_) => ApiError::conflict("-"),
            StoreError::InvalidReference(_) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_reference", Msg::ErrInvalid).arg("detail", "-")
            }
            StoreError::InvalidText(detail) => {
                tracing::warn!(%detail, "text the database cannot hold reached it");
                ApiError::bad_request("invalid_text", Msg::ErrBadRequest, "text contains a control character (NUL)")
            }
            StoreError::Unavailable(detail) => {
                tracing::error!(%detail, "database unavailable");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", Msg::ErrUnavailable)
            }
            StoreError::ReadOnly(detail) => {
                tracing::error!(%detail, "the database refuses writes (read-only)");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", Msg::ErrReadOnly)
            }
            StoreError::AuditChainBroken(detail) => {
                tracing::error!(%detail, "audit chain broken: audited changes are refused");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "audit_chain_broken", Msg::ErrAuditChainBroken)
            }
            StoreError::UnsupportedUrl(detail) | StoreError::Internal(detail) => {
                tracing::error!(%detail, "storage error");
                ApiError::internal()
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => {
                ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", Msg::ErrBadRequest)
                    .arg("detail", "Content-Type: application/json")
            }
            JsonRejection::BytesRejection(ref r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", Msg::ErrPayloadTooLarge)
            }
            JsonRejection::JsonDataError(e) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_json", Msg::ErrBadJson).arg(
                    "detail",
                    e.body_text().trim_start_matches("Failed to deserialize the JSON body into the target type: "),
                )
            }
            other => ApiError::bad_request("invalid_json", Msg::ErrBadJson, other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        let text = rejection.body_text();
        ApiError::bad_request(
            "invalid_query",
            Msg::ErrBadRequest,
            text.trim_start_matches("Failed to deserialize query string: "),
        )
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        ApiError::bad_request("invalid_path", Msg::ErrBadRequest, rejection.body_text())
    }
}

/// Re-renders an [`ApiError`] body in the language of the request.
pub async fn localize(State(_state): State<AppState>, request: Request, next: Next) -> Response {
    let lang = api_lang(request.headers(), request.uri().query());
    let mut response = next.run(request).await;
    if lang == Lang::Id {
        return response;
    }
    if let Some(error) = response.extensions_mut().remove::<Arc<ApiError>>() {
        let mut localized = (error.status(), Json(error.body(lang))).into_response();
        localized.headers_mut().extend(
            response
                .headers()
                .iter()
                .filter(|(k, _)| *k != axum::http::header::CONTENT_LENGTH)
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        return localized;
    }
    response
}
