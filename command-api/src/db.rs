//! Command-side tables beside the log (e-mail index, ticket-code index, idempotency
//! records, refresh tokens, deadlines), on either backend. SQL is written once with
//! PostgreSQL's `$1` placeholders; SQLite gets the same numbered `?1` form. Ids are stored
//! as text and times as integers on both backends, so every bind is the same Rust type.

use sqlx::{PgConnection, SqliteConnection};

/// A connection on one backend to run a statement on.
pub enum Target<'a> {
    /// SQLite.
    Sqlite(&'a mut SqliteConnection),
    /// PostgreSQL.
    Postgres(&'a mut PgConnection),
}

impl<'a> Target<'a> {
    /// The connection of a shared log transaction.
    pub fn of_tx(tx: &'a mut eventlog::LogTx) -> Target<'a> {
        if tx.sqlite().is_some() {
            Target::Sqlite(tx.sqlite().expect("checked above"))
        } else {
            Target::Postgres(tx.postgres().expect("a transaction is on one backend"))
        }
    }
}

impl Target<'_> {
    /// A shorter-lived target on the same connection, to run several statements.
    pub fn reborrow(&mut self) -> Target<'_> {
        match self {
            Target::Sqlite(c) => Target::Sqlite(c),
            Target::Postgres(c) => Target::Postgres(c),
        }
    }
}

/// A pooled connection on either backend.
pub enum PoolConn {
    /// SQLite.
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    /// PostgreSQL.
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
}

impl PoolConn {
    /// Takes a connection from the log's pool.
    pub async fn acquire(log: &eventlog::EventLog) -> Result<Self, sqlx::Error> {
        if let Some(pool) = log.sqlite_pool() {
            Ok(Self::Sqlite(pool.acquire().await?))
        } else if let Some(pool) = log.postgres_pool() {
            Ok(Self::Postgres(pool.acquire().await?))
        } else {
            Err(sqlx::Error::PoolClosed)
        }
    }

    /// The connection as a statement target.
    pub fn target(&mut self) -> Target<'_> {
        match self {
            Self::Sqlite(c) => Target::Sqlite(c),
            Self::Postgres(c) => Target::Postgres(c),
        }
    }
}

/// The SQLite spelling of a `$1`-style statement.
pub fn sqlite_sql(sql: &str) -> String {
    sql.replace('$', "?")
}

/// Runs a statement; yields `Result<u64 rows affected, sqlx::Error>`.
macro_rules! exec {
    ($target:expr, $sql:expr $(, $arg:expr)* $(,)?) => {
        match $target {
            $crate::db::Target::Sqlite(c) => sqlx::query(&$crate::db::sqlite_sql($sql))
                $(.bind($arg))*.execute(c).await.map(|r| r.rows_affected()),
            $crate::db::Target::Postgres(c) => sqlx::query($sql)
                $(.bind($arg))*.execute(c).await.map(|r| r.rows_affected()),
        }
    };
}

/// Fetches at most one row as the tuple type `$ty`; yields `Result<Option<$ty>, _>`.
macro_rules! fetch_optional {
    ($target:expr, $ty:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        match $target {
            $crate::db::Target::Sqlite(c) => sqlx::query_as::<_, $ty>(&$crate::db::sqlite_sql($sql))
                $(.bind($arg))*.fetch_optional(c).await,
            $crate::db::Target::Postgres(c) => sqlx::query_as::<_, $ty>($sql)
                $(.bind($arg))*.fetch_optional(c).await,
        }
    };
}

/// Fetches all rows as the tuple type `$ty`; yields `Result<Vec<$ty>, _>`.
#[allow(unused_macros)]
macro_rules! fetch_all {
    ($target:expr, $ty:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        match $target {
            $crate::db::Target::Sqlite(c) => sqlx::query_as::<_, $ty>(&$crate::db::sqlite_sql($sql))
                $(.bind($arg))*.fetch_all(c).await,
            $crate::db::Target::Postgres(c) => sqlx::query_as::<_, $ty>($sql)
                $(.bind($arg))*.fetch_all(c).await,
        }
    };
}

#[allow(unused_imports)]
pub(crate) use {exec, fetch_all, fetch_optional};
