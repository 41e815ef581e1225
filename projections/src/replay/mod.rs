//! Rebuilding projections from the log without disturbing readers: the replay builds
//! fresh copies of a projection's tables (`<table>_r<millis>`), folds the log from
//! position 0 into them, then — in one transaction that holds the live checkpoints' locks
//! — applies the last events and puts the copies in place of the live tables (`swap`).
//! Readers see the old model until that commit and the new one after it, never a
//! half-built one. Interrupting a replay leaves only the copies, which the next replay
//! drops.
//!
//! The fold runs in memory (`model`): the copies start empty, so a row the replay has not
//! built does not exist, and nothing is read back while the rows held stay under
//! [`HELD_ROWS`] per projection. Most rows change many times in a log (a listing with each
//! sale), and each is written once, with `COPY` on PostgreSQL, when the fill ends; the
//! copies' secondary indexes are built after that, in one pass each.

mod copies;
mod model;
mod swap;

use std::time::{Duration, Instant};

use eventlog::sql::{Conn, Db};
use eventlog::EventLog;

use crate::decode::decode_all;
use crate::error::ProjectionError;
use crate::read::Projection;
use crate::record::Tables;
use crate::status::checkpoint_name;
use copies::copy_name;
use model::Model;
pub use swap::Swapped;

/// Rows a replay holds in memory per projection. Past it, the rows are written to the
/// copies and the largest tables' forgotten until half of it is held; later batches load
/// the rows they touch from those tables, so memory does not grow with the log.
pub const HELD_ROWS: usize = 400_000;

/// Where a replay is.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Last position applied to the copies.
    pub position: i64,
    /// The log head when last read.
    pub head: i64,
    /// Events applied so far.
    pub events: u64,
    /// Time since the replay started.
    pub elapsed: Duration,
    /// Whether the copies are in place (the last call).
    pub swapped: bool,
    /// How long the final catch-up and swap transaction took (the last call).
    pub swap: Duration,
    /// How the copies were put in place (the last call).
    pub swapped_by: Option<Swapped>,
}

