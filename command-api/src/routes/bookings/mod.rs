//! Booking routes: cancel a booking.

mod cancel;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// The booking routes with their documentation.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(cancel::cancel))
}
