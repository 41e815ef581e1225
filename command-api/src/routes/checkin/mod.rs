//! Door routes: admit a ticket by its code, undo an admission.

mod admit;
mod undo;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// The check-in routes with their documentation.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(admit::admit))
        .routes(routes!(undo::undo))
}
