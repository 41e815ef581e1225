//! The two storage backends behind one set of operations; each file holds one dialect.

pub(crate) mod postgres;
pub(crate) mod sqlite;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use uuid::Uuid;

use crate::error::LogError;
use crate::plan::{Existing, Row};
use crate::types::{Receipt, Snapshot, StoredReceipt, StreamId};

/// A connection pool for one backend.
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    /// SQLite, with the in-process gate every write transaction passes (see [`Pool::begin`]).
    Sqlite(SqlitePool, Arc<tokio::sync::Mutex<()>>),
    Postgres(PgPool),
}

/// An open transaction on one backend.
#[derive(Debug)]
pub(crate) enum Tx {
    /// SQLite, holding this process's write gate (if a write transaction) until dropped.
    Sqlite(
        Transaction<'static, Sqlite>,
        // Held, never read: dropping it (after the transaction) lets the next writer in.
        #[allow(dead_code)] Option<tokio::sync::OwnedMutexGuard<()>>,
    ),
    Postgres(Transaction<'static, Postgres>),
}

/// A stored row before upcasting and JSON parsing.
#[derive(Debug)]
pub(crate) struct RawEvent {
    pub position: i64,
    pub event_id: Uuid,
    pub stream_id: String,
    pub stream_version: i64,
    pub event_type: String,
    pub schema_version: i32,
    pub payload: String,
    pub metadata: String,
    pub recorded_at: DateTime<Utc>,
}

impl Pool {
    /// Begins a write transaction (SQLite: `BEGIN IMMEDIATE`, so it never has to upgrade).
    ///
    /// SQLite has one writer at a time, and a connection that finds the lock taken sleeps
    /// in its busy handler (up to 100 ms a nap) before trying again. Inside one process the
    /// writers (the log's writer, projections, the notifier) therefore queue on an async
    /// mutex first, handed over in order the moment a transaction ends; the busy handler
    /// is left for other processes.
    pub async fn begin(&self) -> Result<Tx, LogError> {
        Ok(match self {
            Self::Sqlite(pool, gate) => {
                let turn = gate.clone().lock_owned().await;
                Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?, Some(turn))
            }
            Self::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Events after `after`, in position order, at most `limit`.
    pub async fn read_all(&self, after: i64, limit: i64) -> Result<Vec<RawEvent>, LogError> {
        match self {
            Self::Sqlite(pool, _) => sqlite::read_all(pool, after, limit).await,
            Self::Postgres(pool) => postgres::read_all(pool, after, limit).await,
        }
    }

    /// A stream's events from version `from` on, at most `limit`.
    pub async fn read_stream(
        &self,
        stream: &StreamId,
        from: i64,
        limit: i64,
    ) -> Result<Vec<RawEvent>, LogError> {
        match self {
            Self::Sqlite(pool, _) => sqlite::read_stream(pool, stream.as_str(), from, limit).await,
            Self::Postgres(pool) => postgres::read_stream(pool, stream.as_str(), from, limit).await,
        }
    }

    /// The highest committed position (0 for an empty log).
    pub async fn head(&self) -> Result<i64, LogError> {
        match self {
            Self::Sqlite(pool, _) => sqlite::head(pool).await,
            Self::Postgres(pool) => postgres::head(pool).await,
        }
    }

    /// A stream's version (0 when it does not exist).
    pub async fn stream_version(&self, stream: &StreamId) -> Result<u64, LogError> {
        let versions = match self {
            Self::Sqlite(pool, _) => {
                let mut conn = pool.acquire().await?;
                sqlite::versions(&mut conn, &[stream.to_string()]).await?
            }
            Self::Postgres(pool) => {
                let mut conn = pool.acquire().await?;
                postgres::versions(&mut conn, &[stream.to_string()]).await?
            }
        };
        Ok(versions.get(stream.as_str()).copied().unwrap_or(0))
    }

    /// The newest snapshot of a stream, if any.
    pub async fn load_snapshot(&self, stream: &StreamId) -> Result<Option<Snapshot>, LogError> {
        match self {
            Self::Sqlite(pool, _) => sqlite::load_snapshot(pool, stream).await,
            Self::Postgres(pool) => postgres::load_snapshot(pool, stream).await,
        }
    }

    /// Stores a snapshot unless a newer one is already there.
    pub async fn save_snapshot(&self, snapshot: &Snapshot) -> Result<(), LogError> {
        match self {
            Self::Sqlite(pool, _) => sqlite::save_snapshot(pool, snapshot).await,
            Self::Postgres(pool) => postgres::save_snapshot(pool, snapshot).await,
        }
    }

    /// A consumer's checkpoint outside any transaction (0 when it has none).
    pub async fn checkpoint(&self, name: &str) -> Result<i64, LogError> {
        let mut tx = self.begin_read().await?;
        let position = tx.load_checkpoint(name).await?;
        tx.rollback().await?;
        Ok(position)
    }

    /// The receipt stored under `key`, if any.
    pub async fn receipt(&self, key: &str) -> Result<Option<StoredReceipt>, LogError> {
        const SQL: &str = "SELECT value, position, recorded_at FROM receipts WHERE key = $1";
        let row: Option<(String, i64, i64)> = match self {
            Self::Sqlite(pool, _) => sqlx::query_as(SQL).bind(key).fetch_optional(pool).await?,
            Self::Postgres(pool) => sqlx::query_as(SQL).bind(key).fetch_optional(pool).await?,
        };
        Ok(row.map(|(value, position, recorded_at)| StoredReceipt {
            value,
            position,
            recorded_at: DateTime::from_timestamp_millis(recorded_at).unwrap_or_default(),
        }))
    }

    /// Deletes the receipts recorded before `before`, then the oldest beyond `keep`;
    /// returns how many went.
    pub async fn forget_receipts(&self, before: DateTime<Utc>, keep: i64) -> Result<u64, LogError> {
        const OLD: &str = "DELETE FROM receipts WHERE recorded_at < $1";
        // The newest `keep` stay; a NULL cut-off (fewer receipts) deletes nothing.
        const OVER: &str = "DELETE FROM receipts WHERE recorded_at < (SELECT recorded_at \
             FROM receipts ORDER BY recorded_at DESC LIMIT 1 OFFSET $1)";
        let before = before.timestamp_millis();
        let offset = (keep - 1).max(0);
        let mut tx = self.begin().await?;
        let gone = match &mut tx {
            Tx::Sqlite(tx, _) => {
                let old = sqlx::query(OLD).bind(before).execute(&mut **tx).await?;
                let over = sqlx::query(OVER).bind(offset).execute(&mut **tx).await?;
                old.rows_affected() + over.rows_affected()
            }
            Tx::Postgres(tx) => {
                let old = sqlx::query(OLD).bind(before).execute(&mut **tx).await?;
                let over = sqlx::query(OVER).bind(offset).execute(&mut **tx).await?;
                old.rows_affected() + over.rows_affected()
            }
        };
        tx.commit().await?;
        Ok(gone)
    }

    async fn begin_read(&self) -> Result<Tx, LogError> {
        Ok(match self {
            Self::Sqlite(pool, _) => Tx::Sqlite(pool.begin().await?, None),
            Self::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }
}

impl Tx {
    /// Lets this transaction commit without waiting for the disk: PostgreSQL's
    /// `synchronous_commit` for this transaction only. (SQLite's setting belongs to the
    /// connection and cannot change inside a transaction: there the rebuildable pool's
    /// connections are opened with it.)
    pub async fn skip_flush(&mut self) -> Result<(), LogError> {
        if let Self::Postgres(tx) = self {
            sqlx::query("SET LOCAL synchronous_commit TO OFF")
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Locks the log head for this transaction and returns it. Every appender calls this
    /// first, so position assignment (and therefore commit order) is serialised.
    pub async fn lock_head(&mut self) -> Result<i64, LogError> {
        match self {
            Self::Sqlite(tx, _) => sqlite::lock_head(tx).await,
            Self::Postgres(tx) => postgres::lock_head(tx).await,
        }
    }

    /// Where the given event ids are already stored.
    pub async fn existing(&mut self, ids: &[Uuid]) -> Result<HashMap<Uuid, Existing>, LogError> {
        match self {
            Self::Sqlite(tx, _) => sqlite::existing(tx, ids).await,
            Self::Postgres(tx) => postgres::existing(tx, ids).await,
        }
    }

    /// Current versions of the given streams (absent: no stream yet).
    pub async fn versions(&mut self, streams: &[String]) -> Result<HashMap<String, u64>, LogError> {
        match self {
            Self::Sqlite(tx, _) => sqlite::versions(tx, streams).await,
            Self::Postgres(tx) => postgres::versions(tx, streams).await,
        }
    }

    /// Inserts planned rows and moves the head (PostgreSQL also notifies listeners on commit).
    pub async fn insert(&mut self, rows: &[Row], head: i64) -> Result<(), LogError> {
        match self {
            Self::Sqlite(tx, _) => sqlite::insert(tx, rows).await,
            Self::Postgres(tx) => postgres::insert(tx, rows, head).await,
        }
    }

    /// Stores receipts, each rendered from the position its append reached.
    pub async fn save_receipts(
        &mut self,
        receipts: &[(&Receipt, i64)],
        now: DateTime<Utc>,
    ) -> Result<(), LogError> {
        const SQL: &str = "INSERT INTO receipts (key, value, position, recorded_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET value = excluded.value, \
             position = excluded.position, recorded_at = excluded.recorded_at";
        let now = now.timestamp_millis();
        for (receipt, position) in receipts {
            let value = receipt.render(*position);
            match self {
                Self::Sqlite(tx, _) => sqlx::query(SQL)
                    .bind(&receipt.key)
                    .bind(value)
                    .bind(*position)
                    .bind(now)
                    .execute(&mut **tx)
                    .await?
                    .rows_affected(),
                Self::Postgres(tx) => sqlx::query(SQL)
                    .bind(&receipt.key)
                    .bind(value)
                    .bind(*position)
                    .bind(now)
                    .execute(&mut **tx)
                    .await?
                    .rows_affected(),
            };
        }
        Ok(())
    }

    /// A consumer's checkpoint as seen by this transaction.
    pub async fn load_checkpoint(&mut self, name: &str) -> Result<i64, LogError> {
        match self {
            Self::Sqlite(tx, _) => sqlite::load_checkpoint(tx, name).await,
            Self::Postgres(tx) => postgres::load_checkpoint(tx, name).await,
        }
    }

    /// A consumer's checkpoint, locked until this transaction ends (SQLite: the
    /// transaction already holds the one write lock).
    pub async fn lock_checkpoint(&mut self, name: &str) -> Result<i64, LogError> {
        match self {
            Self::Sqlite(tx, _) => sqlite::load_checkpoint(tx, name).await,
            Self::Postgres(tx) => postgres::lock_checkpoint(tx, name).await,
        }
    }

    /// Stores a consumer's checkpoint in this transaction.
    pub async fn save_checkpoint(&mut self, name: &str, position: i64) -> Result<(), LogError> {
        match self {
            Self::Sqlite(tx, _) => sqlite::save_checkpoint(tx, name, position).await,
            Self::Postgres(tx) => postgres::save_checkpoint(tx, name, position).await,
        }
    }

    /// Commits.
    pub async fn commit(self) -> Result<(), LogError> {
        match self {
            Self::Sqlite(tx, _) => tx.commit().await?,
            Self::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Rolls back.
    pub async fn rollback(self) -> Result<(), LogError> {
        match self {
            Self::Sqlite(tx, _) => tx.rollback().await?,
            Self::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}
