//! The incident desk's JSON API: reports and their workflow (`reports.rs`), the desk's shared work (`desk.rs`: the
//! live feed, shares, duplicates), the SMS gateway (`intake.rs`), exports (`export.rs`), the taxonomy
//! (`taxonomy.rs`).

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

pub(crate) mod desk;
pub(crate) mod export;
pub(crate) mod intake;
pub(crate) mod reports;
pub(crate) mod taxonomy;

/// Registers the incident desk's routes.
pub(crate) fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(reports::list, reports::create))
        .routes(routes!(reports::queue))
        .routes(routes!(reports::escalations))
        .routes(routes!(export::export))
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
}
