//! The writer task of one listing, and the one-request-at-a-time path used when the hot
//! writer is off and as the fallback after a conflict.

use std::collections::HashSet;
use std::time::Duration;

use domain::listing::{ListingEvent, ListingState};
use domain::{Aggregate, ListingAggregate, ListingId};
use eventlog::{AppendError, AppendOutcome, EventLog, ExpectedVersion, StreamAppend, StreamId};
use tokio::sync::mpsc;

use super::job::BoxedJob;
use super::Writers;

use crate::recorder::Recorder;
use crate::store::{self, Loaded, WriteError};

/// A writer with nothing to do for this long hands its memory back.
const IDLE: Duration = Duration::from_secs(300);
/// Most commands decided and appended together.
const MAX_BATCH: usize = 256;
/// Reloads after conflicts before a command is given up.
const MAX_ATTEMPTS: u32 = 20;
/// The longest pause between two attempts after a conflict.
const MAX_BACKOFF: Duration = Duration::from_millis(50);

pub(super) fn spawn(writers: Writers, listing: ListingId) -> mpsc::Sender<BoxedJob> {
    let (sender, queue) = mpsc::channel(4 * MAX_BATCH);
    let own = sender.clone();
    tokio::spawn(async move {
        run(writers, listing, own, queue).await;
    });
    sender
}

async fn run(
    writers: Writers,
    listing: ListingId,
    own: mpsc::Sender<BoxedJob>,
    mut queue: mpsc::Receiver<BoxedJob>,
) {
    let log = writers.log().clone();
    let recorder = writers.recorder().clone();
    let stream = store::stream_id(listing.stream_id());
    let mut loaded: Option<Loaded<ListingState>> = None;
    loop {
        // A writer of a listing that does not exist (its id was made up, or its creation
        // was refused) keeps nothing worth keeping: it retires at once, so ids a client
        // invents cost no task and no memory once answered.
        let absent = loaded.as_ref().is_some_and(|l| l.version == 0);
        let next = if absent {
            Err(())
        } else {
            tokio::time::timeout(IDLE, queue.recv())
                .await
                .map_err(|_| ())
        };
        let first = match next {
            Ok(Some(job)) => job,
            Ok(None) => break,
            Err(()) => {
                // Retire: leave the registry, then finish whatever raced in.
                writers.retire(listing, &own);
                queue.close();
                let mut rest = Vec::new();
                while let Some(job) = queue.recv().await {
                    rest.push(job);
                }
                if !rest.is_empty() {
                    process(&log, &recorder, &stream, &mut loaded, rest).await;
                }
                break;
            }
        };
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        metrics::histogram!("boxoffice_writer_batch_size").record(jobs.len() as f64);
        process(&log, &recorder, &stream, &mut loaded, jobs).await;
    }
}

