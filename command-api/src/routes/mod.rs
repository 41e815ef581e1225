//! Routers, built from functions; one file per resource.

mod accounts;
mod bookings;
mod checkin;
mod holds;
mod idempotent;
mod listing_changes;
mod listings;
mod ops;
mod reply;
mod waitlist;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::Router;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::state::AppState;
pub(crate) use holds::minutes;
pub(crate) use listing_changes::cancel_bookings_of;
pub(crate) use {
    accounts::AccountsApi, bookings::BookingsApi, checkin::CheckinApi, holds::HoldsApi,
    listing_changes::ListingChangesApi, listings::ListingsApi, ops::OpsApi, waitlist::WaitlistApi,
};

/// Every route of the command API with its state.
pub fn router(state: AppState) -> Router {
    app(state, Router::new(), None)
}

/// The command API plus `reads` (routes that already have their state, e.g. the query
/// API's) behind the same request ids, tracing, metrics and body limit, with `read_docs`
/// merged into the served OpenAPI document.
pub fn app(state: AppState, reads: Router, read_docs: Option<utoipa::openapi::OpenApi>) -> Router {
    let limit = state.config.body_limit;
    let api = Router::new()
        .merge(accounts::router())
        .merge(listings::router())
        .merge(listing_changes::router())
        .merge(holds::router())
        .merge(bookings::router())
        .merge(waitlist::router())
        .merge(checkin::router());
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
        .nest("/api/v1", api)
        .merge(ops::router())
        .merge(crate::openapi::router(read_docs))
        .with_state(state)
        .merge(reads)
        .layer(DefaultBodyLimit::max(limit))
        .route_layer(axum::middleware::from_fn(crate::metrics::track))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(trace)
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}
