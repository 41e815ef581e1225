//! Routers, built from functions: one folder per resource, one file per action. Each
//! route parses its request, calls one command of [`crate::commands`] and answers; the
//! router carries the OpenAPI documentation of the routes it holds.

mod accounts;
mod bookings;
mod checkin;
mod holds;
pub(crate) mod idempotent;
mod listings;
mod parse;
mod reply;
mod room;
mod waitlist;

use axum::Router;
use utoipa::openapi::OpenApi;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;
pub(crate) use parse::ConfirmBody;

/// Every `/api/v1` route of the command API with its documentation, before state.
fn v1() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(accounts::router())
        .merge(listings::router())
        .merge(holds::router())
        .merge(bookings::router())
        .merge(waitlist::router())
        .merge(checkin::router())
        .merge(room::router())
}

/// The command API's routes under `/api/v1` with their documentation, before state.
fn documented() -> (Router<AppState>, OpenApi) {
    OpenApiRouter::with_openapi(crate::openapi::ApiDoc::openapi())
        .nest("/api/v1", v1())
        .split_for_parts()
}

/// The OpenAPI document of exactly the command API's `/api/v1` routes.
pub fn documentation() -> OpenApi {
    documented().1
}

/// The command API's `/api/v1/...` routes with `state` applied and no layers, and the
/// OpenAPI document of exactly those paths (with the components they name).
pub fn api(state: AppState) -> (Router, OpenApi) {
    let (router, doc) = documented();
    (router.with_state(state), doc)
}
