//! Group commit: one writer task per process takes every append waiting in its queue,
//! decides them together under the log-head lock and commits them in one transaction.
//! Concurrent appenders then share one durable flush instead of queueing for one each.

use std::sync::Arc;

use chrono::{SubsecRound, Utc};
use tokio::sync::{mpsc, oneshot, watch};
use tracing::warn;
use uuid::Uuid;

use crate::backend::{Pool, Tx};
use crate::error::{AppendError, LogError};
use crate::plan::{self, Plan};
use crate::prepare::Prepared;
use crate::recent::Recent;
use crate::types::{AppendOutcome, Receipt, StoredEvent};

/// Most appends decided in one transaction.
const MAX_JOBS: usize = 512;
/// Stop adding appends to a batch once it holds this many events.
const MAX_EVENTS: usize = 5_000;

/// One append waiting for the writer, and where to send its answer.
pub(crate) struct Job {
    pub prepared: Prepared,
    /// Stored with the append if it commits.
    pub receipts: Vec<Receipt>,
    pub reply: oneshot::Sender<Result<AppendOutcome, AppendError>>,
}

/// Starts the writer task; it stops when every sender is dropped. It adds what it commits
/// to `recent` (when given) before it raises `head`.
pub(crate) fn spawn(
    pool: Pool,
    head: watch::Sender<i64>,
    recent: Option<Arc<Recent>>,
) -> mpsc::Sender<Job> {
    let (tx, rx) = mpsc::channel(4 * MAX_JOBS);
    tokio::spawn(run(pool, rx, head, recent));
    tx
}

async fn run(
    pool: Pool,
    mut queue: mpsc::Receiver<Job>,
    head: watch::Sender<i64>,
    recent: Option<Arc<Recent>>,
) {
    let remember = |jobs: &[&Job], plan: &Plan| {
        if let Some(recent) = &recent {
            recent.push(committed(jobs, plan));
        }
    };
    while let Some(first) = queue.recv().await {
        let mut events = count(&first.prepared);
        let mut jobs = vec![first];
        while jobs.len() < MAX_JOBS && events < MAX_EVENTS {
            match queue.try_recv() {
                Ok(job) => {
                    events += count(&job.prepared);
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        match commit(&pool, &jobs.iter().collect::<Vec<_>>()).await {
            Ok(plan) => {
                remember(&jobs.iter().collect::<Vec<_>>(), &plan);
                head.send_if_modified(|h| raise(h, plan.head));
                for (job, result) in jobs.into_iter().zip(plan.results) {
                    let _ = job.reply.send(result);
                }
            }
            Err(error) if jobs.len() > 1 => {
                // One append's data may have broken the whole batch: retry each alone so
                // the others still land and only the culprit gets the error.
                warn!(%error, batch.size = jobs.len(), "batched append failed, retrying one by one");
                for job in jobs {
                    let result = match commit(&pool, &[&job]).await {
                        Ok(plan) => {
                            remember(&[&job], &plan);
                            head.send_if_modified(|h| raise(h, plan.head));
                            plan.results
                                .into_iter()
                                .next()
                                .unwrap_or(Err(AppendError::Empty))
                        }
                        Err(e) => Err(AppendError::Storage(e)),
                    };
                    let _ = job.reply.send(result);
                }
            }
            Err(error) => {
                for job in jobs {
                    let _ = job
                        .reply
                        .send(Err(AppendError::Storage(clone_error(&error))));
                }
            }
        }
    }
}

async fn commit(pool: &Pool, jobs: &[&Job]) -> Result<Plan, LogError> {
    let mut tx = pool.begin().await?;
    let batch: Vec<&Prepared> = jobs.iter().map(|j| &j.prepared).collect();
    let plan = decide_in(&mut tx, &batch).await?;
    // Receipts only for the appends that write now: a conflict or a replay keeps none.
    let receipts: Vec<(&Receipt, i64)> = jobs
        .iter()
        .zip(&plan.results)
        .filter_map(|(job, result)| match result {
            Ok(outcome) if !outcome.replayed => Some((job, outcome.last_position())),
            _ => None,
        })
        .flat_map(|(job, position)| job.receipts.iter().map(move |r| (r, position)))
        .collect();
    if !receipts.is_empty() {
        tx.save_receipts(&receipts, Utc::now()).await?;
    }
    tx.commit().await?;
    Ok(plan)
}

/// Locks the head, reads what the plan needs, plans and inserts, inside `tx`.
pub(crate) async fn decide_in(tx: &mut Tx, batch: &[&Prepared]) -> Result<Plan, LogError> {
    let head = tx.lock_head().await?;
    let mut ids: Vec<Uuid> = Vec::new();
    let mut streams: Vec<String> = Vec::new();
    for stream in batch.iter().flat_map(|p| p.iter()) {
        ids.extend(stream.events.iter().map(|e| e.event_id));
        streams.push(stream.stream_id.to_string());
    }
    streams.sort_unstable();
    streams.dedup();
    let existing = tx.existing(&ids).await?;
    let versions = tx.versions(&streams).await?;
    // Microseconds: what both backends store, so an event read back equals the one kept.
    let now = Utc::now().trunc_subsecs(6);
    let plan = plan::plan(head, batch, existing, versions, now);
    if !plan.rows.is_empty() {
        tx.insert(&plan.rows, plan.head).await?;
    }
    Ok(plan)
}

/// The events `plan` wrote for `jobs`, as a read would return them, each with its size.
fn committed(jobs: &[&Job], plan: &Plan) -> Vec<(StoredEvent, usize)> {
    let mut events = Vec::with_capacity(plan.rows.len());
    for (job, result) in jobs.iter().zip(&plan.results) {
        let Ok(outcome) = result else { continue };
        if outcome.replayed {
            continue;
        }
        let prepared = job
            .prepared
            .iter()
            .flat_map(|stream| stream.events.iter().map(move |event| (stream, event)));
        for ((stream, event), written) in prepared.zip(&outcome.written) {
            let stored = StoredEvent {
                position: written.position,
                stream_id: stream.stream_id.clone(),
                stream_version: written.stream_version,
                event_id: event.event_id,
                event_type: event.event_type.clone(),
                schema_version: event.schema_version,
                payload: event.payload_value.clone(),
                metadata: event.metadata_value.clone(),
                recorded_at: plan.recorded_at,
            };
            events.push((stored, event.payload.len() + event.metadata.len()));
        }
    }
    events
}

fn count(prepared: &Prepared) -> usize {
    prepared.iter().map(|s| s.events.len()).sum()
}

/// Moves a watched head forward only; reports whether it moved.
pub(crate) fn raise(current: &mut i64, new: i64) -> bool {
    if new > *current {
        *current = new;
        true
    } else {
        false
    }
}

// sqlx errors are not Clone; every appender of a failed single-job batch gets the text.
fn clone_error(error: &LogError) -> LogError {
    LogError::Database(sqlx::Error::Protocol(error.to_string()))
}
