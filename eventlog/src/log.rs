//! [`EventLog`]: connect to a backend by URL and append, read, subscribe, checkpoint and
//! snapshot through one handle that is cheap to clone.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgListener, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use tokio::sync::{mpsc, oneshot, watch};
use tracing::warn;

use crate::backend::{postgres, Pool, RawEvent};
use crate::error::{AppendError, LogError};
use crate::prepare::prepare;
use crate::recent::Recent;
use crate::subscription::Subscription;
use crate::tx::LogTx;
use crate::types::{
    AppendOutcome, Metadata, Receipt, Snapshot, StoredEvent, StoredReceipt, StreamAppend, StreamId,
};
use crate::upcast::Upcasters;
use crate::writer::{self, raise, Job};

/// Which backend a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, the embedded default (`sqlite:PATH`).
    Sqlite,
    /// PostgreSQL (`postgres://…`).
    Postgres,
}

/// How SQLite flushes commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqliteDurability {
    /// `synchronous=FULL`: an acknowledged append survives a power cut (the default).
    Full,
    /// `synchronous=NORMAL`: survives a crash of the process, may lose the last commits
    /// on power loss; faster.
    Normal,
}

/// Tuning for [`EventLog::connect_with`]; [`LogOptions::default`] suits production.
#[derive(Debug, Clone)]
pub struct LogOptions {
    /// Largest serialized payload accepted, in bytes.
    pub max_payload_bytes: usize,
    /// SQLite flush policy.
    pub sqlite_durability: SqliteDurability,
    /// Connections in the pool.
    pub max_connections: u32,
    /// Longest wait for a pooled connection (including connecting): short, so requests
    /// fail fast while the database is unreachable instead of hanging for 30 s.
    pub acquire_timeout: Duration,
    /// How often a caught-up subscription polls when no wake-up arrives.
    pub poll_interval: Duration,
    /// Most events a subscription returns per batch.
    pub read_batch: usize,
    /// Upcasters applied when events are read.
    pub upcasters: Upcasters,
}

impl Default for LogOptions {
    fn default() -> Self {
        Self {
            max_payload_bytes: 1024 * 1024,
            sqlite_durability: SqliteDurability::Full,
            max_connections: 16,
            acquire_timeout: Duration::from_secs(2),
            poll_interval: Duration::from_millis(500),
            read_batch: 1000,
            upcasters: Upcasters::new(),
        }
    }
}

/// The append-only event log. Clones share one pool and one writer.
#[derive(Debug, Clone)]
pub struct EventLog {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    pool: Pool,
    /// Where [`EventLog::begin_rebuildable`] begins: on SQLite a second pool on the same
    /// file and write gate whose connections run `synchronous=NORMAL`; elsewhere `pool`.
    rebuildable: Pool,
    backend: Backend,
    writer: mpsc::Sender<Job>,
    /// What this process's writer committed last (None with upcasters: the window holds
    /// events as appended, and an upcaster may change how they read).
    recent: Option<Arc<Recent>>,
    head: watch::Sender<i64>,
    options: LogOptions,
    // Dropped with the log; its receiver stops the PostgreSQL listener task.
    _stop_listener: oneshot::Sender<()>,
}

