//! An organizer's own listings and the attendees of one listing (organizer, their door
//! staff, or an admin).

mod attendees;
mod listings;

use domain::{Actor, Role};
use http_kit::ApiError;
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use crate::state::QueryState;

/// These routes, with their documentation.
pub(super) fn routes() -> OpenApiRouter<QueryState> {
    OpenApiRouter::new()
        .merge(listings::routes())
        .merge(attendees::routes())
}

pub(super) fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap_or_default()
}

/// The organizer (or admin) asking, or 403.
pub(crate) fn organizer_or_admin(actor: &Actor) -> Result<(), ApiError> {
    match actor.role {
        Role::Organizer | Role::Admin => Ok(()),
        _ => Err(ApiError::Forbidden(
            "only organizers and admins see this".into(),
        )),
    }
}