/// Decides a batch against the in-memory state and appends it in one transaction.
async fn process(
    log: &EventLog,
    recorder: &Recorder,
    stream: &StreamId,
    loaded: &mut Option<Loaded<ListingState>>,
    jobs: Vec<BoxedJob>,
) {
    if loaded.is_none() {
        match store::load::<ListingAggregate>(log, stream).await {
            Ok(fresh) => *loaded = Some(fresh),
            Err(error) => {
                tracing::warn!(%error, stream.id = %stream, "loading the listing failed");
                for job in jobs {
                    job.fail(WriteError::Lost("loading the listing failed"));
                }
                return;
            }
        }
    }
    let current = loaded.as_mut().expect("loaded above");
    let before = current.version;
    let mut accepted: Vec<BoxedJob> = Vec::new();
    let mut listing_events = Vec::new();
    let mut others: Vec<StreamAppend> = Vec::new();
    let mut receipts = Vec::new();
    let mut touched: HashSet<StreamId> = HashSet::new();
    let mut deferred = Vec::new();
    let mut rejected = Vec::new();
    for mut job in jobs {
        match job.decide(&current.state) {
            Some((events, extra)) => {
                // Two commands on one other stream (say, one booking) cannot share a
                // transaction with one expected version each: the second waits its turn.
                if extra.iter().any(|a| touched.contains(&a.stream_id)) {
                    deferred.push(job);
                    continue;
                }
                touched.extend(extra.iter().map(|a| a.stream_id.clone()));
                match store::to_log(&events, job.metadata()) {
                    Ok(log_events) => {
                        evolve(&mut current.state, &events);
                        listing_events.extend(log_events);
                        others.extend(extra);
                        receipts.extend(job.receipt());
                        accepted.push(job);
                    }
                    Err(error) => job.fail(error.into()),
                }
            }
            None => rejected.push(job),
        }
    }
    if !rejected.is_empty() && is_stale(log, stream, before).await {
        // Another process wrote this listing since we folded it: a rejection decided on
        // stale state is not an answer. Start from the log and decide everything again.
        conflict("stale");
        *loaded = None;
        let retry = accepted.into_iter().chain(rejected).chain(deferred);
        for job in retry.collect::<Vec<_>>() {
            one_at_a_time(log, recorder, stream, loaded, job).await;
        }
        return;
    }
    for job in rejected {
        metrics::counter!("boxoffice_commands_total", "outcome" => "rejected").increment(1);
        job.reject();
    }
    if !accepted.is_empty() {
        let added = listing_events.len() as u64;
        let mut appends = Vec::with_capacity(others.len() + 1);
        if added > 0 {
            appends.push(StreamAppend::new(
                stream.clone(),
                ExpectedVersion::Exact(before),
                listing_events,
            ));
        }
        appends.extend(others);
        let result = if appends.is_empty() {
            Ok(AppendOutcome {
                written: Vec::new(),
                replayed: false,
            })
        } else {
            log.append_with_receipts(appends, receipts).await
        };
        match result {
            Ok(outcome) => {
                current.version = before + added;
                let position = outcome.last_position();
                for job in accepted {
                    metrics::counter!("boxoffice_commands_total", "outcome" => "committed")
                        .increment(1);
                    job.succeed(position);
                }
                after_commit(log, recorder, stream, current).await;
            }
            Err(error) => {
                // Someone else wrote (another process), or a storage failure: start from
                // the log again and take the commands one at a time.
                if matches!(&error, AppendError::Conflict { stream_id, .. } if stream_id == stream.as_str())
                {
                    conflict("batch");
                }
                tracing::info!(%error, stream.id = %stream, "batch append failed; replaying");
                *loaded = None;
                for job in accepted {
                    deferred.insert(0, job);
                }
            }
        }
    }
    for job in deferred {
        one_at_a_time(log, recorder, stream, loaded, job).await;
    }
}

/// Decides and appends a single job, reloading and retrying on listing conflicts.
async fn one_at_a_time(
    log: &EventLog,
    recorder: &Recorder,
    stream: &StreamId,
    loaded: &mut Option<Loaded<ListingState>>,
    mut job: BoxedJob,
) {
    for attempt in 0..MAX_ATTEMPTS {
        if attempt > 0 {
            backoff(attempt).await;
        }
        if loaded.is_none() {
            match store::load::<ListingAggregate>(log, stream).await {
                Ok(fresh) => *loaded = Some(fresh),
                Err(error) => return job.fail(error.into()),
            }
        }
        let current = loaded.as_mut().expect("loaded above");
        let (events, extra) = match job.decide(&current.state) {
            Some(decided) => decided,
            None if is_stale(log, stream, current.version).await => {
                conflict("stale");
                *loaded = None;
                continue;
            }
            None => {
                metrics::counter!("boxoffice_commands_total", "outcome" => "rejected").increment(1);
                return job.reject();
            }
        };
        let log_events = match store::to_log(&events, job.metadata()) {
            Ok(e) => e,
            Err(error) => return job.fail(error.into()),
        };
        let added = log_events.len() as u64;
        let mut appends = Vec::new();
        if added > 0 {
            appends.push(StreamAppend::new(
                stream.clone(),
                ExpectedVersion::Exact(current.version),
                log_events,
            ));
        }
        appends.extend(extra);
        if appends.is_empty() {
            job.succeed(0);
            after_commit(log, recorder, stream, current).await;
            return;
        }
        let receipts = job.receipt().into_iter().collect();
        match log.append_with_receipts(appends, receipts).await {
            Ok(outcome) => {
                evolve(&mut current.state, &events);
                current.version += added;
                metrics::counter!("boxoffice_commands_total", "outcome" => "committed")
                    .increment(1);
                job.succeed(outcome.last_position());
                after_commit(log, recorder, stream, current).await;
                return;
            }
            Err(AppendError::Conflict { stream_id, .. }) if stream_id == stream.as_str() => {
                metrics::counter!("boxoffice_commands_total", "outcome" => "retried").increment(1);
                conflict("single");
                *loaded = None;
            }
            Err(error) => {
                *loaded = None;
                return job.fail(WriteError::of_append(error));
            }
        }
    }
    job.fail(WriteError::Conflict(
        "the listing is changing too fast to decide this command; retry",
    ));
}

