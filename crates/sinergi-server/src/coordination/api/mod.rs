//! The coordination API (docs/coordination.md; docs/api.md): meetings (convene, invite, attendance, agenda,
//! briefings, minutes, decisions, moves) and their action items.
//!
//! Access (`sinergi_domain::coordination::meeting`): meetings are read by those who read meetings in their region
//! (within clearance) and by every unit invited; they are managed by the convening unit's commanders and
//! operators and by administrators of the region; an invited unit records its own attendance and briefing and
//! moves its own action items. A meeting one may not read is not found.

mod calendar;
mod files;
mod items;
mod meetings;
pub(crate) mod sitrep;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::coordination::service::Actor;
use crate::trust::auth::{CurrentUser, Origin};

fn actor<'a>(current: &'a CurrentUser, origin: &'a Origin) -> Actor<'a> {
    Actor::of(current, &origin.0)
}

/// The largest body a file upload may have, whatever the configuration (64 MiB); the configured size is checked
/// below it, with the field named.
pub const ATTACHMENT_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// Registers coordination's routes.
pub(crate) fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(meetings::list, meetings::create))
        .routes(routes!(meetings::get, meetings::update))
        .routes(routes!(meetings::move_meeting))
        .routes(routes!(meetings::invite))
        .routes(routes!(meetings::attendance))
        .routes(routes!(meetings::walk_in))
        .routes(routes!(meetings::agenda))
        .routes(routes!(meetings::briefing))
        .routes(routes!(meetings::minutes))
        .routes(routes!(meetings::decide))
        .routes(routes!(meetings::document))
        .routes(routes!(items::list))
        .routes(routes!(items::get))
        .routes(routes!(items::update))
        .routes(routes!(calendar::get))
        .routes(routes!(calendar::feed))
        .routes(routes!(calendar::load))
        .routes(routes!(sitrep::get))
        .routes(routes!(files::get))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(files::upload, files::list))
                .layer(axum::extract::DefaultBodyLimit::max(ATTACHMENT_BODY_LIMIT)),
        )
}
