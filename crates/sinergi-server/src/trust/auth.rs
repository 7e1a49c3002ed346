//! Who is calling: sessions by cookie, API tokens by `Authorization: Bearer`, login and logout (web form and
//! API), the middleware that asks for a login on every page and API route except the few that must stay open
//! (the login itself, static assets, the health check and the API description), and the defences around them:
//! CSRF checks on every state-changing request made with a cookie, and the sign-in throttle.
//!
//! A session ends after `session_idle` without a request, or `session_absolute` after login, whichever comes
//! first; logging out, disabling the account or replacing its password ends it at once. A token lives until it
//! is revoked or its expiry passes, and acts for its account narrowed to the token's region and, if so made, to
//! reading.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sinergi_domain::access::{Action, Viewer};
use sinergi_domain::i18n::Msg;
use sinergi_domain::trust::audit::AuditEvent;
use sinergi_domain::trust::auth::{constant_time_eq, parse_session_id, parse_token, secret_digest};
use sinergi_store::{LoginClaim, NewSession, ThrottleKey, TokenRecord, UserRecord};

use crate::AppState;
use crate::error::{ApiError, Code};
use crate::trust::secrets::{hash_password, random_secret, verify_password};

pub const COOKIE: &str = "sinergi_session";

/// The header that API requests made with the session cookie must carry for anything but reading, holding the
/// session's CSRF token (pages put it in `<meta name="csrf-token">`).
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Sessions are touched at most this often, so that reading pages does not write the database on every request.
const TOUCH_EVERY_MS: i64 = 60_000;

/// How the caller proved who it is.
#[derive(Clone, Debug)]
pub enum Credential {
    /// A browser session, known by the digest of its id.
    Session { digest: String },
    /// An API token, known by its public id.
    Token { id: String },
}

/// The signed-in user of a request, put there by [`authenticate`].
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub user: UserRecord,
    /// What the request may see and do: the account's role, scope and clearance, narrowed by a token.
    pub viewer: Viewer,
    pub credential: Credential,
    /// The CSRF token of the session (empty for API tokens, which no browser sends on its own).
    pub csrf: String,
}

impl CurrentUser {
    /// A 403 unless the viewer may do `action`.
    pub fn require(&self, action: Action) -> Result<(), ApiError> {
        if self.viewer.may(action) { Ok(()) } else { Err(forbidden()) }
    }

    /// 403 unless the viewer reads some reports (all of the territory's, or its own agency's): the store then
    /// shows each only what it may read.
    pub fn require_report_reader(&self) -> Result<(), ApiError> {
        if self.viewer.reads_reports() { Ok(()) } else { Err(forbidden()) }
    }

    /// The name written in the audit log: the account, and the token when one was used.
    pub fn actor(&self) -> String {
        match &self.credential {
            Credential::Session { .. } => self.user.username.clone(),
            Credential::Token { id } => format!("{} (token {id})", self.user.username),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<CurrentUser>().cloned().ok_or_else(unauthenticated)
    }
}

pub fn unauthenticated() -> ApiError {
    ApiError::new(Code::Unauthenticated, Msg::ErrUnauthenticated)
}

pub fn forbidden() -> ApiError {
    ApiError::new(Code::Forbidden, Msg::ErrForbidden)
}

fn bad_token() -> ApiError {
    ApiError::new(Code::InvalidToken, Msg::ErrBadToken)
}

pub fn csrf_failed() -> ApiError {
    ApiError::new(Code::CsrfFailed, Msg::ErrCsrf)
}

pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// Where a request came from (the peer's IP address), for the audit log; put in every request's extensions by
/// [`authenticate`].
#[derive(Clone, Debug)]
pub struct Origin(pub String);

/// The TCP peer's address; when the peer is the configured reverse proxy, the address it says it forwarded for
/// (the last entry of `X-Forwarded-For`: the one the proxy itself added; earlier entries the client could forge).
fn origin_of(state: &AppState, request: &Request) -> Origin {
    let Some(peer) = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()) else {
        return Origin("unknown".to_owned());
    };
    if state.config.trusted_proxy == Some(peer) {
        // Only the very last entry: if the proxy's own entry does not parse, an earlier one (which the client
        // wrote) must not take its place.
        let forwarded = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .and_then(|a| a.trim().parse::<std::net::IpAddr>().ok());
        if let Some(client) = forwarded {
            return Origin(client.to_string());
        }
    }
    Origin(peer.to_string())
}

/// Appends an event; a failure is logged and answered as the store's error says (500, or 503 for a broken chain
/// or a read-only database).
pub async fn audit(
    state: &AppState,
    actor: &str,
    action: &str,
    target: &str,
    detail: String,
    origin: &str,
) -> Result<(), ApiError> {
    // A broken chain or a read-only database is a 503 with its own code (and logged there); the rest a 500.
    state.store.append_audit(&event(actor, action, target, detail, origin)).await.map(|_| ()).map_err(|e| {
        tracing::error!(error = %e, "audit log append failed");
        ApiError::from(e)
    })
}