impl Progress {
    /// Events per second so far.
    pub fn rate(&self) -> f64 {
        self.events as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// One projection being replayed: the copies it writes and its rows in memory.
struct Replayed {
    projection: Projection,
    copies: Tables,
    model: Model,
}

/// Rebuilds `which` from the log into fresh tables and swaps them in. The log is read
/// `batch` events at a time; `progress` hears about every batch and the swap.
pub async fn replay(
    log: &EventLog,
    which: &[Projection],
    batch: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<Progress, ProjectionError> {
    replay_holding(log, which, batch, HELD_ROWS, progress).await
}

/// [`replay`] holding at most `held_rows` rows per projection in memory (tests use a small
/// bound to exercise writing, forgetting and loading rows back).
pub async fn replay_holding(
    log: &EventLog,
    which: &[Projection],
    batch: usize,
    held_rows: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<Progress, ProjectionError> {
    let started = Instant::now();
    let generation = chrono::Utc::now().timestamp_millis();
    let mut replayed: Vec<Replayed> = which
        .iter()
        .map(|p| Replayed {
            projection: *p,
            copies: Tables::renamed(p.tables(), |t| copy_name(t, generation)),
            model: Model::fresh(*p),
        })
        .collect();
    {
        let mut tx = log.begin().await?;
        let mut db = Db::of(&mut tx);
        for p in which {
            copies::create_copies(&mut db, p.tables(), generation).await?;
        }
        tx.commit().await?;
    }
    let mut state = Progress {
        position: 0,
        head: log.head().await?,
        events: 0,
        elapsed: Duration::ZERO,
        swapped: false,
        swap: Duration::ZERO,
        swapped_by: None,
    };
    // Fold the log while the live tables keep serving. The next batch is read and decoded
    // on another task while this one is folded.
    let mut next = prefetch(log.clone(), 0, batch);
    loop {
        let fetched = match next.await {
            Ok(fetched) => fetched?,
            // The reading task panicked: carry the panic on here.
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        };
        let applied = fetched.count;
        let Some(last) = fetched.last else { break };
        next = prefetch(log.clone(), last, batch);
        fill(log, &mut replayed, &fetched, held_rows, &mut state).await?;
        state.elapsed = started.elapsed();
        if applied < batch {
            state.head = log.head().await?.max(state.position);
        }
        progress(state);
        if applied < batch && state.position >= state.head {
            break;
        }
    }
    // Write what is held and index the copies, outside any lock.
    {
        let mut tx = log.begin().await?;
        let cache = widen_cache(&mut Db::of(&mut tx)).await?;
        let mut db = Db::of(&mut tx);
        for r in &mut replayed {
            r.model.flush(&mut db, &r.copies).await?;
            for table in r.projection.tables() {
                copies::build_indexes(&mut db, table, r.copies.name(table)).await?;
            }
        }
        restore_cache(&mut db, cache).await?;
        tx.commit().await?;
    }
    // Swap: under the live checkpoints' locks, catch up and put the copies in place.
    let swap_started = Instant::now();
    let mut tx = log.begin().await?;
    for p in which {
        tx.lock_checkpoint(&checkpoint_name(p.name())).await?;
    }
    loop {
        let fetched = fetch(log, state.position, batch).await?;
        if fetched.count == 0 {
            break;
        }
        let mut db = Db::of(&mut tx);
        for r in &mut replayed {
            let load = r.model.loads().then_some(&mut db);
            r.model.apply(load, &r.copies, &fetched.facts).await?;
        }
        count(&fetched, &mut state);
    }
    {
        let mut db = Db::of(&mut tx);
        let mut pairs = Vec::new();
        for r in &mut replayed {
            r.model.flush(&mut db, &r.copies).await?;
            pairs.extend(r.projection.tables().iter().map(|t| (*t, r.copies.name(t))));
        }
        state.swapped_by = Some(swap::swap(&mut db, &pairs).await?);
    }
    for p in which {
        tx.save_checkpoint(&checkpoint_name(p.name()), state.position)
            .await?;
    }
    tx.commit().await?;
    state.head = state.head.max(state.position);
    state.elapsed = started.elapsed();
    state.swap = swap_started.elapsed();
    state.swapped = true;
    progress(state);
    Ok(state)
}

/// Folds a fetched batch into every model (loading from the copies only for models that
/// forgot rows), then writes and forgets the rows of models past `held_rows`.
async fn fill(
    log: &EventLog,
    replayed: &mut [Replayed],
    fetched: &Fetched,
    held_rows: usize,
    state: &mut Progress,
) -> Result<(), ProjectionError> {
    let mut conn = None;
    for r in replayed.iter_mut() {
        if r.model.loads() && conn.is_none() {
            conn = Some(Conn::acquire(log).await?);
        }
        let mut db = conn.as_mut().map(Conn::db);
        r.model
            .apply(db.as_mut(), &r.copies, &fetched.facts)
            .await?;
    }
    drop(conn);
    if replayed.iter().any(|r| r.model.len() > held_rows) {
        let mut tx = log.begin().await?;
        let cache = widen_cache(&mut Db::of(&mut tx)).await?;
        let mut db = Db::of(&mut tx);
        for r in replayed.iter_mut().filter(|r| r.model.len() > held_rows) {
            r.model.flush(&mut db, &r.copies).await?;
            r.model.evict(held_rows / 2);
        }
        restore_cache(&mut db, cache).await?;
        tx.commit().await?;
    }
    count(fetched, state);
    Ok(())
}

/// Counts a folded batch in `state`.
fn count(fetched: &Fetched, state: &mut Progress) {
    if let Some(last) = fetched.last {
        state.position = last;
        state.head = state.head.max(last);
        state.events += fetched.count as u64;
    }
}

/// SQLite page cache of a transaction that writes the copies, in KiB: the pages it writes
/// (tables, then the indexes built over them) stay in memory until its commit instead of
/// being spilled to the file and read back; SQLite's default is 2 MiB.
const FILL_CACHE_KIB: i64 = 256 * 1024;

/// SQLite: widens the connection's page cache for one transaction and returns the size
/// to restore (with [`restore_cache`]) before its commit, since the connection goes back
/// to the pool after it.
async fn widen_cache(db: &mut Db<'_>) -> Result<Option<i64>, sqlx::Error> {
    if db.is_postgres() {
        return Ok(None);
    }
    let before: Vec<(i64,)> = db.fetch("PRAGMA cache_size", Vec::new()).await?;
    let before = before.first().map_or(-2000, |(pages,)| *pages);
    db.exec_script(&format!("PRAGMA cache_size = -{FILL_CACHE_KIB}"))
        .await?;
    Ok(Some(before))
}

/// A batch read and decoded ahead.
struct Fetched {
    count: usize,
    last: Option<i64>,
    facts: Vec<(i64, crate::decode::Fact)>,
}

/// Reads and decodes the batch after `after`.
async fn fetch(log: &EventLog, after: i64, batch: usize) -> Result<Fetched, ProjectionError> {
    let events = log.read_all(after, batch).await?;
    Ok(Fetched {
        count: events.len(),
        last: events.last().map(|e| e.position),
        facts: decode_all(&events)?,
    })
}

/// [`fetch`] on another task, so the next batch is read while this one is written.
fn prefetch(
    log: EventLog,
    after: i64,
    batch: usize,
) -> tokio::task::JoinHandle<Result<Fetched, ProjectionError>> {
    tokio::spawn(async move { fetch(&log, after, batch).await })
}

/// SQLite: puts back the page cache size [`widen_cache`] returned.
async fn restore_cache(db: &mut Db<'_>, pages: Option<i64>) -> Result<(), sqlx::Error> {
    match pages {
        Some(pages) => {
            db.exec_script(&format!("PRAGMA cache_size = {pages}"))
                .await
        }
        None => Ok(()),
    }
}
