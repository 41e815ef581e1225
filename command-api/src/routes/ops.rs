//! Operational endpoints: liveness and readiness.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use eventlog::EventLog;
use serde_json::{json, Value};

pub(super) fn router() -> Router<EventLog> {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
}

/// The process is up.
async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The database answers: the log head can be read.
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
