//! The query API's state and the read-your-writes wait.

use std::time::Duration;

use axum::extract::FromRef;
use eventlog::EventLog;
use http_kit::{Access, ApiError, Clock, Keys};
use projections::status::Projections;

use crate::error::QueryError;

/// How long a read waits for the projections to reach the `after` position.
const CATCH_UP: Duration = Duration::from_secs(2);

/// Everything a read handler needs, cheap to clone.
#[derive(Debug, Clone)]
pub struct QueryState {
    /// The event log; its pool also holds the read-model tables.
    pub log: EventLog,
    /// Token keys, to authenticate callers.
    pub keys: Keys,
    /// The application clock (token expiry, seconds left on holds).
    pub clock: Clock,
    /// The projections' progress, for read-your-writes and live streams.
    pub projections: Projections,
    /// Recent suspensions and role changes (shared with the command API).
    pub access: Access,
}

impl QueryState {
    /// State over `log`, verifying tokens with `keys` and `access`, reading time from
    /// `clock`.
    pub fn new(
        log: EventLog,
        keys: Keys,
        access: Access,
        clock: Clock,
        projections: Projections,
    ) -> Self {
        Self {
            log,
            keys,
            clock,
            projections,
            access,
        }
    }

    /// Waits until every projection in `names` has applied `after` (when given); a 503
    /// when they do not get there in time, a 422 at once when `after` is beyond the log's
    /// head (no command returned it, so waiting cannot help).
    pub async fn caught_up(&self, after: Option<i64>, names: &[&str]) -> Result<(), QueryError> {
        let Some(position) = after else {
            return Ok(());
        };
        if position > self.log.head().await? {
            return Err(ApiError::field(
                "after",
                "is beyond the log's head; pass a position a command returned",
            )
            .into());
        }
        let reached = self
            .projections
            .wait_for(&self.log, names, position, CATCH_UP)
            .await?;
        if reached {
            Ok(())
        } else {
            Err(QueryError::Behind)
        }
    }
}

impl FromRef<QueryState> for Keys {
    fn from_ref(state: &QueryState) -> Self {
        state.keys.clone()
    }
}

impl FromRef<QueryState> for Clock {
    fn from_ref(state: &QueryState) -> Self {
        state.clock.clone()
    }
}

impl FromRef<QueryState> for Access {
    fn from_ref(state: &QueryState) -> Self {
        state.access.clone()
    }
}
