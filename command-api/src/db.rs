//! Command-side tables beside the log (e-mail index, ticket-code index, idempotency
//! records, refresh tokens, deadlines), on either backend. SQL is written once with
//! PostgreSQL's `$1` placeholders; SQLite gets the same numbered `?1` form. Ids are stored
//! as text and times as integers on both backends, so every bind is the same Rust type.

/// A connection on one backend to run a statement on: a [`eventlog::LogTx`]'s
/// ([`Target::of`]) or a pooled one ([`PoolConn::db`]). The event log's SQL helper types,
/// which the read side and the notifier use too.
pub use eventlog::sql::{Conn as PoolConn, Db as Target};

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
