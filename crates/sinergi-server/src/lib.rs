//! Sinergi's HTTP server: the JSON API under `/api/v1` (described by `/api/v1/openapi.json`), the server-rendered
//! web UI, and the bundled static assets.
//!
//! The server holds no state of its own beyond configuration: everything lives in the [`Store`], so several
//! instances can serve one PostgreSQL database.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::error::Code;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use sinergi_domain::access::ClearancePolicy;
use sinergi_store::Store;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

// One module per capability, under the name it has in every crate: its service, API and pages.
pub mod coordination;
pub mod deployment;
pub mod early_warning;
pub mod incident;
pub mod registry;
pub mod trust;
pub mod vulnerability;

// What the capabilities share: the API's extractors and router, the pages' chrome, errors, language, assets.
pub mod api;
pub mod assets;
mod cache;
pub mod dashboard;
pub mod error;
pub mod lang;
mod pages;

use incident::{desk, feed, taxonomy};
use trust::auth;

/// Largest request body we accept. A TPS or a report is a few hundred bytes; imports go through the CLI.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Settings of one server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// A session ends after this long without a request.
    pub session_idle: std::time::Duration,
    /// A session ends this long after login, however busy.
    pub session_absolute: std::time::Duration,
    /// Mark the session cookie `Secure` even when no proxy says the request came over TLS.
    pub secure_cookies: bool,
    /// The reverse proxy in front of this server, if any: requests from this address are taken to come from the
    /// last address in their `X-Forwarded-For` (for the audit log and the sign-in throttle).
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// URL template of a base-map tile server (`https://…/{z}/{x}/{y}.png`). Off by default, so that the map
    /// works offline, showing boundaries and TPS on a plain background.
    pub tile_url: Option<String>,
    /// Attribution the tile server requires.
    pub tile_attribution: Option<String>,
    /// The early warning scan on the live reports: its schedule, period, threshold and parameters.
    pub early_warning: early_warning::EarlyWarningConfig,
    /// The largest file a meeting takes (a briefing's slides, an item's evidence), in bytes; at most
    /// [`coordination::api::ATTACHMENT_BODY_LIMIT`].
    pub attachment_max_bytes: u64,
    /// How often an open live feed counts the user's overdue action items (they turn overdue as deadlines pass).
    pub overdue_check: std::time::Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            // An hour of quiet ends a session; a twelve-hour shift ends it anyway.
            session_idle: std::time::Duration::from_secs(60 * 60),
            session_absolute: std::time::Duration::from_secs(12 * 60 * 60),
            secure_cookies: false,
            trusted_proxy: None,
            tile_url: None,
            tile_attribution: None,
            early_warning: early_warning::EarlyWarningConfig::default(),
            attachment_max_bytes: sinergi_domain::coordination::attachment::DEFAULT_MAX_BYTES,
            overdue_check: std::time::Duration::from_secs(60),
        }
    }
}

/// Password checks (argon2id, 19 MiB each) that may run at once; more wait. Two fit this project's 2-core
/// machines without starving the rest of the server.
pub const HASHING_SLOTS: usize = 2;

/// What every handler can reach. Cloned for every request (axum hands each handler and middleware its own copy),
/// so it is one shared pointer: a copy of eight would cost eight atomic counts up and down per request, on counters
/// that both cores touch (under load about a tenth of the request threads' time).
#[derive(Clone)]
pub struct AppState(Arc<AppStateParts>);

impl std::ops::Deref for AppState {
    type Target = AppStateParts;

    fn deref(&self) -> &AppStateParts {
        &self.0
    }
}

