//! What every projection has done lately, shared by its runner, `/metrics`, `/ready`, the
//! query API's read-your-writes wait and the live availability streams.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use eventlog::sql::{placeholders, Arg, Conn};
use eventlog::{EventLog, LogError};
use serde::Serialize;
use tokio::sync::{broadcast, watch};

/// The checkpoint name of a projection.
pub fn checkpoint_name(projection: &str) -> String {
    format!("projection:{projection}")
}

/// One projection's progress and trouble, as this process saw it.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct ProjectionStatus {
    /// The projection.
    pub name: String,
    /// The last position applied (and committed).
    pub checkpoint: i64,
    /// The log head when last looked at.
    pub head: i64,
    /// Recorded time of the last event applied.
    pub last_event_at: Option<DateTime<Utc>>,
    /// When the checkpoint last moved (or the runner found nothing to do).
    pub last_progress_at: Option<DateTime<Utc>>,
    /// The last failure, cleared by the next success.
    pub last_error: Option<String>,
    /// Failures in a row.
    pub failures: u32,
    /// Whether a runner for it is running in this process.
    pub running: bool,
}

impl ProjectionStatus {
    /// Events the projection is behind the head.
    pub fn lag_events(&self) -> i64 {
        (self.head - self.checkpoint).max(0)
    }

    /// Seconds between `now` and the newest event applied while behind (0 when caught up).
    pub fn lag_seconds(&self, now: DateTime<Utc>) -> f64 {
        match (self.lag_events(), self.last_event_at) {
            (0, _) | (_, None) => 0.0,
            (_, Some(at)) => (now - at).num_milliseconds().max(0) as f64 / 1000.0,
        }
    }
}

/// A batch of changed listings, sent after a projection committed it: the catalog's
/// (availability, details, the waiting room's counts) or the bookings projection's (the
/// waiting room's visits).
#[derive(Debug, Clone)]
pub struct ListingsChanged {
    /// The projection that committed the batch.
    pub projection: &'static str,
    /// Listing ids (text) whose read models of that projection changed.
    pub listings: Arc<Vec<String>>,
    /// That projection's checkpoint after the batch.
    pub position: i64,
}

#[derive(Debug)]
struct Inner {
    statuses: Mutex<BTreeMap<String, ProjectionStatus>>,
    progress: watch::Sender<i64>,
    listings: broadcast::Sender<ListingsChanged>,
}

/// The shared registry of projection statuses. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Projections {
    inner: Arc<Inner>,
}

impl Default for Projections {
    fn default() -> Self {
        Self::new()
    }
}

impl Projections {
    /// An empty registry.
    pub fn new() -> Self {
        Self {
            inner: Arc::new(Inner {
                statuses: Mutex::new(BTreeMap::new()),
                progress: watch::channel(0).0,
                listings: broadcast::channel(1024).0,
            }),
        }
    }

    /// Every status, by name.
    pub fn statuses(&self) -> Vec<ProjectionStatus> {
        self.lock().values().cloned().collect()
    }

    /// One status.
    pub fn status(&self, name: &str) -> Option<ProjectionStatus> {
        self.lock().get(name).cloned()
    }

    /// Changes one status and publishes it as metrics.
    pub fn update(&self, name: &str, change: impl FnOnce(&mut ProjectionStatus)) {
        let snapshot = {
            let mut statuses = self.lock();
            let status = statuses
                .entry(name.to_owned())
                .or_insert_with(|| ProjectionStatus {
                    name: name.to_owned(),
                    ..ProjectionStatus::default()
                });
            let previous_error = status.last_error.clone();
            change(status);
            (previous_error, status.clone())
        };
        crate::metrics::publish(snapshot.0.as_deref(), &snapshot.1);
        self.inner.progress.send_modify(|n| *n += 1);
    }

    /// Tells live streams and the query API's followers which listings changed.
    pub fn listings_changed(&self, change: ListingsChanged) {
        let _ = self.inner.listings.send(change);
    }

    /// Listens for changed listings (catalog and bookings batches committed in this
    /// process).
    pub fn subscribe_listings(&self) -> broadcast::Receiver<ListingsChanged> {
        self.inner.listings.subscribe()
    }

