//! One SQL text for both backends, for the tables that live beside the log (read models,
//! the notifier's tables). Statements use `$n` placeholders and types both SQLite and
//! PostgreSQL accept (text ids, integer times and amounts), and run either inside a
//! [`LogTx`] (so rows and a checkpoint commit together) or on a pooled connection.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{PgConnection, Row as _, SqliteConnection};

use crate::log::EventLog;
use crate::tx::LogTx;

/// A value to bind.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Text.
    Text(String),
    /// Text or NULL.
    OptText(Option<String>),
    /// A 64-bit integer.
    Int(i64),
    /// A 64-bit integer or NULL.
    OptInt(Option<i64>),
    /// A timestamp (TEXT on SQLite, TIMESTAMPTZ on PostgreSQL).
    Time(DateTime<Utc>),
    /// A `text[]` (PostgreSQL only: bulk writes with `UNNEST`, lookups with `= ANY`).
    Texts(Vec<Option<String>>),
    /// An `int8[]` (PostgreSQL only).
    Ints(Vec<Option<i64>>),
}

impl Arg {
    /// Whether this is an array (which only PostgreSQL binds).
    pub fn is_array(&self) -> bool {
        matches!(self, Arg::Texts(_) | Arg::Ints(_))
    }
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_owned())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(v)
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::OptText(v)
    }
}
impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(v)
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::OptInt(v)
    }
}

/// The connection of a [`LogTx`] or a pooled connection, whichever backend it is on.
pub enum Db<'a> {
    /// SQLite.
    Sqlite(&'a mut SqliteConnection),
    /// PostgreSQL.
    Postgres(&'a mut PgConnection),
}

/// Binds `args` in order. Arrays bind only where the caller names `bind_array` (the
/// PostgreSQL arms); SQLite refuses them before it gets here ([`refuse_arrays`]).
macro_rules! bound {
    ($query:expr, $args:expr $(, $array:ident)?) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                Arg::Text(v) => query.bind(v),
                Arg::OptText(v) => query.bind(v),
                Arg::Int(v) => query.bind(v),
                Arg::OptInt(v) => query.bind(v),
                Arg::Time(v) => query.bind(v),
                $(
                    Arg::Texts(v) => $array!(query, v),
                    Arg::Ints(v) => $array!(query, v),
                )?
                #[allow(unreachable_patterns)]
                Arg::Texts(_) | Arg::Ints(_) => unreachable!("arrays are refused before binding"),
            };
        }
        query
    }};
}

macro_rules! bind_array {
    ($query:expr, $value:expr) => {
        $query.bind($value)
    };
}

/// SQLite cannot bind arrays; a caller that passes one has a bug, reported as an error.
fn refuse_arrays(args: &[Arg]) -> Result<(), sqlx::Error> {
    if args.iter().any(Arg::is_array) {
        return Err(sqlx::Error::Protocol(
            "array arguments are only for PostgreSQL".into(),
        ));
    }
    Ok(())
}

/// Tuples both backends can decode.
pub trait Row:
    for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Row for T where
    T: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin
{
}

/// A row of either backend, read by column index.
pub enum AnyRow {
    /// SQLite.
    Sqlite(SqliteRow),
    /// PostgreSQL.
    Postgres(PgRow),
}

impl AnyRow {
    /// Column `i` as text.
    pub fn text(&self, i: usize) -> Result<String, sqlx::Error> {
        match self {
            AnyRow::Sqlite(r) => r.try_get(i),
            AnyRow::Postgres(r) => r.try_get(i),
        }
    }
    /// Column `i` as text or NULL.
    pub fn opt_text(&self, i: usize) -> Result<Option<String>, sqlx::Error> {
        match self {
            AnyRow::Sqlite(r) => r.try_get(i),
            AnyRow::Postgres(r) => r.try_get(i),
        }
    }
    /// Column `i` as an integer.
    pub fn int(&self, i: usize) -> Result<i64, sqlx::Error> {
        match self {
            AnyRow::Sqlite(r) => r.try_get(i),
            AnyRow::Postgres(r) => r.try_get(i),
        }
    }
    /// Column `i` as an integer or NULL.
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, sqlx::Error> {
        match self {
            AnyRow::Sqlite(r) => r.try_get(i),
            AnyRow::Postgres(r) => r.try_get(i),
        }
    }
}

/// The SQLite spelling of a `$n` statement. SQLite treats `$1` as a *named* parameter and
/// finds each name by a linear scan, so a statement with thousands of them (a multi-row
/// upsert) costs quadratic time to prepare and bind; when the placeholders appear once each
/// in order (`$1, $2, …`) they become anonymous `?`, which costs nothing to look up.
fn sqlite_sql(sql: &str) -> std::borrow::Cow<'_, str> {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut expected = 1u64;
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let start = i + 1;
            let mut end = start;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
            if end > start {
                if sql[start..end].parse::<u64>().ok() != Some(expected) {
                    return std::borrow::Cow::Borrowed(sql);
                }
                expected += 1;
                out.push_str(&sql[last..i]);
                out.push('?');
                last = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    if expected == 1 {
        return std::borrow::Cow::Borrowed(sql);
    }
    out.push_str(&sql[last..]);
    std::borrow::Cow::Owned(out)
}