/// The parts of [`AppState`].
pub struct AppStateParts {
    pub store: Arc<dyn Store>,
    pub config: Arc<ServerConfig>,
    /// Slots for password checks (see [`HASHING_SLOTS`]).
    pub hashing: Arc<tokio::sync::Semaphore>,
    /// The clearance rules, re-read from the database at most every [`POLICY_TTL`].
    policy: Arc<tokio::sync::RwLock<Option<CachedPolicy>>>,
    /// The incident desk: taxonomy, place index, report writer.
    pub desk: Arc<desk::Desk>,
    /// The live feed's poller and its subscribers.
    pub feed: Arc<feed::Feed>,
    /// The stored taxonomy version in force on this instance (the taxonomy itself is in `desk`).
    pub taxonomy_versions: Arc<taxonomy::Versions>,
    /// API tokens and their accounts as last read, for at most [`auth::TOKEN_TTL`] (see there).
    pub(crate) tokens: Arc<auth::TokenCache>,
    /// When `/health` last found the database writable (or not): probed at most every [`WRITE_PROBE_TTL`].
    write_probe: std::sync::Mutex<Option<(std::time::Instant, bool)>>,
    /// Live feeds open per account and per address (see `feed::FeedLimits`).
    pub(crate) feeds: feed::FeedLimits,
    /// Boundaries simplified for maps, by a hash of what they were made from (see `registry::api::regions`).
    pub(crate) map_shapes: cache::TtlMap<String, Vec<String>>,
    /// Deployment plans being made on this instance (see `deployment::jobs`).
    pub plan_jobs: Arc<deployment::jobs::Jobs>,
}

/// How long `/health` trusts its last write probe (a write it rolls back; see `Store::check_writable`).
pub const WRITE_PROBE_TTL: std::time::Duration = std::time::Duration::from_secs(5);

/// The clearance rules and when they were read.
type CachedPolicy = (std::time::Instant, Arc<ClearancePolicy>);

/// How long a server trusts its copy of the clearance rules: a change made on another instance or by the
/// command line holds everywhere within this time.
pub const POLICY_TTL: std::time::Duration = std::time::Duration::from_secs(10);

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: ServerConfig) -> AppState {
        AppState(Arc::new(AppStateParts {
            store,
            config: Arc::new(config),
            hashing: Arc::new(tokio::sync::Semaphore::new(HASHING_SLOTS)),
            policy: Arc::new(tokio::sync::RwLock::new(None)),
            desk: Arc::new(desk::Desk::new(sinergi_domain::incident::Taxonomy::shipped())),
            feed: Arc::new(feed::Feed::new()),
            taxonomy_versions: Arc::new(taxonomy::Versions::default()),
            tokens: Arc::new(auth::TokenCache::new(auth::TOKEN_TTL)),
            write_probe: std::sync::Mutex::new(None),
            feeds: feed::FeedLimits::default(),
            // A regency's shapes are 100 to 300 KB: 200 of them at most.
            map_shapes: cache::TtlMap::bounded(std::time::Duration::from_secs(3600), 200),
            plan_jobs: Arc::new(deployment::jobs::Jobs::default()),
        }))
    }

    /// Whether the database takes writes, as last probed (at most every [`WRITE_PROBE_TTL`]). A database that
    /// does not answer at all is the read's error, not this one's.
    pub async fn writable(&self) -> Result<bool, error::ApiError> {
        let cached = *self.write_probe.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, writable)) = cached
            && at.elapsed() < WRITE_PROBE_TTL
        {
            return Ok(writable);
        }
        let writable = match self.store.check_writable().await {
            Ok(()) => true,
            Err(sinergi_store::StoreError::ReadOnly(detail)) => {
                tracing::error!(%detail, "the database refuses writes (read-only)");
                false
            }
            Err(e) => return Err(e.into()),
        };
        *self.write_probe.lock().unwrap_or_else(|p| p.into_inner()) = Some((std::time::Instant::now(), writable));
        Ok(writable)
    }

    /// The clearance rules in force.
    pub async fn policy(&self) -> Result<Arc<ClearancePolicy>, error::ApiError> {
        if let Some((at, policy)) = self.policy.read().await.as_ref()
            && at.elapsed() < POLICY_TTL
        {
            return Ok(policy.clone());
        }
        let fresh = Arc::new(self.store.clearance_policy().await?);
        *self.policy.write().await = Some((std::time::Instant::now(), fresh.clone()));
        Ok(fresh)
    }
}

