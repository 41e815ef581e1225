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

/// Bytes of `COPY` data gathered before they are sent: large enough that messages are few,
/// small enough that the buffer stays a fixed, modest size whatever the row count.
const COPY_CHUNK: usize = 1 << 20;

/// Appends `value` to `COPY` text-format data: `\N` for NULL, and the four characters the
/// format gives a meaning to (backslash, newline, carriage return, tab) escaped.
fn copy_text(out: &mut Vec<u8>, value: &Arg) -> Result<(), sqlx::Error> {
    use std::io::Write as _;
    let text = match value {
        Arg::Text(v) | Arg::OptText(Some(v)) => v.as_str(),
        Arg::OptText(None) | Arg::OptInt(None) => {
            out.extend_from_slice(b"\\N");
            return Ok(());
        }
        Arg::Int(v) | Arg::OptInt(Some(v)) => {
            write!(out, "{v}").map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
            return Ok(());
        }
        Arg::Time(v) => {
            let at = v.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
            out.extend_from_slice(at.as_bytes());
            return Ok(());
        }
        Arg::Texts(_) | Arg::Ints(_) => {
            return Err(sqlx::Error::Protocol("COPY takes no array values".into()))
        }
    };
    for byte in text.bytes() {
        match byte {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            other => out.push(other),
        }
    }
    Ok(())
}

/// Appends one row of `COPY` text-format data.
fn copy_row(out: &mut Vec<u8>, row: &[Arg]) -> Result<(), sqlx::Error> {
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        copy_text(out, value)?;
    }
    out.push(b'\n');
    Ok(())
}

impl Db<'_> {
    /// PostgreSQL: appends `rows` (values in `columns` order) to `table` with
    /// `COPY … FROM STDIN`, sent in chunks of about a mebibyte. Plain inserts without
    /// statements, plans or conflict checks beyond the table's own constraints: for filling
    /// fresh tables. SQLite has no `COPY` and returns an error.
    pub async fn copy_in(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Arg>],
    ) -> Result<u64, sqlx::Error> {
        let Db::Postgres(conn) = self else {
            return Err(sqlx::Error::Protocol("COPY is only for PostgreSQL".into()));
        };
        let statement = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
        let mut copy = conn.copy_in_raw(&statement).await?;
        let mut buffer = Vec::with_capacity(COPY_CHUNK + 4096);
        for row in rows {
            if let Err(error) = copy_row(&mut buffer, row) {
                copy.abort(error.to_string()).await?;
                return Err(error);
            }
            if buffer.len() >= COPY_CHUNK {
                copy.send(buffer.as_slice()).await?;
                buffer.clear();
            }
        }
        if !buffer.is_empty() {
            copy.send(buffer.as_slice()).await?;
        }
        copy.finish().await
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

/// `($1, …, $width), ($width+1, …), …` for `rows` rows: the `VALUES` list of a multi-row
/// insert whose arguments are the rows' values in order.
pub fn value_rows(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|i| format!("({})", placeholders(i * width + 1, width)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::{copy_text, sqlite_sql, Arg};

    #[test]
    fn copy_text_escapes_what_the_format_reads_and_spells_null() {
        let mut out = Vec::new();
        for value in [
            Arg::Text("a\\b\tc\nd\re".into()),
            Arg::OptText(None),
            Arg::OptInt(Some(-7)),
        ] {
            copy_text(&mut out, &value).unwrap();
            out.push(b'|');
        }
        assert_eq!(out, b"a\\\\b\\tc\\nd\\re|\\N|-7|");
        assert!(copy_text(&mut out, &Arg::Ints(vec![])).is_err());
    }

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
