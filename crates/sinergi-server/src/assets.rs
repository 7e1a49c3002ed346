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

pub async fn serve(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                // Pages link assets with `?v=ASSET_VERSION`, so a changed asset gets a new URL.
                (header::CACHE_CONTROL, "public, max-age=604800"),
            ],
            *bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
