//! Listing routes: create (draft), publish, close sales, change details, ticket types
//! and capacity, cancel; one file per action.

mod buyer_limits;
mod cancel;
mod capacity;
mod close;
mod create;
mod details;
mod publish;
mod ticket_types;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// The listing routes with their documentation.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create::create))
        .routes(routes!(publish::publish))
        .routes(routes!(close::close))
        .routes(routes!(details::update_details))
        .routes(routes!(ticket_types::add_ticket_type))
        .routes(routes!(capacity::change_capacity))
        .routes(routes!(buyer_limits::set_buyer_limits))
        .routes(routes!(cancel::cancel))
}
