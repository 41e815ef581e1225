//! The query API's state and the read-your-writes wait.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use eventlog::EventLog;
use http_kit::{Access, ApiError, Clock, Keys};
use projections::status::Projections;

use crate::cache::ReadCache;
use crate::error::QueryError;
use crate::line::Lines;

/// How long a read waits for the projections to reach the `after` position.
const CATCH_UP: Duration = Duration::from_secs(2);

/// Bounds on live availability streams: each re-reads its listing every second, so
/// their number is what a process lets clients cost it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamLimits {
    /// Most streams open at once in this process; past it a new one is a 503.
    pub max: usize,
    /// A stream ends after this long (`EventSource` reconnects by itself), so a
    /// forgotten tab does not hold its place for ever.
    pub max_age: Duration,
}

impl Default for StreamLimits {
    fn default() -> Self {
        Self {
            max: 1000,
            max_age: Duration::from_secs(30 * 60),
        }
    }
}

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
    /// How many streams may open, and for how long.
    pub stream_limits: StreamLimits,
    /// One permit per open stream.
    pub streams: Arc<tokio::sync::Semaphore>,
    /// Public catalog answers, kept while the catalog has not moved.
    pub cache: ReadCache,
    /// The waiting rooms' lines, kept while the catalog and bookings have not moved.
    pub lines: Lines,
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
        let cache = ReadCache::default();
        Self {
            log,
            keys,
            clock,
            projections,
            access,
            stream_limits: StreamLimits::default(),
            streams: Arc::new(tokio::sync::Semaphore::new(StreamLimits::default().max)),
            lines: Lines::new(cache.checkpoints().clone()),
            cache,
        }
    }

    /// The same state answering from `cache` (which [`ReadCache::follow`] keeps current),
    /// and keeping the waiting rooms' lines by the checkpoints it follows.
    pub fn with_cache(self, cache: ReadCache) -> Self {
        Self {
            lines: Lines::new(cache.checkpoints().clone()),
            cache,
            ..self
        }
    }

    /// The same state with other stream limits.
    pub fn with_stream_limits(self, limits: StreamLimits) -> Self {
        Self {
            stream_limits: limits,
            streams: Arc::new(tokio::sync::Semaphore::new(limits.max)),
            ..self
        }
    }

    /// How many availability streams are open.
    pub fn open_streams(&self) -> usize {
        self.stream_limits.max - self.streams.available_permits()
    }

    /// Waits until every projection in `names` has applied `after` (when given); a 503
    /// when they do not get there in time, a 422 at once when `after` is beyond the log's
    /// head (no command returned it, so waiting cannot help). Once they are there, the
    /// answers kept in memory (catalog cache, waiting rooms' lines) are keyed by `after` at
    /// least, so none computed before it is served.
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
            for name in names {
                self.cache.checkpoints().advance(name, position);
            }
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
