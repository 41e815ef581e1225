//! The layers every served request passes: a request id (the caller's, or a new UUID)
//! logged in the request's span and returned, metrics by matched route, and a body limit.

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::Router;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// The header that carries the request id.
pub const REQUEST_ID: &str = "x-request-id";

/// `router` behind the shared layers, refusing bodies over `body_limit` bytes.
pub fn apply(router: Router, body_limit: usize) -> Router {
    let request_id = HeaderName::from_static(REQUEST_ID);
    let trace = TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
        let id = request
            .headers()
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!("request", http.method = %request.method(), http.path = %request.uri().path(), request.id = %id)
    });
    crate::metrics::handle();
    router
        .layer(DefaultBodyLimit::max(body_limit))
        .route_layer(axum::middleware::from_fn(crate::metrics::track))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(trace)
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}
