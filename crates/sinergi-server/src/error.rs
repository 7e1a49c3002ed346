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
    /// A calendar refused whole (a calendar file, or an iCalendar file and what it would make of the calendar):
    /// every fault with its place.
    Calendar(Vec<CalendarFault>),
    /// Faults already rendered, each with its place, in Bahasa Indonesia and in English.
    Faults(Vec<Fault>),
}

/// A fault of a file (a roster, a pattern, a travel-time matrix) with its place, in both languages.
#[derive(Debug, Clone)]
pub struct Fault {
    pub place: (String, String),
    pub message: (String, String),
}

impl Fault {
    fn place(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.place.0,
            Lang::En => &self.place.1,
        }
    }

    fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.message.0,
            Lang::En => &self.message.1,
        }
    }
}

/// A fault of a calendar being loaded, with its place.
#[derive(Debug, Clone)]
pub enum CalendarFault {
    File(sinergi_domain::coordination::calendar::CalendarError),
    Ics(sinergi_domain::coordination::calendar::IcsError),
    /// An event of an iCalendar file that cannot be placed (`line N`).
    Event(String, Problem),
}

impl CalendarFault {
    fn place(&self, lang: Lang) -> String {
        match self {
            CalendarFault::File(e) => e.path(),
            CalendarFault::Ics(e) => lang.format(Msg::IcsPlaceLine, &[("line", &e.line)]),
            CalendarFault::Event(place, _) => place.clone(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            CalendarFault::File(e) => e.message(lang),
            CalendarFault::Ics(e) => e.message(lang),
            CalendarFault::Event(_, p) => p.message(lang),
        }
    }
}

/// Declares [`Code`]: every error code of the API with its status and what it means, in one table.
macro_rules! codes {
    ($($variant:ident = $text:literal, $status:ident, $meaning:literal;)*) => {
        /// Every error code the API answers, with its HTTP status and meaning: the `code` of an [`ErrorBody`] is
        /// one of these, and the table in docs/api.md is checked against this one by a test.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            /// The stable string of the code (two variants may share one, under different statuses).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }

            pub fn status(self) -> StatusCode {
                match self {
                    $(Code::$variant => StatusCode::$status,)*
                }
            }

            /// When it is answered, for the documentation.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Code::$variant => $meaning,)*
                }
            }
        }
    };
}

