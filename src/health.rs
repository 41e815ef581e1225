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
    registry: Projections,
    stuck_after: Duration,
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
            registry,
            stuck_after,
        })
}

async fn ready(State(health): State<Health>) -> (StatusCode, Json<Value>) {
    let Ok(head) = health.log.head().await else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "reason": "database unreachable" })),
        );
    };
    let verdict = health
        .registry
        .readiness(head, chrono::Utc::now(), health.stuck_after);
    let status = if verdict.ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let word = if verdict.ready {
        "ready"
    } else {
        "unavailable"
    };
    (
        status,
        Json(json!({ "status": word, "log_head": head, "projections": verdict })),
    )
}
