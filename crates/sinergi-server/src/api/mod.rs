//! The JSON API under `/api/v1`, described by an OpenAPI document generated from these handlers
//! (`/api/v1/openapi.json`).

use axum::extract::{FromRequest, FromRequestParts};
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use sinergi_domain::RegionCode;
use sinergi_domain::i18n::Msg;
use sinergi_domain::import::Problem;
use utoipa::OpenApi;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::{ApiError, Code, ErrorBody};
use sinergi_store::Page;

/// `axum::Json`, with rejections as [`ApiError`]s.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Query`, with rejections as [`ApiError`]s.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// `axum::extract::Path`, with rejections as [`ApiError`]s.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// Parses a region code from a request, naming the parameter in the error.
pub fn parse_code(text: &str, parameter: &'static str) -> Result<RegionCode, ApiError> {
    RegionCode::parse(text).map_err(|e| {
        ApiError::problem(Code::InvalidRegionCode, Msg::ErrBadRegionCode, Problem::BadCode(e))
            .arg("parameter", parameter)
    })
}

/// The page a list asks for (`page`, `per_page`), checked: every paged list of the API reads it the same way.
const DEFAULT_PAGE_SIZE: u32 = 100;
/// Highest page number: far beyond any real list, and small enough for every client's integers.
const MAX_PAGE: u32 = 1_000_000;

pub(crate) fn page_param(page: Option<u32>, per_page: Option<u32>) -> Result<Page, ApiError> {
    let number = page.unwrap_or(1);
    let size = per_page.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE).contains(&number) {
        return Err(ApiError::bad_request(Code::InvalidQuery, Msg::ErrBadRequest, format!("page: 1 to {MAX_PAGE}")));
    }
    if !(1..=Page::MAX_SIZE).contains(&size) {
        return Err(ApiError::bad_request(
            Code::InvalidQuery,
            Msg::ErrBadRequest,
            format!("per_page: 1 to {}", Page::MAX_SIZE),
        ));
    }
    Ok(Page::new(number, size))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sinergi API",
        description = "Cross-sector coordination of election security: registry of regions, polling stations \
                       (TPS), agencies and units. Errors are JSON `{code, message}` with a stable `code`; messages \
                       are in Bahasa Indonesia unless `Accept-Language: en` or `?lang=en` asks for English.",
        license(name = "Apache-2.0")
    ),
    servers((url = "/api/v1", description = "This server")),
    components(schemas(ErrorBody)),
    modifiers(&Security),
    security(("session" = []), ("token" = [])),
    tags(
        (name = "regions", description = "The Kemendagri region hierarchy and maps"),
        (name = "tps", description = "Polling stations"),
        (name = "agencies", description = "Agencies and their units"),
        (name = "vulnerability", description = "Vulnerability mapping: indicator sets, TPS classes, area indices, assessments"),
        (name = "reports", description = "The incident desk: incident and intelligence reports, their workflow and comments"),
        (name = "early-warning", description = "The early warning scan on the live reports: runs, and the alerts they raise (docs/scan.md)"),
        (name = "coordination", description = "The coordination meeting (rakor): meetings, attendance, briefings, minutes, decisions, and their action items (docs/coordination.md)"),
        (name = "deployment", description = "Deployment planning: plans (posts, named people, patrols, reserves) made as jobs, approved, compared and exported; rosters; a regency's security pattern (docs/deployment.md)"),
        (name = "auth", description = "Signing in and out (session cookie) and API tokens (`Authorization: Bearer`)"),
        (name = "system", description = "Health and the API description")
    )
)]
struct ApiDoc;

/// How a caller proves who it is: the session cookie of the web UI (with `X-CSRF-Token` on requests that change
/// something), or an API token.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::trust::auth::COOKIE,
                "Set by POST /auth/login. Requests that change something also send the session's CSRF token \
                 (`csrf_token` of /auth/me) as `X-CSRF-Token`.",
            ))),
        );
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("sinergi_<id>_<secret>")
                    .description(Some("An API token from POST /tokens or `sinergi token create`."))
                    .build(),
            ),
        );
    }
}

/// The API routes (to be nested under `/api/v1`) and their OpenAPI description.
pub fn router() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    // One line per capability: each registers its own routes (see `routes` in its `api` module).
    let router = OpenApiRouter::with_openapi(ApiDoc::openapi()).routes(routes!(health));
    let router = crate::registry::api::routes(router);
    let router = crate::trust::api::routes(router);
    let router = crate::vulnerability::api::routes(router);
    let router = crate::incident::api::routes(router);
    let router = crate::early_warning::api::routes(router);
    let router = crate::coordination::api::routes(router);
    let router = crate::deployment::api::routes(router);
    router.split_for_parts()
}

/// Readiness: answers when the server runs and the database answers and takes writes (503 otherwise).
#[utoipa::path(get, path = "/health", tag = "system", security(()),
    responses((status = 200, body = HealthDto), (status = 503, body = ErrorBody)))]
async fn health(axum::extract::State(state): axum::extract::State<AppState>) -> Result<ApiJson<HealthDto>, ApiError> {
    state.store.meta("schema.probe").await?;
    // Reads alone would pass on a read-only file or a standby, where every sign-in and report fails: not ready.
    if !state.writable().await? {
        return Err(ApiError::new(Code::Unavailable, Msg::ErrReadOnly));
    }
    let backend = match state.store.backend() {
        sinergi_store::Backend::Sqlite => "sqlite",
        sinergi_store::Backend::Postgres => "postgres",
    };
    Ok(ApiJson(HealthDto { status: "ok".into(), backend: backend.into(), version: env!("CARGO_PKG_VERSION").into() }))
}

/// Liveness and what the server is connected to.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HealthDto {
    pub status: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    pub version: String,
}
