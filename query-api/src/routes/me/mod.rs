//! The caller's own holds, bookings and waitlist entries; never anyone else's.

mod booking;
mod bookings;
mod holds;
mod waitlist;

use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use crate::error::QueryError;
use crate::params::{Params, Reader};
use crate::state::QueryState;

/// The routes of the caller's own things, with their documentation.
pub(super) fn routes() -> OpenApiRouter<QueryState> {
    OpenApiRouter::new()
        .merge(holds::routes())
        .merge(bookings::routes())
        .merge(booking::routes())
        .merge(waitlist::routes())
}

pub(super) fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap_or_default()
}

/// Reads `after` (and nothing else) and waits for `names`.
pub(crate) async fn fresh(
    state: &QueryState,
    params: &Params,
    names: &[&str],
) -> Result<(), QueryError> {
    let mut read = Reader::new(params);
    let after = read.after();
    read.finish()?;
    state.caught_up(after, names).await
}
