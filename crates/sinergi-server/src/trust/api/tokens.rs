//! API tokens for machine clients (SMS gateways, scripts): made, listed and revoked by the account that owns them
//! (administrators see and revoke those of the accounts in their territory; a national one every account's). Only a signed-in person makes a token: a request made with a
//! token cannot mint more.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use sinergi_domain::access::Action;
use sinergi_domain::i18n::Msg;
use sinergi_store::TokenOwners;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery, parse_code};
use crate::error::{ApiError, Code, ErrorBody};
use crate::trust::auth::{self, Credential, CurrentUser, Origin};
use crate::trust::tokens::{self, IssueError, TokenRequest};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    /// What the token is for (1 to 80 characters), e.g. "SMS gateway".
    #[schema(example = "SMS gateway", min_length = 1, max_length = 80)]
    pub name: String,
    /// A region inside your scope that the token is limited to; omitted, the token has your scope.
    pub region: Option<String>,
    /// Limit the token to reading.
    #[serde(default)]
    pub read_only: bool,
    /// Days until the token expires: 1 to 3650, 365 when omitted.
    #[schema(minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<u32>,
}

/// A token as listed: never its secret.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TokenDto {
    pub id: String,
    pub username: String,
    pub name: String,
    pub region: Option<String>,
    pub read_only: bool,
    /// Milliseconds since the Unix epoch.
    pub created_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub last_used_at_ms: Option<i64>,
    pub revoked_at_ms: Option<i64>,
}

impl From<sinergi_store::TokenRecord> for TokenDto {
    fn from(t: sinergi_store::TokenRecord) -> TokenDto {
        TokenDto {
            id: t.id,
            username: t.username,
            name: t.name,
            region: t.scope.map(|c| c.to_string()),
            read_only: t.read_only,
            created_at_ms: t.created_at_ms,
            expires_at_ms: t.expires_at_ms,
            last_used_at_ms: t.last_used_at_ms,
            revoked_at_ms: t.revoked_at_ms,
        }
    }
}

/// A new token: `token` is shown this once and cannot be retrieved later.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct NewTokenDto {
    /// Send it as `Authorization: Bearer <token>`.
    pub token: String,
    #[serde(flatten)]
    pub record: TokenDto,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TokenListQuery {
    /// Administrators: list the tokens of every account in your territory.
    pub all: Option<bool>,
}

/// Your API tokens (administrators: with `all=true`, those of every account in your territory), newest first.
#[utoipa::path(get, path = "/tokens", tag = "auth", operation_id = "list_tokens", params(TokenListQuery),
    responses((status = 200, body = Vec<TokenDto>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<TokenListQuery>,
) -> Result<ApiJson<Vec<TokenDto>>, ApiError> {
    current.require(Action::ManageOwnTokens)?;
    let owners = if query.all.unwrap_or(false) {
        current.require(Action::Administer)?;
        // An administrator acts within their territory, like every other role: a regency's sees the tokens of
        // the accounts there, only a national one every token.
        TokenOwners::Within(current.viewer.scope.clone())
    } else {
        TokenOwners::Account(current.user.id)
    };
    let tokens = state.store.list_tokens(&owners).await?;
    Ok(ApiJson(tokens.into_iter().map(TokenDto::from).collect()))
}

/// Makes a token for your account. Only a signed-in session may: a token cannot make tokens.
#[utoipa::path(post, path = "/tokens", tag = "auth", operation_id = "create_token", request_body = TokenInput,
    responses((status = 201, body = NewTokenDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiJson(input): ApiJson<TokenInput>,
) -> Result<(StatusCode, ApiJson<NewTokenDto>), ApiError> {
    current.require(Action::ManageOwnTokens)?;
    if matches!(current.credential, Credential::Token { .. }) {
        return Err(auth::forbidden());
    }
    let region = input.region.as_deref().map(|r| parse_code(r, "region")).transpose()?;
    let request = TokenRequest {
        name: input.name,
        region,
        read_only: input.read_only,
        days: input.expires_in_days.unwrap_or(tokens::DEFAULT_DAYS),
    };
    let invalid = |e: IssueError| ApiError::bad_request(Code::InvalidTokenRequest, Msg::ErrBadRequest, e);
    let (token, record) = match tokens::issue(
        &*state.store,
        &current.user,
        &request,
        auth::now_ms(),
        &current.actor(),
        &origin.0,
    )
    .await
    {
        Ok(done) => done,
        Err(IssueError::Store(e)) => return Err(e.into()),
        Err(IssueError::Secret(e)) => {
            tracing::error!(error = %e, "no random source");
            return Err(ApiError::internal());
        }
        Err(e) => return Err(invalid(e)),
    };
    Ok((StatusCode::CREATED, ApiJson(NewTokenDto { token, record: record.into() })))
}

/// Revokes a token of yours (administrators: of any account in your territory). It stops working at once.
#[utoipa::path(delete, path = "/tokens/{id}", tag = "auth", operation_id = "revoke_token",
    params(("id" = String, Path, description = "The token's id (12 hex digits)")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    current.require(Action::ManageOwnTokens)?;
    let owners = if current.viewer.may(Action::Administer) {
        TokenOwners::Within(current.viewer.scope.clone())
    } else {
        TokenOwners::Account(current.user.id)
    };
    let well_formed = id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let event = auth::event(&current.actor(), "token.revoke", &format!("token:{id}"), String::new(), &origin.0);
    if well_formed && state.store.revoke_token(&id, &owners, &event).await? {
        // This instance stops accepting it at once; others within `auth::TOKEN_TTL`.
        state.tokens.clear();
        Ok(StatusCode::NO_CONTENT)
    } else {
        let shown: String = id.chars().take(40).collect::<String>().escape_default().to_string();
        Err(ApiError::not_found(Code::TokenNotFound, Msg::ErrTokenNotFound, ("id", shown)))
    }
}
