//! The browser assets bundled by `build.rs`, served from memory.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// Our own icon (not a bundled asset: it has a fixed URL, and browsers ask for `/favicon.ico` by themselves).
pub async fn favicon() -> Response {
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=604800")], FAVICON)
        .into_response()
}

const FAVICON: &str = include_str!("../static/favicon.svg");

/// The field form's service worker (`web/src/sw.js`, bundled like the other assets). A worker's URL is its
/// identity and bounds its scope, so it has a fixed one, and it is revalidated on every load so that a new version
/// takes over at once.
pub async fn service_worker() -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == "sw.js") {
        Some((_, content_type, bytes)) => {
            ([(header::CONTENT_TYPE, *content_type), (header::CACHE_CONTROL, "no-cache")], *bytes).into_response()
        }
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// An asset. Pages link assets with `?v=ASSET_VERSION` (a hash of all of them), so a changed asset gets a new URL:
/// asked for with the current version, it is cached for a year and never revalidated (`immutable`); without it, or
/// with an older one (a page from before an upgrade), for an hour.
pub async fn serve(Path(name): Path<String>, axum::extract::RawQuery(query): axum::extract::RawQuery) -> Response {
    let current = query.is_some_and(|q| q.split('&').any(|pair| pair == format!("v={ASSET_VERSION}")));
    let cache = if current { "public, max-age=31536000, immutable" } else { "public, max-age=3600" };
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, content_type, bytes)) => {
            ([(header::CONTENT_TYPE, *content_type), (header::CACHE_CONTROL, cache)], *bytes).into_response()
        }
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// Sinergi is an operations tool behind a sign-in: nothing of it belongs in a search engine.
pub async fn robots() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")],
        "User-agent: *\nDisallow: /\n",
    )
        .into_response()
}
