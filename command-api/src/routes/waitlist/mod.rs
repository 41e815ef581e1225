//! Waitlist routes: join when sold out, leave, accept or decline an offer.

mod accept;
mod decline;
mod join;
mod leave;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// The waitlist routes with their documentation.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(join::join))
        .routes(routes!(leave::leave))
        .routes(routes!(accept::accept))
        .routes(routes!(decline::decline))
}
