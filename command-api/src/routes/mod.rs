//! Routers, built from functions: one folder per resource, one file per action. Each
//! route parses its request, calls one command of [`crate::commands`] and answers; the
//! router carries the OpenAPI documentation of the routes it holds.

mod accounts;
mod bookings;
mod checkin;
mod holds;
mod idempotent;
mod listings;
mod ops;
mod parse;
mod reply;
mod waitlist;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::Router;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::openapi::OpenApi;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;
pub(crate) use ops::OpsApi;
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

/// Every route of the command API with its state.
pub fn router(state: AppState) -> Router {
    app(state, Router::new(), None)
}

/// The command API plus `reads` (routes that already have their state, e.g. the query
/// API's) behind the same request ids, tracing, metrics and body limit, with `read_docs`
/// merged into the served OpenAPI document.
pub fn app(state: AppState, reads: Router, read_docs: Option<OpenApi>) -> Router {
    let limit = state.config.body_limit;
    let (api, doc) = api(state.clone());
    let request_id = HeaderName::from_static("x-request-id");
    // Every request gets an id (or keeps the caller's), logged in its span and returned.
    let trace = TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
        let id = request
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!("request", http.method = %request.method(), http.path = %request.uri().path(), request.id = %id)
    });
    crate::metrics::handle();
    Router::new()
        .merge(ops::router())
        .merge(crate::openapi::router(doc, read_docs))
        .with_state(state)
        .merge(api)
        .merge(reads)
        .layer(DefaultBodyLimit::max(limit))
        .route_layer(axum::middleware::from_fn(crate::metrics::track))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(trace)
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}
