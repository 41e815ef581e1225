//! `/health`, `/ready` and `/metrics` for a process that serves no API (`project`), so
//! projector workers at scale report their lag and trouble like `serve` does.

use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use eventlog::EventLog;
use projections::Projections;
use serde_json::{json, Value};

#[derive(Clone)]
struct Health {
    log: EventLog,
    check: std::sync::Arc<dyn Fn(i64) -> (bool, Value) + Send + Sync>,
}

/// The router of a worker's health endpoints.
pub fn router(log: EventLog, registry: Projections, stuck_after: Duration) -> Router {
    command_api::metrics::handle();
    Router::new()
        .route("/health", get(|| async { Json(json!({ "status": "ok" })) }))
        .route("/ready", get(ready))
        .route(
            "/metrics",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                    command_api::metrics::render(),
                )
            }),
        )
        .with_state(Health {
            log,
            check: std::sync::Arc::new(registry.readiness_check(stuck_after)),
        })
}

async fn ready(State(health): State<Health>) -> (StatusCode, Json<Value>) {
    let Ok(head) = health.log.head().await else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "reason": "database unreachable" })),
        );
    };
    let (ready, projections) = (health.check)(head);
    let (status, word) = if ready {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    };
    (
        status,
        Json(json!({ "status": word, "log_head": head, "projections": projections })),
    )
}