impl EventLog {
    /// Connects with default options. `sqlite:PATH` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self, LogError> {
        Self::connect_with(url, LogOptions::default()).await
    }

    /// Connects with the given options.
    pub async fn connect_with(url: &str, options: LogOptions) -> Result<Self, LogError> {
        let (backend, pool, rebuildable) = open_pool(url, &options).await?;
        let initial = pool.head().await.unwrap_or(0);
        let (head, _) = watch::channel(initial);
        let (stop, stopped) = oneshot::channel();
        if let Pool::Postgres(pg) = &pool {
            spawn_listener(pg, head.clone(), stopped).await?;
        }
        let recent = options.upcasters.is_empty().then(Arc::default);
        let writer = writer::spawn(pool.clone(), head.clone(), recent.clone());
        Ok(Self {
            inner: Arc::new(Inner {
                pool,
                rebuildable,
                backend,
                writer,
                recent,
                head,
                options,
                _stop_listener: stop,
            }),
        })
    }

    /// Applies every pending migration (log, checkpoints, snapshots and read models).
    pub async fn migrate(&self) -> Result<(), LogError> {
        match &self.inner.pool {
            Pool::Sqlite(pool, _) => {
                migrations::migrator(migrations::Dialect::Sqlite)
                    .run(pool)
                    .await?
            }
            Pool::Postgres(pool) => {
                migrations::migrator(migrations::Dialect::Postgres)
                    .run(pool)
                    .await?
            }
        }
        Ok(())
    }

    /// Which backend this log runs on.
    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    /// The SQLite pool, for read models that live beside the log (None on PostgreSQL).
    pub fn sqlite_pool(&self) -> Option<&sqlx::SqlitePool> {
        match &self.inner.pool {
            Pool::Sqlite(pool, _) => Some(pool),
            Pool::Postgres(_) => None,
        }
    }

    /// The PostgreSQL pool, for read models that live beside the log (None on SQLite).
    pub fn postgres_pool(&self) -> Option<&sqlx::PgPool> {
        match &self.inner.pool {
            Pool::Postgres(pool) => Some(pool),
            Pool::Sqlite(..) => None,
        }
    }

    /// Appends events to one or more streams atomically, each with its own expected
    /// version. Concurrent calls in this process are committed together (group commit).
    pub async fn append(&self, appends: Vec<StreamAppend>) -> Result<AppendOutcome, AppendError> {
        self.append_with_receipts(appends, Vec::new()).await
    }

    /// [`EventLog::append`], storing `receipts` in the same transaction if it writes (see
    /// [`Receipt`]): whoever finds a receipt knows its append committed.
    pub async fn append_with_receipts(
        &self,
        appends: Vec<StreamAppend>,
        receipts: Vec<Receipt>,
    ) -> Result<AppendOutcome, AppendError> {
        let prepared = prepare(appends, self.inner.options.max_payload_bytes)?;
        let (reply, answer) = oneshot::channel();
        self.inner
            .writer
            .send(Job {
                prepared,
                receipts,
                reply,
            })
            .await
            .map_err(|_| LogError::Closed)?;
        answer.await.map_err(|_| LogError::Closed)?
    }

    /// The receipt stored under `key` by a committed append, if any.
    pub async fn receipt(&self, key: &str) -> Result<Option<StoredReceipt>, LogError> {
        self.inner.pool.receipt(key).await
    }

    /// Deletes the receipts recorded before `before`, then the oldest beyond `keep`;
    /// returns how many went.
    pub async fn forget_receipts(&self, before: DateTime<Utc>, keep: i64) -> Result<u64, LogError> {
        self.inner.pool.forget_receipts(before, keep).await
    }

    /// Begins a write transaction shared with the caller's own statements.
    pub async fn begin(&self) -> Result<LogTx, LogError> {
        Ok(LogTx {
            tx: self.inner.pool.begin().await?,
            log: self.clone(),
            head: None,
            durable: true,
        })
    }

    /// Begins a write transaction for rows the log can rebuild (read models and their
    /// checkpoints, lookup rows): its commit does not wait for the disk (SQLite
    /// `synchronous=NORMAL`, PostgreSQL `synchronous_commit = off`), and it cannot append.
    ///
    /// Both databases write one ordered journal (the WAL), and a durable commit flushes
    /// everything before it. A power cut can therefore only lose a suffix of rebuildable
    /// commits made after the last durable one, never an acknowledged append, and rows
    /// and checkpoints committed together are lost together: the projection (or lookup)
    /// simply applies those events again. Under load this keeps the disk's flushes for the
    /// log itself instead of one per projection batch.
    pub async fn begin_rebuildable(&self) -> Result<LogTx, LogError> {
        let mut tx = self.inner.rebuildable.begin().await?;
        tx.skip_flush().await?;
        Ok(LogTx {
            tx,
            log: self.clone(),
            head: None,
            durable: false,
        })
    }

    /// Up to `limit` events after position `after`, in position order. Events this
    /// process committed a moment ago come from memory (see `recent.rs`), the rest from
    /// the database; both read the same.
    pub async fn read_all(&self, after: i64, limit: usize) -> Result<Vec<StoredEvent>, LogError> {
        let limit = clamp(limit);
        let wanted = usize::try_from(limit).unwrap_or(usize::MAX);
        let kept = self
            .inner
            .recent
            .as_ref()
            .and_then(|recent| recent.read(after, wanted));
        let Some(mut events) = kept else {
            return self.read_stored(after, limit).await;
        };
        // The window ends where this process last wrote; others may have written since.
        let last = events.last().map_or(after, |e| e.position);
        if events.len() < wanted && last < *self.inner.head.borrow() {
            let rest = i64::try_from(wanted - events.len()).unwrap_or(limit);
            events.extend(self.read_stored(last, rest).await?);
        }
        Ok(events)
    }

    async fn read_stored(&self, after: i64, limit: i64) -> Result<Vec<StoredEvent>, LogError> {
        let raws = self.inner.pool.read_all(after, limit).await?;
        raws.into_iter().map(|r| self.decode(r)).collect()
    }

    /// Up to `limit` events of one stream from version `from` (1 = the first) on.
    pub async fn read_stream(
        &self,
        stream: &StreamId,
        from: u64,
        limit: usize,
    ) -> Result<Vec<StoredEvent>, LogError> {
        let from = i64::try_from(from).unwrap_or(i64::MAX);
        let raws = self
            .inner
            .pool
            .read_stream(stream, from, clamp(limit))
            .await?;
        raws.into_iter().map(|r| self.decode(r)).collect()
    }

    /// A stream's current version (0 when it has no events).
    pub async fn stream_version(&self, stream: &StreamId) -> Result<u64, LogError> {
        self.inner.pool.stream_version(stream).await
    }

    /// The highest committed position (0 for an empty log).
    pub async fn head(&self) -> Result<i64, LogError> {
        let head = self.inner.pool.head().await?;
        self.inner.head.send_if_modified(|h| raise(h, head));
        Ok(head)
    }

    /// A tail of the log after `after` that waits for new events.
    pub fn subscribe(&self, after: i64) -> Subscription {
        let options = &self.inner.options;
        Subscription::new(
            self.clone(),
            after,
            options.read_batch,
            options.poll_interval,
        )
    }

    /// A consumer's checkpoint (0 when it has none).
    pub async fn checkpoint(&self, name: &str) -> Result<i64, LogError> {
        self.inner.pool.checkpoint(name).await
    }

    /// The newest snapshot of a stream, if one was saved.
    pub async fn load_snapshot(&self, stream: &StreamId) -> Result<Option<Snapshot>, LogError> {
        self.inner.pool.load_snapshot(stream).await
    }

    /// Saves a snapshot; an older one never replaces a newer one.
    pub async fn save_snapshot(&self, snapshot: &Snapshot) -> Result<(), LogError> {
        self.inner.pool.save_snapshot(snapshot).await
    }

    /// The highest position this process knows committed, updated without a query (by
    /// this process's appends, PostgreSQL NOTIFY, and [`EventLog::head`]): wait on it to
    /// learn that the log moved.
    pub fn watch_head(&self) -> watch::Receiver<i64> {
        self.inner.head.subscribe()
    }

    pub(crate) fn head_sender(&self) -> &watch::Sender<i64> {
        &self.inner.head
    }

    pub(crate) fn max_payload_bytes(&self) -> usize {
        self.inner.options.max_payload_bytes
    }

    fn decode(&self, raw: RawEvent) -> Result<StoredEvent, LogError> {
        let corrupt = |what: &str, e: &dyn std::fmt::Display| LogError::Corrupt {
            position: raw.position,
            reason: format!("{what}: {e}"),
        };
        let payload = serde_json::from_str(&raw.payload).map_err(|e| corrupt("payload", &e))?;
        let metadata: Metadata =
            serde_json::from_str(&raw.metadata).map_err(|e| corrupt("metadata", &e))?;
        let stream_id = StreamId::new(raw.stream_id.clone()).map_err(|e| corrupt("stream", &e))?;
        let stored_version = u32::try_from(raw.schema_version).unwrap_or(0);
        let (payload, schema_version) = if self.inner.options.upcasters.is_empty() {
            (payload, stored_version)
        } else {
            self.inner
                .options
                .upcasters
                .upcast(&raw.event_type, stored_version, payload)?
        };
        Ok(StoredEvent {
            position: raw.position,
            stream_id,
            stream_version: u64::try_from(raw.stream_version).unwrap_or(0),
            event_id: raw.event_id,
            event_type: raw.event_type,
            schema_version,
            payload,
            metadata,
            recorded_at: raw.recorded_at,
        })
    }
}

