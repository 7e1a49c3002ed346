//! Who is calling: sessions by cookie, login and logout (web form and API), and the middleware that asks for a
//! login on every page and API route except the few that must stay open (the login itself, static assets, the
//! health check and the API description).
//!
//! A session ends after `session_idle` without a request, or `session_absolute` after login, whichever comes
//! first; logging out, disabling the account or replacing its password ends it at once.

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sinergi_domain::audit::AuditEvent;
use sinergi_domain::auth::{parse_session_id, secret_digest};
use sinergi_domain::i18n::Msg;
use sinergi_store::{NewSession, UserRecord};

use crate::AppState;
use crate::error::ApiError;
use crate::secrets::{hash_password, random_secret, verify_password};

pub const COOKIE: &str = "sinergi_session";

/// Sessions are touched at most this often, so that reading pages does not write the database on every request.
const TOUCH_EVERY_MS: i64 = 60_000;

/// The signed-in user of a request, put there by [`authenticate`].
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub user: UserRecord,
    pub session_digest: String,
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<CurrentUser>().cloned().ok_or_else(unauthenticated)
    }
}

pub fn unauthenticated() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", Msg::ErrUnauthenticated)
}

pub fn forbidden() -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "forbidden", Msg::ErrForbidden)
}

pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// Where a request came from (the peer's IP address), for the audit log; put in every request's extensions by
/// [`authenticate`].
#[derive(Clone, Debug)]
pub struct Origin(pub String);

fn origin_of(extensions: &axum::http::Extensions) -> Origin {
    Origin(extensions.get::<ConnectInfo<SocketAddr>>().map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string()))
}

/// Appends an event; a failure is logged and answered with a 500. The change itself has committed by then
/// (writing both in one transaction is the next step; see docs/security.md), so the caller learns that
/// something is wrong instead of being told all went well.
pub async fn audit(
    state: &AppState,
    actor: &str,
    action: &str,
    target: &str,
    detail: String,
    origin: &str,
) -> Result<(), ApiError> {
    let event = AuditEvent {
        at_ms: now_ms(),
        actor: actor.to_owned(),
        action: action.to_owned(),
        target: target.to_owned(),
        detail,
        origin: origin.to_owned(),
    };
    state.store.append_audit(&event).await.map(|_| ()).map_err(|e| {
        tracing::error!(error = %e, "audit log append failed");
        ApiError::internal()
    })
}

/// Paths that answer without a login.
fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/login" | "/favicon.svg" | "/favicon.ico" | "/api/v1/health" | "/api/v1/openapi.json" | "/api/v1/auth/login"
    ) || path.starts_with("/assets/")
        || path.starts_with("/lang/")
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The user behind the request's session cookie, if the session is valid now. An expired session is deleted.
async fn session_user(state: &AppState, headers: &HeaderMap) -> Result<Option<CurrentUser>, ApiError> {
    let Some(id) = cookie_value(headers, COOKIE).and_then(parse_session_id) else { return Ok(None) };
    let digest = secret_digest(id);
    let Some((session, user)) = state.store.session(&digest).await? else { return Ok(None) };
    let now = now_ms();
    let idle = state.config.session_idle.as_millis() as i64;
    if now >= session.expires_at_ms || now - session.last_seen_at_ms >= idle || user.disabled {
        state.store.delete_session(&digest).await?;
        return Ok(None);
    }
    if now - session.last_seen_at_ms >= TOUCH_EVERY_MS {
        state.store.touch_session(&digest, now).await?;
    }
    Ok(Some(CurrentUser { user, session_digest: digest }))
}

/// Asks for a login everywhere but on public paths: API calls get 401, pages a redirect to the login form.
pub async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let current = match session_user(&state, request.headers()).await {
        Ok(current) => current,
        Err(e) => return e.into_response(),
    };
    let path = request.uri().path().to_owned();
    let origin = origin_of(request.extensions());
    request.extensions_mut().insert(origin);
    match current {
        Some(current) => {
            request.extensions_mut().insert(current);
            next.run(request).await
        }
        None if is_public(&path) => next.run(request).await,
        None if path.starts_with("/api/") => unauthenticated().into_response(),
        None => {
            let here = request.uri().path_and_query().map_or("/", |p| p.as_str());
            Redirect::to(&format!("/login?next={}", crate::pages::percent_encode(here))).into_response()
        }
    }
}

/// Why a login failed. Deliberately one answer for "no such user", "wrong password" and "disabled", so that the
/// form reveals nothing about which accounts exist.
pub struct LoginFailed;

