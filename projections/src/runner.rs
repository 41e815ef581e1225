//! The projector runner: one task per projection. Each reads the log after its
//! checkpoint in batches, applies a batch and moves its checkpoint in one transaction,
//! and wakes on new events through the log's subscription. A failing batch is retried
//! with exponential backoff and reported (status, metrics, `/ready`); the other
//! projections keep going.

use std::future::Future;
use std::time::Duration;

use chrono::Utc;
use eventlog::sql::Db;
use eventlog::{EventLog, StoredEvent};
use tokio::sync::watch;
use tracing::{info, warn};

use crate::decode::decode_all;
use crate::error::ProjectionError;
use crate::read::Projection;
use crate::record::Tables;
use crate::status::{checkpoint_name, ListingsChanged, Projections};

/// How the runner works.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// Events per batch (and transaction).
    pub batch: usize,
    /// First retry delay after a failure; doubles per failure in a row.
    pub min_backoff: Duration,
    /// Longest retry delay.
    pub max_backoff: Duration,
    /// How often an idle projection confirms it is caught up (keeps `/ready` truthful).
    pub idle_check: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self {
            batch: 1000,
            min_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(30),
            idle_check: Duration::from_secs(2),
        }
    }
}

/// Runs `which` projections until `shutdown` resolves; a batch in flight finishes first.
pub async fn run(
    log: EventLog,
    registry: Projections,
    which: Vec<Projection>,
    config: RunnerConfig,
    shutdown: impl Future<Output = ()>,
) {
    let (stop, stopped) = watch::channel(false);
    let tasks: Vec<_> = which
        .into_iter()
        .map(|projection| {
            tokio::spawn(run_one(
                log.clone(),
                registry.clone(),
                projection,
                config.clone(),
                stopped.clone(),
            ))
        })
        .collect();
    shutdown.await;
    let _ = stop.send(true);
    for task in tasks {
        let _ = task.await;
    }
}

/// What became of a batch.
pub(crate) enum Outcome {
    /// Applied; the listings it changed.
    Applied(Vec<String>),
    /// Someone else moved the checkpoint (another worker, or a replay swapped tables in):
    /// nothing was written; continue from here.
    Moved(i64),
}

/// Applies `events` (which follow `expected`) to `projection` in one transaction with its
/// checkpoint `checkpoint`, writing to `tables`.
pub(crate) async fn apply_batch(
    log: &EventLog,
    projection: Projection,
    tables: &Tables,
    checkpoint: &str,
    expected: i64,
    events: &[StoredEvent],
) -> Result<Outcome, ProjectionError> {
    let Some(last) = events.last().map(|e| e.position) else {
        return Ok(Outcome::Applied(Vec::new()));
    };
    let facts = decode_all(events)?;
    // Rows and checkpoint are rebuilt from the log if a power cut loses them.
    let mut tx = log.begin_rebuildable().await?;
    let stored = tx.lock_checkpoint(checkpoint).await?;
    if stored != expected {
        tx.rollback().await?;
        return Ok(Outcome::Moved(stored));
    }
    let changed = {
        let mut db = Db::of(&mut tx);
        projection.apply(&mut db, tables, &facts).await?
    };
    tx.save_checkpoint(checkpoint, last).await?;
    tx.commit().await?;
    Ok(Outcome::Applied(changed))
}

fn backoff(config: &RunnerConfig, failures: u32) -> Duration {
    let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(16));
    config
        .min_backoff
        .saturating_mul(factor)
        .min(config.max_backoff)
}

