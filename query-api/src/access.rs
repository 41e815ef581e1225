//! Who may read what, and a pooled connection to read with.

use domain::{Actor, UserId};
use eventlog::sql::Conn;
use http_kit::ApiError;
use uuid::Uuid;

use crate::error::QueryError;
use crate::state::QueryState;

/// A connection from the log's pool, for read-model queries.
pub(crate) async fn conn(state: &QueryState) -> Result<Conn, QueryError> {
    Ok(Conn::acquire(&state.log).await?)
}

/// The user id stored as text, as the domain's id.
pub(crate) fn user_id(text: &str) -> Option<UserId> {
    Uuid::parse_str(text).ok().map(UserId::from)
}

/// Whether `actor` runs the listing of `organizer` (or is an admin).
pub(crate) fn owns(actor: &Actor, organizer: &str) -> bool {
    actor.is_admin() || user_id(organizer).is_some_and(|id| actor.is_organizer(id))
}

/// Whether `actor` may see a listing of `organizer` in `status`: everyone sees what was
/// published (and what was cancelled after); drafts only their organizer and admins.
pub(crate) fn may_see(actor: Option<&Actor>, organizer: &str, status: &str) -> bool {
    status != "draft" || actor.is_some_and(|a| owns(a, organizer))
}

/// A path id that must be a UUID; anything else is a thing that does not exist.
pub(crate) fn path_id(text: &str, what: &str) -> Result<String, ApiError> {
    Uuid::parse_str(text)
        .map(|id| id.to_string())
        .map_err(|_| ApiError::NotFound(format!("no {what} {text}")))
}