    /// Waits (at most `timeout`) until every projection in `names` has applied `position`.
    /// Reads checkpoints from the database, so it works whichever process runs them.
    /// Returns whether they got there.
    pub async fn wait_for(
        &self,
        log: &EventLog,
        names: &[&str],
        position: i64,
        timeout: Duration,
    ) -> Result<bool, LogError> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut progress = self.inner.progress.subscribe();
        loop {
            progress.borrow_and_update();
            if checkpoints_reach(log, names, position).await? {
                return Ok(true);
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Ok(false);
            }
            // Local runners wake us at once; other processes' progress is polled.
            let nap = (deadline - now).min(Duration::from_millis(20));
            let _ = tokio::time::timeout(nap, progress.changed()).await;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, ProjectionStatus>> {
        self.inner
            .statuses
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

async fn checkpoints_reach(
    log: &EventLog,
    names: &[&str],
    position: i64,
) -> Result<bool, LogError> {
    if names.is_empty() {
        return Ok(true);
    }
    let mut conn = Conn::acquire(log).await.map_err(LogError::from)?;
    let sql = format!(
        "SELECT name, position FROM checkpoints WHERE name IN ({})",
        placeholders(1, names.len())
    );
    let args = names
        .iter()
        .map(|n| Arg::Text(checkpoint_name(n)))
        .collect();
    let rows: Vec<(String, i64)> = conn.db().fetch(&sql, args).await.map_err(LogError::from)?;
    Ok(names.iter().all(|name| {
        let key = checkpoint_name(name);
        rows.iter().any(|(n, p)| *n == key && *p >= position)
    }))
}

impl Projections {
    /// The `/ready` check of a process that runs projections: given the log head,
    /// whether none is stuck (behind without progress for `stuck_after`), and the details.
    pub fn readiness_check(
        &self,
        stuck_after: Duration,
    ) -> impl Fn(i64) -> (bool, serde_json::Value) + Send + Sync + 'static {
        let registry = self.clone();
        move |head| {
            let verdict = registry.readiness(head, Utc::now(), stuck_after);
            let detail = serde_json::to_value(&verdict).unwrap_or_default();
            (verdict.ready, detail)
        }
    }
}

/// Whether the projections are healthy enough to serve: not stuck while behind.
#[derive(Debug, Clone, Serialize)]
pub struct Readiness {
    /// False when any projection has made no progress for longer than the threshold while
    /// it is behind the head, or its last attempt failed for longer than that.
    pub ready: bool,
    /// Each projection's status and verdict.
    pub projections: Vec<ProjectionVerdict>,
}

/// One projection in a [`Readiness`] answer.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectionVerdict {
    /// Its status.
    #[serde(flatten)]
    pub status: ProjectionStatus,
    /// Events behind the head.
    pub lag_events: i64,
    /// Seconds between the newest event and the last one applied (0 when caught up).
    pub lag_seconds: f64,
    /// `ok`, `catching_up` or `stuck`.
    pub verdict: &'static str,
}

impl Projections {
    /// Judges every projection this process runs against the current log head.
    pub fn readiness(&self, head: i64, now: DateTime<Utc>, stuck_after: Duration) -> Readiness {
        let stuck_after =
            chrono::TimeDelta::from_std(stuck_after).unwrap_or(chrono::TimeDelta::MAX);
        let projections: Vec<ProjectionVerdict> = self
            .statuses()
            .into_iter()
            .filter(|s| s.running)
            .map(|mut status| {
                status.head = status.head.max(head);
                let lag_events = status.lag_events();
                let idle = status
                    .last_progress_at
                    .map_or(chrono::TimeDelta::MAX, |at| now - at);
                let verdict = if lag_events == 0 {
                    "ok"
                } else if idle > stuck_after {
                    "stuck"
                } else {
                    "catching_up"
                };
                let lag_seconds = status.lag_seconds(now);
                ProjectionVerdict {
                    status,
                    lag_events,
                    lag_seconds,
                    verdict,
                }
            })
            .collect();
        Readiness {
            ready: projections.iter().all(|p| p.verdict != "stuck"),
            projections,
        }
    }
}
