//! Bodies documented but built elsewhere: the operational endpoints' answers (the
//! command replies are the real types in [`crate::commands::replies`]).

use utoipa::ToSchema;

/// The process is up.
#[derive(ToSchema)]
pub struct Health {
    /// Always `ok`.
    #[schema(example = "ok")]
    pub status: String,
}

/// Whether the database answers.
#[derive(ToSchema)]
pub struct Readiness {
    /// `ready` or `unavailable`.
    #[schema(example = "ready")]
    pub status: String,
    /// The last position of the log (when ready).
    pub log_head: Option<i64>,
    /// Why the service is not ready (when unavailable).
    pub reason: Option<String>,
    /// Projection health when this process runs projections: `ready`, and per projection
    /// its checkpoint, lag (events, seconds), last error and verdict (`ok`,
    /// `catching_up`, `stuck`).
    #[schema(value_type = Option<Object>)]
    pub projections: Option<serde_json::Value>,
}
