//! One SQL text for both backends: the notifier's statements use `$n` placeholders and
//! types both SQLite and PostgreSQL accept, and run on the caller's [`LogTx`].

use chrono::{DateTime, Utc};
use eventlog::LogTx;
use sqlx::{PgConnection, SqliteConnection};

/// A value to bind.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    Time(DateTime<Utc>),
}

/// The connection of a [`LogTx`], whichever backend it is on.
pub(crate) enum Db<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

macro_rules! bound {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                Arg::Text(v) => query.bind(v),
                Arg::OptText(v) => query.bind(v),
                Arg::Int(v) => query.bind(v),
                Arg::Time(v) => query.bind(v),
            };
        }
        query
    }};
}

/// Rows the notifier reads: tuples both backends can decode.
pub(crate) trait Row:
    for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
    + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
    + Send
    + Unpin
{
}
impl<T> Row for T where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin
{
}

impl<'a> Db<'a> {
    /// The connection inside `tx`.
    pub(crate) fn of(tx: &'a mut LogTx) -> Self {
        if tx.sqlite().is_some() {
            Db::Sqlite(tx.sqlite().expect("checked above"))
        } else {
            Db::Postgres(tx.postgres().expect("a LogTx is on SQLite or PostgreSQL"))
        }
    }

    /// Runs a statement; returns the rows it touched.
    pub(crate) async fn exec(&mut self, sql: &str, args: Vec<Arg>) -> Result<u64, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(c) => bound!(sqlx::query(sql), args)
                .execute(&mut **c)
                .await?
                .rows_affected(),
            Db::Postgres(c) => bound!(sqlx::query(sql), args)
                .execute(&mut **c)
                .await?
                .rows_affected(),
        })
    }

    /// Runs a query and decodes every row.
    pub(crate) async fn fetch<T: Row>(
        &mut self,
        sql: &str,
        args: Vec<Arg>,
    ) -> Result<Vec<T>, sqlx::Error> {
        match self {
            Db::Sqlite(c) => {
                bound!(sqlx::query_as::<_, T>(sql), args)
                    .fetch_all(&mut **c)
                    .await
            }
            Db::Postgres(c) => {
                bound!(sqlx::query_as::<_, T>(sql), args)
                    .fetch_all(&mut **c)
                    .await
            }
        }
    }
}
