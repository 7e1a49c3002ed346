//! Signing in and out through the API. The session travels in the same `HttpOnly` cookie as the web UI's.

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::ApiJson;
use crate::error::{ApiError, ErrorBody};
use crate::trust::auth::{self, CurrentUser, Origin};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    #[schema(example = "kabag.ops")]
    pub username: String,
    pub password: String,
}

/// The signed-in user.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct MeDto {
    pub username: String,
    pub display_name: String,
    /// administrator, commander, operator, field_reporter, observer or external.
    pub role: String,
    pub unit: String,
    /// The region the user sees, or null for the whole nation.
    pub scope: Option<String>,
    /// For requests made with the session cookie: send it as `X-CSRF-Token` on every request that changes
    /// something. Null for requests made with an API token, which need none.
    pub csrf_token: Option<String>,
}

impl MeDto {
    fn new(u: &sinergi_store::UserRecord, csrf: &str) -> MeDto {
        MeDto {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.as_str().to_owned(),
            unit: u.unit_code.clone(),
            scope: u.scope.as_stored().map(str::to_owned),
            csrf_token: (!csrf.is_empty()).then(|| csrf.to_owned()),
        }
    }
}

/// Signs in; the session cookie comes back in `Set-Cookie`. Wrong username, wrong password and a disabled
/// account get the same 401.
#[utoipa::path(post, path = "/auth/login", tag = "auth", security(()), request_body = LoginInput,
    responses((status = 200, body = MeDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(origin): Extension<Origin>,
    ApiJson(input): ApiJson<LoginInput>,
) -> Result<Response, ApiError> {
    match auth::login(&state, &headers, &input.username, &input.password, &origin.0).await? {
        Ok((user, cookie, csrf)) => {
            let mut response = ApiJson(MeDto::new(&user, &csrf)).into_response();
            response.headers_mut().insert(header::SET_COOKIE, cookie);
            Ok(response)
        }
        Err(refusal) => Err(auth::refused(refusal)),
    }
}

/// Ends the session.
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
) -> Result<Response, ApiError> {
    auth::logout(&state, &current, &origin.0).await?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, auth::clearing_cookie())]).into_response())
}

/// Who is signed in.
#[utoipa::path(get, path = "/auth/me", tag = "auth",
    responses((status = 200, body = MeDto), (status = 401, body = ErrorBody)))]
pub async fn me(current: CurrentUser) -> ApiJson<MeDto> {
    ApiJson(MeDto::new(&current.user, &current.csrf))
}
