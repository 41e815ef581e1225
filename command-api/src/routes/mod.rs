//! Routers, built from functions; one file per resource.

mod ops;

use axum::Router;
use eventlog::EventLog;

/// The command API's routes with their state.
pub fn router(log: EventLog) -> Router {
    Router::new().merge(ops::router()).with_state(log)
}
