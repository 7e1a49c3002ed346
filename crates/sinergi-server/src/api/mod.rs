//! The JSON API under `/api/v1`, described by an OpenAPI document generated from these handlers
//! (`/api/v1/openapi.json`).

use axum::extract::{FromRequest, FromRequestParts};
use axum::response::IntoResponse;
use sinergi_domain::RegionCode;
use sinergi_domain::i18n::Msg;
use sinergi_domain::import::Problem;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::{ApiError, Code, ErrorBody};

mod area;
pub(crate) mod desk;
pub mod dto;
pub(crate) mod early_warning;
mod intake;
pub(crate) mod regions;
pub(crate) mod report_export;
pub(crate) mod reports;
mod session;
pub(crate) mod taxonomy;
mod tokens;
mod tps;
mod units;
pub(crate) mod vulnerability;

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
                crate::auth::COOKIE,
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
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(regions::provinces))
        .routes(routes!(regions::search))
        .routes(routes!(regions::region))
        .routes(routes!(regions::children))
        .routes(routes!(regions::map))
        .routes(routes!(tps::list, tps::create))
        .routes(routes!(tps::get, tps::update))
        .routes(routes!(units::agencies))
        .routes(routes!(units::list))
        .routes(routes!(units::get))
        .routes(routes!(health))
        .routes(routes!(session::login))
        .routes(routes!(session::logout))
        .routes(routes!(session::me))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(vulnerability::sets))
        .routes(routes!(vulnerability::set))
        .routes(routes!(vulnerability::tps_classes))
        .routes(routes!(vulnerability::areas))
        .routes(routes!(vulnerability::export))
        .routes(routes!(vulnerability::photo))
        .routes(routes!(vulnerability::history, vulnerability::record))
        .routes(routes!(area::list, area::record))
        .routes(routes!(reports::list, reports::create))
        .routes(routes!(reports::queue))
        .routes(routes!(reports::escalations))
        .routes(routes!(report_export::export))
        .routes(routes!(reports::get))
        .routes(routes!(reports::move_report))
        .routes(routes!(reports::comment))
        .routes(routes!(reports::categories, taxonomy::replace))
        .routes(routes!(taxonomy::versions))
        .routes(routes!(taxonomy::version))
        .routes(routes!(desk::feed))
        .routes(routes!(desk::share))
        .routes(routes!(desk::revoke))
        .routes(routes!(desk::decide))
        .routes(routes!(intake::message))
        .routes(routes!(early_warning::list, early_warning::create))
        .routes(routes!(early_warning::get))
        .routes(routes!(early_warning::alerts))
        .routes(routes!(early_warning::alert))
        .split_for_parts()
}

/// Readiness: answers when the server runs and the database answers and takes writes (503 otherwise).
#[utoipa::path(get, path = "/health", tag = "system", security(()),
    responses((status = 200, body = dto::HealthDto), (status = 503, body = ErrorBody)))]
async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<ApiJson<dto::HealthDto>, ApiError> {
    state.store.meta("schema.probe").await?;
    // Reads alone would pass on a read-only file or a standby, where every sign-in and report fails: not ready.
    if !state.writable().await? {
        return Err(ApiError::new(Code::Unavailable, Msg::ErrReadOnly));
    }
    let backend = match state.store.backend() {
        sinergi_store::Backend::Sqlite => "sqlite",
        sinergi_store::Backend::Postgres => "postgres",
    };
    Ok(ApiJson(dto::HealthDto {
        status: "ok".into(),
        backend: backend.into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }))
}
