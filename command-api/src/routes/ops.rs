//! Operational endpoints: liveness and readiness.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use eventlog::EventLog;
use serde_json::{json, Value};
use utoipa::OpenApi;

use crate::openapi::bodies;
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
}

/// The operations of this file, for [`crate::openapi::ApiDoc`].
#[derive(OpenApi)]
#[openapi(paths(health, ready, metrics))]
pub(crate) struct OpsApi;

/// Prometheus text exposition of every metric of this process.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "ops",
    responses((status = 200, description = "Prometheus text format 0.0.4", body = String, content_type = "text/plain"))
)]
async fn metrics() -> ([(axum::http::HeaderName, &'static str); 1], String) {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        crate::metrics::render(),
    )
}

/// The process is up.
#[utoipa::path(
    get,
    path = "/health",
    tag = "ops",
    responses((status = 200, description = "The process is up", body = bodies::Health))
)]
async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The database answers: the log head can be read.
#[utoipa::path(
    get,
    path = "/ready",
    tag = "ops",
    responses(
        (status = 200, description = "Ready, with the log head", body = bodies::Readiness),
        (status = 503, description = "The database does not answer", body = bodies::Readiness),
    )
)]
async fn ready(State(log): State<EventLog>) -> (StatusCode, Json<Value>) {
    match log.head().await {
        Ok(head) => (
            StatusCode::OK,
            Json(json!({ "status": "ready", "log_head": head })),
        ),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "reason": "database unreachable" })),
            )
        }
    }
}