/// The whole application: API, pages and assets, with the layers every response passes through.
pub fn app(store: Arc<dyn Store>, config: ServerConfig) -> Router {
    app_with_state(AppState::new(store, config))
}

/// [`app`] over a state made beforehand (to share it with background tasks).
pub fn app_with_state(state: AppState) -> Router {
    let csp = content_security_policy(&state.config);
    let (api, openapi) = api::router();
    let openapi_json = Arc::new(openapi.to_pretty_json().unwrap_or_else(|_| "{}".to_owned()));
    let api = api
        .route(
            "/openapi.json",
            get(move || {
                let doc = openapi_json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], doc.as_str().to_owned()) }
            }),
        )
        .fallback(api_not_found);
    Router::new()
        .nest("/api/v1", api)
        .merge(pages::router())
        .route("/assets/{name}", get(assets::serve))
        .route("/favicon.svg", get(assets::favicon))
        .route("/sw.js", get(assets::service_worker))
        .route("/favicon.ico", get(assets::favicon))
        .route("/robots.txt", get(assets::robots))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::authenticate))
        .layer(axum::middleware::from_fn_with_state(state.clone(), error::localize))
        .with_state(state)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, csp))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        // Pages and data behind a sign-in must not linger in a shared command-post browser's cache; assets set
        // their own caching.
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(TraceLayer::new_for_http())
}

async fn api_not_found() -> error::ApiError {
    error::ApiError::new(Code::RouteNotFound, sinergi_domain::i18n::Msg::ErrPageNotFound)
}

/// Scripts only from our own origin (no inline scripts), never framed. Images may come from the configured tile
/// server. Inline styles stay allowed: Leaflet positions its panes with them.
fn content_security_policy(config: &ServerConfig) -> HeaderValue {
    let tiles = config.tile_url.as_deref().and_then(tile_origin).unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: {tiles}; \
         connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
    );
    HeaderValue::from_str(policy.trim()).unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
}

/// `https://{s}.tile.example.org/{z}/{x}/{y}.png` → `https://*.tile.example.org`.
fn tile_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next()?.replace("{s}", "*");
    let ok = matches!(scheme, "http" | "https")
        && !host.is_empty()
        && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-*:".contains(c));
    ok.then(|| format!("{scheme}://{host}"))
}

/// Serves the application until Ctrl+C, finishing requests in flight.
pub async fn serve(
    store: Arc<dyn Store>,
    config: ServerConfig,
    addr: SocketAddr,
    on_ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    // A database that refuses writes would answer every sign-in and report with an error: refuse to start.
    if let Err(sinergi_store::StoreError::ReadOnly(detail)) = store.check_writable().await {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("the database is read-only ({detail}); Sinergi must write sign-ins, reports and the audit log"),
        ));
    }
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    on_ready(local);
    let state = AppState::new(store, config);
    // The newest stored taxonomy before the first request; without one (or if the database does not answer yet)
    // the shipped file stays in force and the watch below takes a stored one up within seconds.
    if let Err(e) = taxonomy::refresh(&state).await {
        tracing::warn!(error = %e, "could not read the stored taxonomy; the shipped one is in force for now");
    }
    tokio::spawn(taxonomy::watch_forever(state.clone()));
    state.desk.start(&state.store);
    tokio::spawn(desk::sweep_forever(state.store.clone(), state.desk.clone()));
    tokio::spawn(early_warning::schedule_forever(state.store.clone(), state.config.early_warning.clone()));
    axum::serve(listener, app_with_state(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("shutting down");
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_origins_for_the_csp() {
        assert_eq!(
            tile_origin("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://*.tile.openstreetmap.org")
        );
        assert_eq!(tile_origin("http://10.0.0.5:8081/tiles/{z}/{x}/{y}.png").as_deref(), Some("http://10.0.0.5:8081"));
        assert_eq!(tile_origin("javascript:alert(1)"), None);
        assert_eq!(tile_origin("https://evil.example'; script-src *"), None);
    }
}
