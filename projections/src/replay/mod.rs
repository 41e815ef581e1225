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
use crate::record::{Held, Tables};
use crate::status::checkpoint_name;
use copies::copy_name;
use model::Model;
pub use swap::Swapped;

/// Rows a replay holds in memory per projection. Past it, the rows are written to the
/// copies and the largest tables' forgotten until half of it is held; later batches load
/// the rows they touch from those tables, so memory does not grow with the log. A held
/// row costs roughly 0.6 KiB, so this caps a projection near 0.9 GiB (the
/// 1,000,000-event benchmark log's replay, every row held, peaks at 0.7-0.8 GiB
/// resident). The path past it is much slower (loads and upserts per batch, as the runner
/// does); longer logs take it for their later part.
pub const HELD_ROWS: usize = 1_500_000;

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
    /// How long writing the rows held at the end of the fill and indexing the copies took
    /// (the last call).
    pub written: Duration,
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
        let mut tx = log.begin_rebuildable().await?;
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
        written: Duration::ZERO,
    };
    // Fold the log while the live tables keep serving: one task reads batches, another
    // decodes them, and this one folds, each a batch ahead of the next.
    let (mut batches, reading, decoding) = pipeline(log, batch);
    while let Some(fetched) = batches.recv().await {
        let fetched = fetched?;
        fill(log, &mut replayed, &fetched, held_rows, &mut state).await?;
        if let Some(head) = fetched.head {
            state.head = state.head.max(head);
        }
        state.elapsed = started.elapsed();
        progress(state);
    }
    for task in [reading, decoding] {
        // A task that panicked closed its channel early: carry the panic on here.
        if let Err(error) = task.await {
            std::panic::resume_unwind(error.into_panic());
        }
    }
    // Write what is held and index the copies, outside any lock.
    let write_started = Instant::now();
    write_all(log, &mut replayed).await?;
    state.written = write_started.elapsed();
    // Swap: under the live checkpoints' locks, catch up and put the copies in place.
    let swap_started = Instant::now();
    let mut tx = log.begin_rebuildable().await?;
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
        let mut tx = log.begin_rebuildable().await?;
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

/// Tables a PostgreSQL replay writes and indexes at once, each on its own connection: the
/// server's work (`COPY`, index builds, `ANALYZE`) is most of the final write and runs in
/// one process per connection. SQLite takes one writer at a time.
const WRITERS: usize = 3;

/// Writes every model's held rows and builds each copy's secondary indexes, a table per
/// transaction, the largest first, [`WRITERS`] at a time on PostgreSQL.
async fn write_all(log: &EventLog, replayed: &mut [Replayed]) -> Result<(), ProjectionError> {
    use futures::{StreamExt as _, TryStreamExt as _};
    let mut parts: Vec<(&mut dyn Held, &Tables)> = Vec::new();
    for r in replayed.iter_mut() {
        let Replayed { copies, model, .. } = r;
        let copies: &Tables = copies;
        parts.extend(model.parts().into_iter().map(|part| (part, copies)));
    }
    parts.sort_by_key(|(part, _)| std::cmp::Reverse(part.held()));
    let writers = if log.postgres_pool().is_some() {
        WRITERS
    } else {
        1
    };
    futures::stream::iter(parts)
        .map(|(part, copies)| async move {
            let mut tx = log.begin_rebuildable().await?;
            let cache = widen_cache(&mut Db::of(&mut tx)).await?;
            let mut db = Db::of(&mut tx);
            part.write(&mut db, copies).await?;
            let table = part.table();
            copies::build_indexes(&mut db, table, copies.name(table)).await?;
            restore_cache(&mut db, cache).await?;
            tx.commit().await?;
            Ok::<_, ProjectionError>(())
        })
        .buffer_unordered(writers)
        .try_collect::<()>()
        .await
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
    /// The log's head, read after a short batch.
    head: Option<i64>,
}

/// Reads and decodes the batch after `after`.
async fn fetch(log: &EventLog, after: i64, batch: usize) -> Result<Fetched, ProjectionError> {
    let events = log.read_all(after, batch).await?;
    Ok(Fetched {
        count: events.len(),
        last: events.last().map(|e| e.position),
        facts: decode_all(&events)?,
        head: None,
    })
}

/// The fill's input: a task reads the log from the start in batches of `batch` until a
/// short batch reaches the head it reads then, another decodes each batch, and the
/// returned channel yields them in order (an error ends it). Reading, decoding and folding
/// then overlap, as the decoding costs about as much as the reading.
fn pipeline(
    log: &EventLog,
    batch: usize,
) -> (
    tokio::sync::mpsc::Receiver<Result<Fetched, ProjectionError>>,
    tokio::task::JoinHandle<()>,
    tokio::task::JoinHandle<()>,
) {
    type Read = Result<(Vec<eventlog::StoredEvent>, Option<i64>), ProjectionError>;
    let (read_tx, mut read_rx) = tokio::sync::mpsc::channel::<Read>(1);
    let (decoded_tx, decoded_rx) = tokio::sync::mpsc::channel(1);
    let log = log.clone();
    let reading = tokio::spawn(async move {
        let mut after = 0;
        loop {
            let read = async {
                let events = log.read_all(after, batch).await?;
                let head = if events.len() < batch {
                    Some(log.head().await?)
                } else {
                    None
                };
                Ok::<_, ProjectionError>((events, head))
            };
            let (events, head) = match read.await {
                Ok(read) => read,
                Err(error) => {
                    let _ = read_tx.send(Err(error)).await;
                    return;
                }
            };
            let Some(last) = events.last().map(|e| e.position) else {
                return;
            };
            after = last;
            let done = head.is_some_and(|head| last >= head);
            // The receiver is gone when the replay stopped: stop reading.
            if read_tx.send(Ok((events, head))).await.is_err() || done {
                return;
            }
        }
    });
    let decoding = tokio::spawn(async move {
        while let Some(read) = read_rx.recv().await {
            let decoded = read.and_then(|(events, head)| {
                Ok(Fetched {
                    count: events.len(),
                    last: events.last().map(|e| e.position),
                    facts: decode_all(&events)?,
                    head,
                })
            });
            let failed = decoded.is_err();
            if decoded_tx.send(decoded).await.is_err() || failed {
                return;
            }
        }
    });
    (decoded_rx, reading, decoding)
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