async fn run_one(
    log: EventLog,
    registry: Projections,
    projection: Projection,
    config: RunnerConfig,
    mut stop: watch::Receiver<bool>,
) {
    let name = projection.name();
    let checkpoint = checkpoint_name(name);
    let tables = Tables::live();
    registry.update(name, |s| s.running = true);
    let mut position = loop {
        match log.checkpoint(&checkpoint).await {
            Ok(position) => break position,
            Err(error) => {
                let failures = fail(&registry, name, &error.to_string());
                if sleep_or_stop(&mut stop, backoff(&config, failures)).await {
                    return;
                }
            }
        }
    };
    info!(
        projection = name,
        checkpoint = position,
        "projection started"
    );
    let mut events: Vec<StoredEvent> = Vec::new();
    loop {
        if *stop.borrow() {
            break;
        }
        if events.is_empty() {
            let read = tokio::select! {
                _ = stop.changed() => break,
                read = read_after(&log, position, &config) => read,
            };
            match read {
                Ok(batch) if batch.is_empty() => {
                    // Caught up as of now.
                    let head = log.head().await.unwrap_or(position);
                    registry.update(name, |s| {
                        s.checkpoint = position;
                        s.head = head.max(position);
                        s.last_progress_at = Some(Utc::now());
                    });
                    continue;
                }
                Ok(batch) => events = batch,
                Err(error) => {
                    let failures = fail(&registry, name, &error.to_string());
                    if sleep_or_stop(&mut stop, backoff(&config, failures)).await {
                        break;
                    }
                    continue;
                }
            }
        }
        match apply_batch(&log, projection, &tables, &checkpoint, position, &events).await {
            Ok(Outcome::Applied(changed)) => {
                let last = events.last().expect("a batch is never empty here");
                position = last.position;
                let last_event_at = last.recorded_at;
                // Commit-to-visible lag of every event in the batch (one clock read).
                let now = Utc::now();
                let lag = metrics::histogram!("boxoffice_projection_visible_lag_seconds", "projection" => name);
                for event in &events {
                    let micros = (now - event.recorded_at).num_microseconds().unwrap_or(0);
                    lag.record(micros.max(0) as f64 / 1e6);
                }
                events.clear();
                let head = log.head().await.unwrap_or(position);
                registry.update(name, |s| {
                    if s.failures > 0 {
                        info!(projection = name, "projection recovered");
                    }
                    s.checkpoint = position;
                    s.head = head.max(position);
                    s.last_event_at = Some(last_event_at);
                    s.last_progress_at = Some(Utc::now());
                    s.last_error = None;
                    s.failures = 0;
                });
                if !changed.is_empty() {
                    registry.listings_changed(ListingsChanged {
                        projection: name,
                        listings: std::sync::Arc::new(changed),
                        position,
                    });
                }
            }
            Ok(Outcome::Moved(stored)) => {
                info!(
                    projection = name,
                    from = position,
                    to = stored,
                    "checkpoint moved by another worker or a replay; continuing from there"
                );
                position = stored;
                events.clear();
            }
            Err(error) => {
                let failures = fail(&registry, name, &error.to_string());
                let head = log.head().await.unwrap_or(position);
                registry.update(name, |s| s.head = head);
                if sleep_or_stop(&mut stop, backoff(&config, failures)).await {
                    break;
                }
                // Retry the same events: the checkpoint did not move.
            }
        }
    }
    registry.update(name, |s| s.running = false);
    info!(
        projection = name,
        checkpoint = position,
        "projection stopped"
    );
}

/// The next events after `position`, waiting (up to `idle_check`) for new ones.
async fn read_after(
    log: &EventLog,
    position: i64,
    config: &RunnerConfig,
) -> Result<Vec<StoredEvent>, eventlog::LogError> {
    let events = log.read_all(position, config.batch).await?;
    if !events.is_empty() {
        return Ok(events);
    }
    let mut subscription = log.subscribe(position);
    subscription.next_batch_within(config.idle_check).await
}

fn fail(registry: &Projections, name: &str, error: &str) -> u32 {
    let mut failures = 0;
    registry.update(name, |s| {
        s.failures += 1;
        s.last_error = Some(error.to_owned());
        failures = s.failures;
    });
    warn!(projection = name, failures, %error, "projection batch failed; retrying with backoff");
    failures
}

/// Sleeps; true if asked to stop meanwhile.
async fn sleep_or_stop(stop: &mut watch::Receiver<bool>, nap: Duration) -> bool {
    tokio::select! {
        _ = stop.changed() => true,
        _ = tokio::time::sleep(nap) => *stop.borrow(),
    }
}