codes! {
    InvalidRegionCode = "invalid_region_code", BAD_REQUEST, "a region code in the path or query is malformed";
    InvalidQuery = "invalid_query", BAD_REQUEST, "a query parameter is missing, malformed or out of range";
    InvalidPath = "invalid_path", BAD_REQUEST, "a path parameter has the wrong type";
    InvalidJson = "invalid_json", BAD_REQUEST, "the body is not JSON";
    InvalidJsonData = "invalid_json", UNPROCESSABLE_ENTITY, "the JSON has a wrong type or an unknown field";
    MapNeedsRegency = "map_needs_regency", BAD_REQUEST, "a map was asked for a province or a village";
    InvalidText = "invalid_text", BAD_REQUEST, "text the database cannot hold (a NUL character)";
    InvalidTokenRequest = "invalid_token_request", BAD_REQUEST, "a token request with a bad name, lifetime or region";
    InvalidLastEventId = "invalid_last_event_id", BAD_REQUEST, "the live feed's Last-Event-ID is not an event id";
    Unauthenticated = "unauthenticated", UNAUTHORIZED, "no session, or it has expired or been ended";
    LoginFailed = "login_failed", UNAUTHORIZED, "wrong username or password, or a disabled account";
    InvalidToken = "invalid_token", UNAUTHORIZED, "the bearer token does not open";
    Forbidden = "forbidden", FORBIDDEN, "the role may not do this";
    CsrfFailed = "csrf_failed", FORBIDDEN, "a change made with the session cookie without the right CSRF token";
    OwnReport = "own_report", FORBIDDEN, "the reporter may not verify or reject their own report";
    NotOwner = "not_owner", FORBIDDEN, "only the owning agency shares a report or revokes a share";
    NotResponsible = "not_responsible", FORBIDDEN, "only the owning and the responsible agencies move a report";
    RegionNotFound = "region_not_found", NOT_FOUND, "no such region, or not in your territory";
    TpsNotFound = "tps_not_found", NOT_FOUND, "no such TPS, or not in your territory";
    UnitNotFound = "unit_not_found", NOT_FOUND, "no such unit";
    TokenNotFound = "token_not_found", NOT_FOUND, "no such token among those you may revoke";
    IndicatorSetNotFound = "indicator_set_not_found", NOT_FOUND, "no such indicator set";
    PhotoNotFound = "photo_not_found", NOT_FOUND, "no such photo";
    RouteNotFound = "route_not_found", NOT_FOUND, "no such API route";
    ReportNotFound = "report_not_found", NOT_FOUND, "no such report, or not one you may read";
    DuplicateNotFound = "duplicate_not_found", NOT_FOUND, "no such pair of probable duplicates";
    ScanNotFound = "scan_not_found", NOT_FOUND, "no such early warning run, or outside your territory";
    AlertNotFound = "alert_not_found", NOT_FOUND, "no such alert, or outside your territory";
    TaxonomyVersionNotFound = "taxonomy_version_not_found", NOT_FOUND, "no stored taxonomy version with that id";
    MeetingNotFound = "meeting_not_found", NOT_FOUND, "no such meeting, or not one you may read";
    ActionItemNotFound = "action_item_not_found", NOT_FOUND, "no such action item, or not one you may read";
    AttachmentNotFound = "attachment_not_found", NOT_FOUND, "no such file of a meeting, or not one you may open";
    PlanNotFound = "plan_not_found", NOT_FOUND, "no such deployment plan, or not one you may read";
    PlanJobNotFound = "plan_job_not_found", NOT_FOUND, "no such plan being made by you on this server";
    Conflict = "conflict", CONFLICT, "the TPS number is already taken in that village";
    TransitionNotAllowed = "transition_not_allowed", CONFLICT, "a move the workflow does not allow now";
    AlreadyShared = "already_shared", CONFLICT, "a share that exists already";
    NotShared = "not_shared", CONFLICT, "a share that does not exist";
    DuplicateDecided = "duplicate_decided", CONFLICT, "a pair of probable duplicates decided already";
    MeetingClosed = "meeting_closed", CONFLICT, "a change to a cancelled meeting";
    ChangedMeanwhile = "changed_meanwhile", CONFLICT, "others kept changing the meeting or moved the item meanwhile";
    PlanNotDraft = "plan_not_draft", CONFLICT, "only a draft plan is approved";
    PlanRunning = "plan_running", CONFLICT, "a plan of yours is still being made";
    PayloadTooLarge = "payload_too_large", PAYLOAD_TOO_LARGE, "the body is over 1 MiB";
    UnsupportedMediaType = "unsupported_media_type", UNSUPPORTED_MEDIA_TYPE, "the body is not application/json";
    ValidationFailed = "validation_failed", UNPROCESSABLE_ENTITY, "the values break a rule; fields lists each";
    InvalidReference = "invalid_reference", UNPROCESSABLE_ENTITY, "the change names a record that does not exist";
    InvalidTaxonomy = "invalid_taxonomy", UNPROCESSABLE_ENTITY, "a taxonomy text with faults";
    InvalidCalendar = "invalid_calendar", UNPROCESSABLE_ENTITY, "a calendar (TOML or iCalendar) with faults";
    InvalidFile = "invalid_file", UNPROCESSABLE_ENTITY, "a roster, pattern or travel-time matrix with faults";
    CategoryInUse = "category_in_use", UNPROCESSABLE_ENTITY, "a new taxonomy drops categories reports use";
    ReasonRequired = "reason_required", UNPROCESSABLE_ENTITY, "a rejection or reopening without a reason";
    ShareOwnAgency = "share_own_agency", UNPROCESSABLE_ENTITY, "sharing a report with its own agency";
    ExportTooLarge = "export_too_large", UNPROCESSABLE_ENTITY, "more reports match than one export holds";
    LockedOut = "locked_out", TOO_MANY_REQUESTS, "too many failed sign-ins for this username or address";
    TooManyFeeds = "too_many_feeds", TOO_MANY_REQUESTS, "too many live feeds open for this account or address";
    Internal = "internal", INTERNAL_SERVER_ERROR, "a failure on the server (logged)";
    Unavailable = "unavailable", SERVICE_UNAVAILABLE, "the database does not answer, or can only be read";
    AuditChainBroken = "audit_chain_broken", SERVICE_UNAVAILABLE, "entries lie beyond the audit log's head";
    Busy = "busy", SERVICE_UNAVAILABLE, "too many password checks, or plans being made, at once";
}

