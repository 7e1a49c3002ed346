//! Trust's JSON API: signing in and out, API tokens.

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

pub(crate) mod session;
pub(crate) mod tokens;

/// Registers trust's routes.
pub(crate) fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(session::login))
        .routes(routes!(session::logout))
        .routes(routes!(session::me))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
}
