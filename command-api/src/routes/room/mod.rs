//! Waiting-room routes: the organizer sets the room, a buyer joins it.

mod join;
mod set;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// The waiting-room routes with their documentation.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(set::set_waiting_room))
        .routes(routes!(join::join_waiting_room))
}