/// An audit event stamped now.
pub fn event(actor: &str, action: &str, target: &str, detail: String, origin: &str) -> AuditEvent {
    AuditEvent {
        at_ms: now_ms(),
        actor: actor.to_owned(),
        action: action.to_owned(),
        target: target.to_owned(),
        detail,
        origin: origin.to_owned(),
    }
}

/// Paths that answer without a login.
fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/login"
            | "/favicon.svg"
            | "/favicon.ico"
            | "/sw.js"
            | "/api/v1/health"
            | "/api/v1/openapi.json"
            | "/api/v1/auth/login"
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

/// The CSRF token of a session: derived from the session id (which only the cookie holds), so the server keeps
/// nothing more and another site, which cannot read the cookie, cannot compute it.
pub fn csrf_token(session_id: &str) -> String {
    secret_digest(&format!("sinergi-csrf:{session_id}"))
}

/// True when `offered` is the request's CSRF token, compared in constant time.
pub fn csrf_matches(current: &CurrentUser, offered: &str) -> bool {
    !current.csrf.is_empty() && constant_time_eq(current.csrf.as_bytes(), offered.as_bytes())
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
    let viewer = user.viewer(&*state.policy().await?);
    Ok(Some(CurrentUser { user, viewer, credential: Credential::Session { digest }, csrf: csrf_token(id) }))
}

/// How long an instance trusts a token (and its account) as it last read them. Revoking a token through this
/// instance forgets them at once; a token revoked, or an account disabled, through another instance or the command
/// line stops working here within this time. Every API call reads its token, and at thousands of calls a second
/// that read is what this saves.
pub const TOKEN_TTL: std::time::Duration = std::time::Duration::from_secs(5);

/// Token ids and what the database last said of them.
pub type TokenCache = crate::cache::TtlMap<String, (TokenRecord, UserRecord)>;

/// The user behind an `Authorization: Bearer` token. `Ok(None)` when the request carries no such header; an
/// error when it carries one that does not open (malformed, unknown, wrong secret, revoked, expired, or its
/// account disabled), all with one answer.
/// The one path that takes a token in its query (`?token=`): the calendar feed, which a phone's calendar app
/// subscribes to by its address alone and can send no header with. Only a read-only token is taken there.
pub const FEED_WITH_TOKEN: &str = "/api/v1/calendar.ics";

/// The token a request carries: in `Authorization: Bearer`, or for [`FEED_WITH_TOKEN`] in its query.
fn offered_token(headers: &HeaderMap, uri: &axum::http::Uri) -> Result<Option<(String, bool)>, ApiError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let text = value.to_str().map_err(|_| bad_token())?;
        let bearer = text.strip_prefix("Bearer ").or_else(|| text.strip_prefix("bearer ")).ok_or_else(bad_token)?;
        return Ok(Some((bearer.trim().to_owned(), false)));
    }
    if uri.path() == FEED_WITH_TOKEN {
        let token = uri.query().unwrap_or("").split('&').find_map(|p| p.strip_prefix("token="));
        return Ok(token.map(|t| (t.trim().to_owned(), true)));
    }
    Ok(None)
}

async fn token_user(
    state: &AppState,
    headers: &HeaderMap,
    uri: &axum::http::Uri,
) -> Result<Option<CurrentUser>, ApiError> {
    let Some((bearer, in_query)) = offered_token(headers, uri)? else { return Ok(None) };
    let bearer = bearer.as_str();
    let parts = parse_token(bearer.trim()).ok_or_else(bad_token)?;
    let found = match state.tokens.get(parts.id) {
        Some(hit) => hit,
        None => {
            let Some(found) = state.store.token(parts.id).await? else { return Err(bad_token()) };
            let found = Arc::new(found);
            state.tokens.put(parts.id.to_owned(), found.clone());
            found
        }
    };
    let (token, user) = &*found;
    let now = now_ms();
    let digest = secret_digest(bearer.trim());
    if !constant_time_eq(digest.as_bytes(), token.digest.as_bytes()) || !token.is_live(now) || user.disabled {
        return Err(bad_token());
    }
    let viewer = token.viewer(user, &*state.policy().await?).ok_or_else(bad_token)?;
    // An address is copied, logged and shared: only a token that can change nothing may ride in one.
    if in_query && !viewer.read_only {
        return Err(bad_token());
    }
    if token.last_used_at_ms.is_none_or(|at| now - at >= TOUCH_EVERY_MS) {
        state.store.touch_token(&token.id, now).await?;
        let mut touched = token.clone();
        touched.last_used_at_ms = Some(now);
        state.tokens.replace(&token.id, Arc::new((touched, user.clone())));
    }
    Ok(Some(CurrentUser {
        user: user.clone(),
        viewer,
        credential: Credential::Token { id: token.id.clone() },
        csrf: String::new(),
    }))
}