fn clamp(limit: usize) -> i64 {
    i64::try_from(limit.clamp(1, 100_000)).unwrap_or(100_000)
}

async fn open_pool(url: &str, options: &LogOptions) -> Result<(Backend, Pool, Pool), LogError> {
    if url.starts_with("sqlite:") {
        let synchronous = match options.sqlite_durability {
            SqliteDurability::Full => SqliteSynchronous::Full,
            SqliteDurability::Normal => SqliteSynchronous::Normal,
        };
        let connect = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true);
        // An in-memory database exists once per connection: keep exactly one.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let max = if in_memory {
            1
        } else {
            options.max_connections
        };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect.clone())
            .await?;
        let gate = Arc::default();
        // Rebuildable writes pass the same gate (one writer at a time), so a few
        // connections are plenty; they only differ in not flushing at commit.
        let rebuildable = if in_memory || synchronous == SqliteSynchronous::Normal {
            pool.clone()
        } else {
            SqlitePoolOptions::new()
                .max_connections(REBUILDABLE_CONNECTIONS.min(max))
                .acquire_timeout(options.acquire_timeout)
                .connect_with(connect.synchronous(SqliteSynchronous::Normal))
                .await?
        };
        Ok((
            Backend::Sqlite,
            Pool::Sqlite(pool, Arc::clone(&gate)),
            Pool::Sqlite(rebuildable, gate),
        ))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .connect(url)
            .await?;
        let pool = Pool::Postgres(pool);
        Ok((Backend::Postgres, pool.clone(), pool))
    } else {
        Err(LogError::UnsupportedUrl(url.to_owned()))
    }
}

/// Connections of SQLite's second pool, for [`EventLog::begin_rebuildable`].
const REBUILDABLE_CONNECTIONS: u32 = 4;

/// Wakes this process's subscribers when any process commits an append.
async fn spawn_listener(
    pool: &sqlx::PgPool,
    head: watch::Sender<i64>,
    mut stop: oneshot::Receiver<()>,
) -> Result<(), LogError> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(postgres::CHANNEL).await?;
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = &mut stop => break,
                message = listener.recv() => match message {
                    Ok(note) => {
                        if let Ok(position) = note.payload().parse::<i64>() {
                            head.send_if_modified(|h| raise(h, position));
                        }
                    }
                    Err(error) => {
                        // PgListener reconnects on the next recv; subscribers poll meanwhile.
                        warn!(%error, "event log listener lost its connection");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                },
            }
        }
    });
    Ok(())
}
