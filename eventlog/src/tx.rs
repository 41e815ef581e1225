//! A transaction on the log that callers share with their own writes: a projection
//! stores read-model rows and its checkpoint together; a command handler can append and
//! record its idempotency key together.

use sqlx::{PgConnection, SqliteConnection};

use crate::backend::Tx;
use crate::error::{AppendError, LogError};
use crate::log::EventLog;
use crate::prepare::prepare;
use crate::types::{AppendOutcome, StreamAppend};
use crate::writer::{decide_in, raise};

/// An open write transaction. Dropping it without [`LogTx::commit`] rolls it back.
#[derive(Debug)]
pub struct LogTx {
    pub(crate) tx: Tx,
    pub(crate) log: EventLog,
    pub(crate) head: Option<i64>,
    /// False for [`EventLog::begin_rebuildable`]: its commit does not wait for the disk.
    pub(crate) durable: bool,
}

impl LogTx {
    /// Appends inside this transaction. The log head stays locked until commit, so keep
    /// the transaction short once it has appended.
    pub async fn append(
        &mut self,
        appends: Vec<StreamAppend>,
    ) -> Result<AppendOutcome, AppendError> {
        if !self.durable {
            return Err(AppendError::NotDurable);
        }
        let prepared = prepare(appends, self.log.max_payload_bytes())?;
        let plan = decide_in(&mut self.tx, &[&prepared]).await?;
        if !plan.rows.is_empty() {
            self.head = Some(plan.head);
        }
        plan.results
            .into_iter()
            .next()
            .unwrap_or(Err(AppendError::Empty))
    }

    /// A consumer's checkpoint as this transaction sees it (0 when it has none).
    pub async fn checkpoint(&mut self, name: &str) -> Result<i64, LogError> {
        self.tx.load_checkpoint(name).await
    }

    /// A consumer's checkpoint, locked for the rest of this transaction, so that two
    /// consumers of the same name (two workers, or a worker and a rebuild) cannot both
    /// apply what follows it: the second waits, then sees the position the first moved
    /// it to. On PostgreSQL the row is created if missing and locked `FOR UPDATE`; a
    /// SQLite write transaction already excludes every other writer.
    pub async fn lock_checkpoint(&mut self, name: &str) -> Result<i64, LogError> {
        self.tx.lock_checkpoint(name).await
    }

    /// Moves a consumer's checkpoint; it commits or rolls back with everything else here.
    pub async fn save_checkpoint(&mut self, name: &str, position: i64) -> Result<(), LogError> {
        self.tx.save_checkpoint(name, position).await
    }

    /// The SQLite connection, for the caller's own statements (None on PostgreSQL).
    pub fn sqlite(&mut self) -> Option<&mut SqliteConnection> {
        match &mut self.tx {
            Tx::Sqlite(tx, _) => Some(&mut **tx),
            Tx::Postgres(_) => None,
        }
    }

    /// The PostgreSQL connection, for the caller's own statements (None on SQLite).
    pub fn postgres(&mut self) -> Option<&mut PgConnection> {
        match &mut self.tx {
            Tx::Postgres(tx) => Some(&mut **tx),
            Tx::Sqlite(..) => None,
        }
    }

    /// Commits, then wakes this process's subscribers if anything was appended.
    pub async fn commit(self) -> Result<(), LogError> {
        self.tx.commit().await?;
        if let Some(head) = self.head {
            self.log.head_sender().send_if_modified(|h| raise(h, head));
        }
        Ok(())
    }

    /// Rolls back everything done in this transaction.
    pub async fn rollback(self) -> Result<(), LogError> {
        self.tx.rollback().await
    }
}