/// Whether the credential a long-lived response (the live feed) was opened with still holds: the session not
/// ended, expired or idle past its limit, the token not revoked or expired, the account not disabled. Errors count
/// as "no": a feed that cannot check closes, and the browser reconnects and signs in again if need be.
pub async fn still_valid(state: &AppState, current: &CurrentUser) -> bool {
    let now = now_ms();
    match &current.credential {
        Credential::Session { digest } => match state.store.session(digest).await {
            Ok(Some((session, user))) => {
                let idle = state.config.session_idle.as_millis() as i64;
                now < session.expires_at_ms && now - session.last_seen_at_ms < idle && !user.disabled
            }
            _ => false,
        },
        Credential::Token { id } => match state.store.token(id).await {
            Ok(Some((token, user))) => token.is_live(now) && !user.disabled,
            _ => false,
        },
    }
}

/// True for methods that change something.
fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Asks for a login everywhere but on public paths: API calls get 401, pages a redirect to the login form.
///
/// A state-changing request made with the session cookie must also come from one of our own pages: browsers
/// mark cross-site requests (`Sec-Fetch-Site`, `Origin`), and API calls must carry the session's CSRF token in
/// `X-CSRF-Token`. Page forms carry it as a field, which their handlers check (see [`csrf_matches`]).
pub async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let token = match token_user(&state, request.headers(), request.uri()).await {
        Ok(token) => token,
        // The open paths answer whatever credentials come along.
        Err(_) if is_public(&path) => None,
        Err(e) => return e.into_response(),
    };
    let current = match token {
        Some(current) => Some(current),
        None => match session_user(&state, request.headers()).await {
            Ok(current) => current,
            Err(e) => return e.into_response(),
        },
    };
    let origin = origin_of(&state, &request);
    request.extensions_mut().insert(origin);
    match current {
        Some(current) => {
            if matches!(current.credential, Credential::Session { .. }) && is_unsafe(request.method()) {
                let offered = request.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok());
                let api_without_token =
                    path.starts_with("/api/") && !offered.is_some_and(|t| csrf_matches(&current, t));
                if !same_origin(request.headers()) || api_without_token {
                    return csrf_failed().into_response();
                }
            }
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

/// True unless the browser says the request came from another site. Browsers send `Sec-Fetch-Site` (and
/// `Origin` on POST); clients that are not browsers send neither and are let through, since they cannot have
/// been tricked into carrying someone's cookie.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    match (header("origin"), header("host")) {
        (Some(origin), Some(host)) => {
            origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")).is_some_and(|rest| rest == host)
        }
        (Some(_), None) => false,
        (None, _) => true,
    }
}

/// Why a login was refused. "No such user", "wrong password" and "disabled" are deliberately one answer, so
/// that the form reveals nothing about which accounts exist; a lock-out says how long it lasts.
pub enum LoginRefused {
    BadCredentials,
    /// Too many failures for this username or from this address; try again after this many minutes.
    LockedOut {
        minutes: i64,
    },
    /// As many checks for this username or from this address are in flight as its failures left allow: one of
    /// them may still succeed, so the lock is not decided yet; try again in a few seconds.
    InFlight,
}

/// What a sign-in refused while others are in flight is told to wait, in seconds.
const IN_FLIGHT_RETRY_SECONDS: i64 = 10;

/// The sign-in throttle: failures within the window are counted per typed username (whether or not it names an
/// account, so that the lock reveals nothing either) and per address; reaching the limit locks for `LOCK_MS`.
const THROTTLE_WINDOW_MS: i64 = 15 * 60_000;
const USER_FAILURE_LIMIT: u32 = 5;
const ADDRESS_FAILURE_LIMIT: u32 = 20;
const LOCK_MS: i64 = 15 * 60_000;

fn throttle_keys(username: &str, origin: &str) -> [ThrottleKey; 2] {
    [
        ThrottleKey {
            key: format!("user:{}", username.trim().to_lowercase()),
            limit: USER_FAILURE_LIMIT,
            cleared_by_success: true,
        },
        ThrottleKey { key: format!("addr:{origin}"), limit: ADDRESS_FAILURE_LIMIT, cleared_by_success: false },
    ]
}

fn minutes_until(until_ms: i64, now_ms: i64) -> i64 {
    ((until_ms - now_ms).max(0) + 59_999) / 60_000
}

