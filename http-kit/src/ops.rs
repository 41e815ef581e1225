//! Operational endpoints: liveness (`/health`), readiness (`/ready`: the database answers
//! and every registered check passes) and Prometheus metrics (`/metrics`). Their state is
//! their own, so every process (the API server, a projector worker) serves the same three.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderName, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use eventlog::EventLog;
use metrics_exporter_prometheus::PrometheusHandle;
use serde_json::{json, Value};
use utoipa::{OpenApi, ToSchema};

/// How long `/ready` waits for the database to answer.
const READY_DB_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// A readiness check: given the log head, whether this part is ready, with details.
#[derive(Clone)]
pub struct ReadinessCheck(pub Arc<dyn Fn(i64) -> (bool, Value) + Send + Sync>);

impl std::fmt::Debug for ReadinessCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadinessCheck")
    }
}

/// What the ops endpoints read: the log (its head proves the database answers), further
/// readiness checks by name, and the process's metrics.
#[derive(Debug, Clone)]
pub struct Ops {
    log: EventLog,
    checks: Vec<(String, ReadinessCheck)>,
    metrics: Option<PrometheusHandle>,
}

impl Ops {
    /// Ops over `log`, rendering the process's metrics (installing the recorder).
    pub fn new(log: EventLog) -> Self {
        Self {
            log,
            checks: Vec::new(),
            metrics: crate::metrics::handle(),
        }
    }

    /// Adds a check `/ready` runs after the database check; its details appear under `name`.
    pub fn with_readiness(
        mut self,
        name: &str,
        check: impl Fn(i64) -> (bool, Value) + Send + Sync + 'static,
    ) -> Self {
        self.checks
            .push((name.to_owned(), ReadinessCheck(Arc::new(check))));
        self
    }

    /// The router of `/health`, `/ready` and `/metrics` with this state.
    pub fn router(self) -> Router {
        Router::new()
            .route("/health", get(health))
            .route("/ready", get(ready))
            .route("/metrics", get(metrics))
            .with_state(self)
    }
}

/// The operations of this file, merged into every served document.
#[derive(OpenApi)]
#[openapi(
    paths(health, ready, metrics),
    tags((name = "ops", description = "Liveness, readiness and metrics")),
)]
pub struct OpsApi;

/// The liveness answer.
#[derive(ToSchema)]
#[allow(dead_code)] // documents the body `health` writes
pub struct Health {
    /// Always `ok`.
    #[schema(example = "ok")]
    status: String,
}

/// Whether the database answers.
#[derive(ToSchema)]
#[allow(dead_code)] // documents the body `ready` writes
pub struct Readiness {
    /// `ready` or `unavailable`.
    #[schema(example = "ready")]
    status: String,
    /// The last position of the log (when ready).
    log_head: Option<i64>,
    /// Why the service is not ready (when unavailable).
    reason: Option<String>,
    /// Projection health when this process runs projections: `ready`, and per projection
    /// its checkpoint, lag (events, seconds), last error and verdict (`ok`,
    /// `catching_up`, `stuck`).
    #[schema(value_type = Option<Object>)]
    projections: Option<Value>,
}

/// Prometheus text exposition of every metric of this process.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "ops",
    responses((status = 200, description = "Prometheus text format 0.0.4", body = String, content_type = "text/plain"))
)]
async fn metrics(State(ops): State<Ops>) -> ([(HeaderName, &'static str); 1], String) {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        ops.metrics.map(|h| h.render()).unwrap_or_default(),
    )
}

/// The process is up.
#[utoipa::path(
    get,
    path = "/health",
    tag = "ops",
    responses((status = 200, description = "The process is up", body = Health))
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
        (status = 200, description = "Ready, with the log head and each check's details", body = Readiness),
        (status = 503, description = "The database does not answer, or a check failed (e.g. a projection is stuck)", body = Readiness),
    )
)]
async fn ready(State(ops): State<Ops>) -> (StatusCode, Json<Value>) {
    // Its own short deadline: a load balancer must see red within seconds of an outage,
    // whatever the pool's acquire timeout.
    let head = tokio::time::timeout(READY_DB_TIMEOUT, ops.log.head())
        .await
        .unwrap_or_else(|_| Err(eventlog::LogError::Database(sqlx::Error::PoolTimedOut)));
    match head {
        Ok(head) => {
            let mut body = json!({ "status": "ready", "log_head": head });
            let mut ready = true;
            for (name, check) in &ops.checks {
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
