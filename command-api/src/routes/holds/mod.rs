//! Hold routes: hold seats, release them, confirm a hold into a booking.

mod confirm;
mod hold;
mod release;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// The hold routes with their documentation.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(hold::hold))
        .routes(routes!(release::release))
        .routes(routes!(confirm::confirm))
}