/// An error on its way to becoming a response. Boxed, so that `Result<T, ApiError>` stays small on the happy path.
#[derive(Debug, Clone)]
pub struct ApiError(Box<Inner>);

#[derive(Debug, Clone)]
struct Inner {
    code: Code,
    msg: Msg,
    args: Vec<(&'static str, String)>,
    detail: Detail,
    /// Seconds for a `Retry-After` header (lock-outs).
    retry_after: Option<i64>,
}

impl ApiError {
    pub fn new(code: Code, msg: Msg) -> ApiError {
        ApiError(Box::new(Inner { code, msg, args: Vec::new(), detail: Detail::None, retry_after: None }))
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
        self.0.code.status()
    }

    pub fn code(&self) -> Code {
        self.0.code
    }

    /// A "not found" code with the one argument its message names.
    pub fn not_found(code: Code, msg: Msg, arg: (&'static str, String)) -> ApiError {
        ApiError::new(code, msg).arg(arg.0, arg.1)
    }

    /// A code with a `{detail}` in its message.
    pub fn bad_request(code: Code, msg: Msg, detail: impl ToString) -> ApiError {
        ApiError::new(code, msg).arg("detail", detail)
    }

    /// 422 with every faulty field named.
    pub fn validation(fields: Vec<(String, Problem)>) -> ApiError {
        let mut e = ApiError::new(Code::ValidationFailed, Msg::ErrInvalid);
        let summary = fields.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>().join(", ");
        e.0.args.push(("detail", summary));
        e.0.detail = Detail::Fields(fields);
        e
    }

    /// An error whose `{detail}` is a domain problem, rendered in the response's language.
    pub fn problem(code: Code, msg: Msg, problem: Problem) -> ApiError {
        ApiError(Box::new(Inner { code, msg, args: Vec::new(), detail: Detail::Problem(problem), retry_after: None }))
    }

    /// 422 `invalid_taxonomy`: a taxonomy text with every fault named, each with its place.
    pub fn taxonomy(errors: Vec<TaxonomyError>) -> ApiError {
        let mut e = ApiError::new(Code::InvalidTaxonomy, Msg::ErrInvalidTaxonomy);
        e.0.args.push(("count", errors.len().to_string()));
        e.0.detail = Detail::Taxonomy(errors);
        e
    }

    /// 422 `invalid_calendar`: a calendar (file or iCalendar) with every fault named, each with its place.
    pub fn calendar(faults: Vec<CalendarFault>) -> ApiError {
        let mut e = ApiError::new(Code::InvalidCalendar, Msg::ErrInvalidCalendar);
        e.0.args.push(("count", faults.len().to_string()));
        e.0.detail = Detail::Calendar(faults);
        e
    }

    /// 422 `invalid_file`: a file (roster, pattern, matrix) with every fault named, each with its place.
    pub fn faults(faults: Vec<Fault>) -> ApiError {
        let mut e = ApiError::new(Code::InvalidFile, Msg::ErrInvalidFile);
        e.0.args.push(("count", faults.len().to_string()));
        e.0.detail = Detail::Faults(faults);
        e
    }

    pub fn conflict(detail: impl ToString) -> ApiError {
        ApiError::new(Code::Conflict, Msg::ErrConflict).arg("detail", detail)
    }

    pub fn internal() -> ApiError {
        ApiError::new(Code::Internal, Msg::ErrInternal)
    }

    pub fn body(&self, lang: Lang) -> ErrorBody {
        let this = &self.0;
        let problem = match &this.detail {
            // A bad code says what is wrong with it; the message around it already says it is a region code.
            Detail::Problem(Problem::BadCode(e)) => Some(e.message(lang)),
            Detail::Problem(p) => Some(p.message(lang)),
            Detail::Taxonomy(errors) => Some(errors.iter().map(|e| e.message(lang)).collect::<Vec<_>>().join("; ")),
            Detail::Calendar(faults) => Some(
                faults.iter().map(|f| format!("{}: {}", f.place(lang), f.message(lang))).collect::<Vec<_>>().join("; "),
            ),
            Detail::Faults(faults) => Some(
                faults
                    .iter()
                    .take(5)
                    .map(|f| format!("{}: {}", f.place(lang), f.message(lang)))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
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
            Detail::Calendar(faults) => {
                faults.iter().map(|f| FieldErrorBody { field: f.place(lang), message: f.message(lang) }).collect()
            }
            Detail::Faults(faults) => faults
                .iter()
                .map(|f| FieldErrorBody { field: f.place(lang).to_owned(), message: f.message(lang).to_owned() })
                .collect(),
            Detail::None | Detail::Problem(_) => Vec::new(),
        };
        ErrorBody { code: this.code.as_str(), message: lang.format(this.msg, &args), fields }
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
                ApiError::new(Code::InvalidReference, Msg::ErrInvalid).arg("detail", "-")
            }
            StoreError::InvalidText(detail) => {
                tracing::warn!(%detail, "text the database cannot hold reached it");
                ApiError::bad_request(Code::InvalidText, Msg::ErrBadRequest, "text contains a control character (NUL)")
            }
            StoreError::Unavailable(detail) => {
                tracing::error!(%detail, "database unavailable");
                ApiError::new(Code::Unavailable, Msg::ErrUnavailable)
            }
            StoreError::ReadOnly(detail) => {
                tracing::error!(%detail, "the database refuses writes (read-only)");
                ApiError::new(Code::Unavailable, Msg::ErrReadOnly)
            }
            StoreError::AuditChainBroken(detail) => {
                tracing::error!(%detail, "audit chain broken: audited changes are refused");
                ApiError::new(Code::AuditChainBroken, Msg::ErrAuditChainBroken)
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
            JsonRejection::MissingJsonContentType(_) => ApiError::new(Code::UnsupportedMediaType, Msg::ErrBadRequest)
                .arg("detail", "Content-Type: application/json"),
            JsonRejection::BytesRejection(ref r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::new(Code::PayloadTooLarge, Msg::ErrPayloadTooLarge)
            }
            JsonRejection::JsonDataError(e) => ApiError::new(Code::InvalidJsonData, Msg::ErrBadJson).arg(
                "detail",
                e.body_text().trim_start_matches("Failed to deserialize the JSON body into the target type: "),
            ),
            other => ApiError::bad_request(Code::InvalidJson, Msg::ErrBadJson, other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        let text = rejection.body_text();
        ApiError::bad_request(
            Code::InvalidQuery,
            Msg::ErrBadRequest,
            text.trim_start_matches("Failed to deserialize query string: "),
        )
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        ApiError::bad_request(Code::InvalidPath, Msg::ErrBadRequest, rejection.body_text())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows of the error table in docs/api.md: (status, codes, meaning).
    fn documented() -> Vec<(u16, Vec<String>)> {
        let doc = include_str!("../../../docs/api.md");
        let table = doc.split("## Errors").nth(1).expect("docs/api.md has an Errors section");
        table
            .lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let status = cells.get(1)?.parse::<u16>().ok()?;
                let codes = cells.get(2)?.split(',').map(|c| c.trim().trim_matches('`').to_owned()).collect();
                Some((status, codes))
            })
            .collect()
    }

    /// The API's error codes and docs/api.md's table agree: every code is documented under its status, and the
    /// table names no code the server does not answer.
    #[test]
    fn every_code_is_documented_under_its_status() {
        let rows = documented();
        assert!(rows.len() > 20, "{rows:?}");
        for code in Code::ALL {
            let status = code.status().as_u16();
            let listed = rows.iter().any(|(s, codes)| *s == status && codes.iter().any(|c| c == code.as_str()));
            assert!(listed, "{code:?} ({status} {}) is missing from docs/api.md", code.as_str());
            assert!(!code.meaning().is_empty());
        }
        for (status, codes) in &rows {
            for text in codes {
                let known = Code::ALL.iter().any(|c| c.as_str() == text && c.status().as_u16() == *status);
                assert!(known, "docs/api.md lists {status} {text}, which no Code is");
            }
        }
    }
}