/// The path with the hot writer off: load, decide, append, retry on conflict.
pub(super) async fn run_alone(
    log: &EventLog,
    recorder: &Recorder,
    listing: ListingId,
    job: BoxedJob,
) {
    let stream = store::stream_id(listing.stream_id());
    let mut loaded = None;
    one_at_a_time(log, recorder, &stream, &mut loaded, job).await;
}

/// A random pause, its bound doubling with each attempt up to [`MAX_BACKOFF`]: two
/// processes whose writers keep overwriting each other's expected version fall out of
/// step instead of colliding again at once (full jitter, as in AWS's "Exponential Backoff
/// And Jitter").
async fn backoff(attempt: u32) {
    use rand::Rng;
    let bound = Duration::from_micros(500 << attempt.min(10)).min(MAX_BACKOFF);
    let pause = rand::rng().random_range(Duration::ZERO..=bound);
    tokio::time::sleep(pause).await;
}

/// Whether the log holds events of `stream` beyond `version` (written by another
/// process). Only asked before answering a rejection, so the hot path never pays for it.
async fn is_stale(log: &EventLog, stream: &StreamId, version: u64) -> bool {
    match log.stream_version(stream).await {
        Ok(actual) => actual != version,
        Err(_) => false,
    }
}

/// Counts one cross-process conflict on a listing stream that made this writer reload
/// and decide again: `at` says where it was seen (`batch`: a group append lost the
/// expected-version race; `single`: the same for one command; `stale`: a rejection was
/// about to be answered from state another process had overtaken). With listing-hash
/// routing it stays near zero; the scale benchmark reads it from every API process.
fn conflict(at: &'static str) {
    metrics::counter!("boxoffice_writer_conflicts_total", "at" => at).increment(1);
}

fn evolve(state: &mut ListingState, events: &[ListingEvent]) {
    for event in events {
        *state = ListingAggregate::evolve(std::mem::take(state), event);
    }
}

/// Book-keeping after a commit: the next deadline for the scheduler (written by the
/// recorder, off this path), and a snapshot when the stream has grown enough.
async fn after_commit(
    log: &EventLog,
    recorder: &Recorder,
    stream: &StreamId,
    current: &mut Loaded<ListingState>,
) {
    recorder.deadline(stream, &current.state);
    if current.version >= current.snapshot_version + store::SNAPSHOT_EVERY {
        // Serializing and writing a big state takes milliseconds: do it beside the writer,
        // from a copy, so the queue keeps moving.
        let (log, stream, version) = (log.clone(), stream.clone(), current.version);
        let state = current.state.clone();
        tokio::spawn(async move { store::save_snapshot(&log, &stream, version, &state).await });
        current.snapshot_version = current.version;
    }
}
