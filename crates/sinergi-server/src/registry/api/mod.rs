//! The registry's JSON API: regions and maps, TPS, agencies and units.

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

pub mod dto;
pub(crate) mod regions;
pub(crate) mod tps;
pub(crate) mod units;

/// Registers the registry's routes.
pub(crate) fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
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
}