/// How long a sign-in waits for a free password-hashing slot before it is told to try again.
const HASHING_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs the argon2 check off the async workers, at most [`crate::HASHING_SLOTS`] at a time, so that a burst of
/// sign-ins (or an attacker's) cannot stall every other request.
async fn password_matches(state: &AppState, password: &str, stored: Option<String>) -> Result<bool, ApiError> {
    let permit = tokio::time::timeout(HASHING_WAIT, state.hashing.clone().acquire_owned())
        .await
        .map_err(|_| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", Msg::ErrBusy))?
        .map_err(|_| ApiError::internal())?;
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        match stored {
            Some(hash) => verify_password(&password, &hash),
            None => {
                // Spend the same time as a real check, so response times do not tell which usernames exist.
                let _ = hash_password(&password);
                false
            }
        }
    })
    .await
    .map_err(|_| ApiError::internal())
}

/// Checks the credentials and opens a session; returns the user and the `Set-Cookie` value. The session the
/// request already carries, if any, is ended (a sign-in always starts a fresh session), and sessions that have
/// expired are swept out.
pub async fn login(
    state: &AppState,
    headers: &HeaderMap,
    username: &str,
    password: &str,
    origin: &str,
) -> Result<Result<(UserRecord, HeaderValue), LoginFailed>, ApiError> {
    let user = state.store.user_by_name(username.trim()).await?;
    let ok = password_matches(state, password, user.as_ref().map(|u| u.password_hash.clone())).await?;
    let ok = ok && user.as_ref().is_some_and(|u| !u.disabled);
    let (Some(user), true) = (user.clone(), ok) else {
        // What was typed as a username is kept only when it names an account: people type their password into
        // the wrong field, and the audit log keeps everything forever.
        let target = user.map_or_else(|| "(unknown user)".to_owned(), |u| u.username);
        audit(state, "anonymous", "user.login_failed", &target, String::new(), origin).await?;
        return Ok(Err(LoginFailed));
    };
    if let Some(previous) = cookie_value(headers, COOKIE).and_then(parse_session_id) {
        state.store.delete_session(&secret_digest(previous)).await?;
    }
    let now = now_ms();
    state.store.purge_sessions(now, now - state.config.session_idle.as_millis() as i64).await?;
    let id = random_secret().map_err(|e| {
        tracing::error!(error = %e, "no random source");
        ApiError::internal()
    })?;
    let session = NewSession {
        digest: secret_digest(&id),
        account_id: user.id,
        created_at_ms: now,
        expires_at_ms: now + state.config.session_absolute.as_millis() as i64,
        origin: origin.to_owned(),
    };
    state.store.create_session(&session).await?;
    audit(state, &user.username, "user.login", &user.username, String::new(), origin).await?;
    Ok(Ok((user, session_cookie(state, &id, is_https(headers)))))
}

fn session_cookie(state: &AppState, id: &str, https: bool) -> HeaderValue {
    let secure = if state.config.secure_cookies || https { "; Secure" } else { "" };
    let max_age = state.config.session_absolute.as_secs();
    HeaderValue::from_str(&format!("{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"))
        .unwrap_or_else(|_| HeaderValue::from_static("sinergi_session=; Path=/"))
}

/// A `Set-Cookie` that removes the session cookie.
pub fn clearing_cookie() -> HeaderValue {
    HeaderValue::from_static("sinergi_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// Ends the request's session.
pub async fn logout(state: &AppState, current: &CurrentUser, origin: &str) -> Result<(), ApiError> {
    state.store.delete_session(&current.session_digest).await?;
    audit(state, &current.user.username, "user.logout", &current.user.username, String::new(), origin).await
}

/// True when the request reached us over TLS (directly or through a proxy that says so).
pub fn is_https(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_login_assets_and_descriptions_are_public() {
        for open in ["/login", "/assets/main.js", "/favicon.ico", "/api/v1/health", "/api/v1/openapi.json", "/lang/en"]
        {
            assert!(is_public(open), "{open}");
        }
        for closed in ["/", "/regions", "/map/15.07", "/api/v1/tps", "/api/v1/auth/me", "/login/x", "/assetsx"] {
            assert!(!is_public(closed), "{closed}");
        }
    }

    #[test]
    fn reads_the_session_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("lang=en; sinergi_session=abc; x=y"));
        assert_eq!(cookie_value(&headers, COOKIE), Some("abc"));
        assert_eq!(cookie_value(&headers, "missing"), None);
    }
}