impl<'a> Db<'a> {
    /// The connection inside `tx`.
    pub fn of(tx: &'a mut LogTx) -> Self {
        if tx.sqlite().is_some() {
            Db::Sqlite(tx.sqlite().expect("checked above"))
        } else {
            Db::Postgres(tx.postgres().expect("a LogTx is on SQLite or PostgreSQL"))
        }
    }

    /// Whether this is PostgreSQL (for the few statements that differ).
    pub fn is_postgres(&self) -> bool {
        matches!(self, Db::Postgres(_))
    }

    /// A shorter-lived handle on the same connection.
    pub fn reborrow(&mut self) -> Db<'_> {
        match self {
            Db::Sqlite(c) => Db::Sqlite(c),
            Db::Postgres(c) => Db::Postgres(c),
        }
    }

    /// Runs a statement; returns the rows it touched.
    pub async fn exec(&mut self, sql: &str, args: Vec<Arg>) -> Result<u64, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(c) => {
                refuse_arrays(&args)?;
                let sql = sqlite_sql(sql);
                bound!(sqlx::query(&sql), args)
                    .execute(&mut **c)
                    .await?
                    .rows_affected()
            }
            Db::Postgres(c) => bound!(sqlx::query(sql), args, bind_array)
                .execute(&mut **c)
                .await?
                .rows_affected(),
        })
    }

    /// Runs statements without arguments (DDL), one after another.
    pub async fn exec_script(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        use sqlx::Executor as _;
        match self {
            Db::Sqlite(c) => (&mut **c).execute(sql).await.map(|_| ()),
            Db::Postgres(c) => (&mut **c).execute(sql).await.map(|_| ()),
        }
    }

    /// Runs a query and decodes every row as the tuple `T`.
    pub async fn fetch<T: Row>(
        &mut self,
        sql: &str,
        args: Vec<Arg>,
    ) -> Result<Vec<T>, sqlx::Error> {
        match self {
            Db::Sqlite(c) => {
                refuse_arrays(&args)?;
                let sql = sqlite_sql(sql);
                bound!(sqlx::query_as::<_, T>(&sql), args)
                    .fetch_all(&mut **c)
                    .await
            }
            Db::Postgres(c) => {
                bound!(sqlx::query_as::<_, T>(sql), args, bind_array)
                    .fetch_all(&mut **c)
                    .await
            }
        }
    }

    /// Runs a query and returns rows to read by column index (for wide rows).
    pub async fn rows(&mut self, sql: &str, args: Vec<Arg>) -> Result<Vec<AnyRow>, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(c) => {
                refuse_arrays(&args)?;
                let sql = sqlite_sql(sql);
                bound!(sqlx::query(&sql), args)
                    .fetch_all(&mut **c)
                    .await?
                    .into_iter()
                    .map(AnyRow::Sqlite)
                    .collect()
            }
            Db::Postgres(c) => bound!(sqlx::query(sql), args, bind_array)
                .fetch_all(&mut **c)
                .await?
                .into_iter()
                .map(AnyRow::Postgres)
                .collect(),
        })
    }
}

/// A connection taken from the log's pool, for reads outside a [`LogTx`].
pub enum Conn {
    /// SQLite.
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    /// PostgreSQL.
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
}

impl Conn {
    /// Takes a connection from `log`'s pool.
    pub async fn acquire(log: &EventLog) -> Result<Self, sqlx::Error> {
        if let Some(pool) = log.sqlite_pool() {
            Ok(Self::Sqlite(pool.acquire().await?))
        } else if let Some(pool) = log.postgres_pool() {
            Ok(Self::Postgres(pool.acquire().await?))
        } else {
            Err(sqlx::Error::PoolClosed)
        }
    }

    /// The connection as a statement target.
    pub fn db(&mut self) -> Db<'_> {
        match self {
            Self::Sqlite(c) => Db::Sqlite(c),
            Self::Postgres(c) => Db::Postgres(c),
        }
    }
}

/// `$first, $first+1, …` for `count` values: the placeholders of an `IN (…)` list.
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::sqlite_sql;

    #[test]
    fn placeholders_in_order_become_anonymous_for_sqlite() {
        assert_eq!(
            sqlite_sql("INSERT INTO t VALUES ($1, $2), ($3, $4)"),
            "INSERT INTO t VALUES (?, ?), (?, ?)"
        );
        assert_eq!(sqlite_sql("SELECT 1"), "SELECT 1");
        // Out of order or repeated: left numbered (SQLite binds `$n` by its number).
        let reordered = "UPDATE t SET a = $2 WHERE b = $1";
        assert_eq!(sqlite_sql(reordered), reordered);
        let repeated = "SELECT $1 WHERE x = $1";
        assert_eq!(sqlite_sql(repeated), repeated);
    }
}