/// How long a sign-in waits for a free password-hashing slot before it is told to try again.
const HASHING_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs the argon2 check off the async workers, at most [`crate::HASHING_SLOTS`] at a time, so that a burst of
/// sign-ins (or an attacker's) cannot stall every other request.
async fn password_matches(state: &AppState, password: &str, stored: Option<String>) -> Result<bool, ApiError> {
    let permit = tokio::time::timeout(HASHING_WAIT, state.hashing.clone().acquire_owned())
        .await
        .map_err(|_| ApiError::new(Code::Busy, Msg::ErrBusy))?
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

/// The account when the password is right and the account enabled; else the account's username if the name
/// names one (for the audit log).
async fn check_credentials(
    state: &AppState,
    username: &str,
    password: &str,
) -> Result<Result<UserRecord, Option<String>>, ApiError> {
    let user = state.store.user_by_name(username.trim()).await?;
    let ok = password_matches(state, password, user.as_ref().map(|u| u.password_hash.clone())).await?;
    Ok(match user {
        Some(user) if ok && !user.disabled => Ok(user),
        other => Err(other.map(|u| u.username)),
    })
}

/// Checks the credentials and opens a session; returns the user, the `Set-Cookie` value and the session's CSRF
/// token. The session the
/// request already carries, if any, is ended (a sign-in always starts a fresh session), and sessions that have
/// expired are swept out. A locked username or address is refused before any password is checked, and so is a
/// check beyond the limit while others are in flight.
pub async fn login(
    state: &AppState,
    headers: &HeaderMap,
    username: &str,
    password: &str,
    origin: &str,
) -> Result<Result<(UserRecord, HeaderValue, String), LoginRefused>, ApiError> {
    let now = now_ms();
    // A name with a control character (a NUL, say) names no account; it is not looked up, and it is counted
    // under one key, since PostgreSQL cannot even store it.
    let username = if username.chars().any(char::is_control) { "(invalid)" } else { username };
    let keys = throttle_keys(username, origin);
    // A slot for this check is claimed before anything else, in the transaction that reads the lock, so a burst
    // gets no more checks than the same guesses one after another.
    if let LoginClaim::Refused { locked_until_ms } = state.store.claim_login(&keys, now, THROTTLE_WINDOW_MS).await? {
        return Ok(Err(match locked_until_ms {
            Some(until) => LoginRefused::LockedOut { minutes: minutes_until(until, now) },
            None => LoginRefused::InFlight,
        }));
    }
    let checked = check_credentials(state, username, password).await;
    // Settled whatever happened: a check that could not be made (a busy hashing pool, a database error) gives
    // its slot back without counting or forgetting anything.
    let locked = match &checked {
        Ok(result) => state.store.settle_login(&keys, result.is_err(), now, LOCK_MS).await?,
        Err(_) => {
            let keep = keys.clone().map(|k| ThrottleKey { cleared_by_success: false, ..k });
            state.store.settle_login(&keep, false, now, LOCK_MS).await?
        }
    };
    let user = match checked? {
        Ok(user) => user,
        Err(known) => {
            // What was typed as a username is kept only when it names an account: people type their password
            // into the wrong field, and the audit log keeps everything forever.
            let target = known.unwrap_or_else(|| "(unknown user)".to_owned());
            audit(state, "anonymous", "user.login_failed", &target, String::new(), origin).await?;
            for (key, _) in &locked {
                let what = if key.starts_with("user:") { "username" } else { "address" };
                let detail = format!("{what} locked for {} minutes", LOCK_MS / 60_000);
                audit(state, "anonymous", "user.locked_out", &target, detail, origin).await?;
            }
            return Ok(Err(match locked.last() {
                Some((_, until)) => LoginRefused::LockedOut { minutes: minutes_until(*until, now) },
                None => LoginRefused::BadCredentials,
            }));
        }
    };
    if let Some(previous) = cookie_value(headers, COOKIE).and_then(parse_session_id) {
        state.store.delete_session(&secret_digest(previous)).await?;
    }
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
    Ok(Ok((user, session_cookie(state, &id, is_https(headers)), csrf_token(&id))))
}

/// The API's answer to a refused sign-in.
pub fn refused(refusal: LoginRefused) -> ApiError {
    match refusal {
        LoginRefused::BadCredentials => ApiError::new(Code::LoginFailed, Msg::LoginFailed),
        LoginRefused::LockedOut { minutes } => {
            ApiError::new(Code::LockedOut, Msg::ErrLockedOut).arg("minutes", minutes).retry_after(minutes * 60)
        }
        LoginRefused::InFlight => {
            ApiError::new(Code::LockedOut, Msg::ErrSignInsInFlight).retry_after(IN_FLIGHT_RETRY_SECONDS)
        }
    }
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

/// Ends the request's session (a request made with a token has none to end).
pub async fn logout(state: &AppState, current: &CurrentUser, origin: &str) -> Result<(), ApiError> {
    let Credential::Session { digest } = &current.credential else { return Ok(()) };
    state.store.delete_session(digest).await?;
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
