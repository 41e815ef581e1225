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

/// The database answers (the log head can be read) and every further check passes (e.g.
/// no projection is stuck behind the head).
#[utoipa::path(
    get,
    path = "/ready",
    tag = "ops",
    responses(
        (status = 200, description = "Ready, with the log head and each check's details", body = bodies::Readiness),
        (status = 503, description = "The database does not answer, or a check failed (e.g. a projection is stuck)", body = bodies::Readiness),
    )
)]
async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let log: &EventLog = &state.log;
    match log.head().await {
        Ok(head) => {
            let mut body = json!({ "status": "ready", "log_head": head });
            let mut ready = true;
            for (name, check) in &state.readiness {
                let (ok, detail) = (check.0)(head);
                ready &= ok;
                body[name] = detail;
            }
            if ready {
                (StatusCode::OK, Json(body))
            } else {
                body["status"] = json!("unavailable");
                (StatusCode::SERVICE_UNAVAILABLE, Json(body))
            }
        }
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "reason": "database unreachable" })),
            )
        }
    }
}
