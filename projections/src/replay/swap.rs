//! Putting a replay's filled copies in place of the live tables, inside the transaction
//! that holds the live checkpoints' locks, so readers see the old model until its commit
//! and the new one after it.
//!
//! SQLite readers take no table locks (WAL): the live tables are dropped and the copies
//! renamed. PostgreSQL does the same, but `DROP TABLE` needs an exclusive lock, and taking
//! the tables' locks one by one while a reader's one statement holds one of them and waits
//! for another is a deadlock that PostgreSQL resolves by failing the read. So the swap
//! first takes every table's lock in one `LOCK TABLE` with a short `lock_timeout` (well
//! under the `deadlock_timeout` after which a waiting reader would look for a deadlock):
//! readers wait at most that long, never fail, and the swap tries again after a pause.
//! If it cannot get them in [`LOCK_ATTEMPTS`] tries (a long reader transaction, such as
//! `verify`, holds one), it copies the rows instead, which needs only row locks.

use std::time::Duration;

use eventlog::sql::{Arg, Db};

use super::copies::companions;

/// How long the swap waits for the live tables' locks per attempt: far below
/// PostgreSQL's `deadlock_timeout` (1 s by default), so a reader blocked behind the swap
/// never gets to run the deadlock check and fail.
const LOCK_TIMEOUT: &str = "100ms";

/// Attempts at the live tables' locks before copying rows instead (about 5 s in all).
pub(crate) const LOCK_ATTEMPTS: u32 = 25;

/// The pause between two attempts.
const LOCK_PAUSE: Duration = Duration::from_millis(100);

/// How a swap went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swapped {
    /// The copies were renamed into place.
    Renamed,
    /// PostgreSQL could not lock the live tables in time: the copies' rows were copied.
    Copied,
}

/// Puts each `(live, copy)` pair's copy in place of the live table, in the caller's
/// transaction.
pub(crate) async fn swap(db: &mut Db<'_>, pairs: &[(&str, &str)]) -> Result<Swapped, sqlx::Error> {
    if !db.is_postgres() {
        for (table, copy) in pairs {
            // Dropping the live table drops its triggers; the copy's triggers follow each
            // rename to the names the live ones had.
            let mut swap = format!("DROP TABLE {table};");
            let companions = companions(db, copy).await?;
            for companion in &companions {
                let live = companion.replacen(copy, table, 1);
                swap.push_str(&format!(" DROP TABLE IF EXISTS {live};"));
            }
            swap.push_str(&format!(" ALTER TABLE {copy} RENAME TO {table};"));
            for companion in &companions {
                let live = companion.replacen(copy, table, 1);
                swap.push_str(&format!(" ALTER TABLE {companion} RENAME TO {live};"));
            }
            db.exec_script(&swap).await?;
        }
        return Ok(Swapped::Renamed);
    }
    if lock_live_tables(db, pairs).await? {
        for (table, copy) in pairs {
            let renames = index_renames(db, table, copy).await?;
            let mut swap = format!("DROP TABLE {table}; ALTER TABLE {copy} RENAME TO {table};");
            for (from, to) in renames {
                swap.push_str(&format!(" ALTER INDEX {from} RENAME TO {to};"));
            }
            db.exec_script(&swap).await?;
        }
        return Ok(Swapped::Renamed);
    }
    for (table, copy) in pairs {
        let statements = copy_rows(db, table, copy).await?;
        db.exec_script(&statements).await?;
    }
    Ok(Swapped::Copied)
}

/// PostgreSQL: takes every live table's exclusive lock at once, waiting at most
/// [`LOCK_TIMEOUT`] per attempt (each attempt in a savepoint, so a timeout leaves the
/// transaction usable). Returns whether it holds them.
async fn lock_live_tables(db: &mut Db<'_>, pairs: &[(&str, &str)]) -> Result<bool, sqlx::Error> {
    let tables: Vec<&str> = pairs.iter().map(|(table, _)| *table).collect();
    let lock = format!("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE", tables.join(", "));
    db.exec_script(&format!("SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
        .await?;
    let mut locked = false;
    for attempt in 0..LOCK_ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(LOCK_PAUSE).await;
        }
        db.exec_script("SAVEPOINT replay_swap").await?;
        match db.exec_script(&lock).await {
            Ok(()) => {
                db.exec_script("RELEASE SAVEPOINT replay_swap").await?;
                locked = true;
                break;
            }
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("55P03") => {
                db.exec_script("ROLLBACK TO SAVEPOINT replay_swap").await?;
            }
            Err(other) => return Err(other),
        }
    }
    // The rest of the transaction (or the row copy) waits as long as it must.
    db.exec_script("SET LOCAL lock_timeout = 0").await?;
    Ok(locked)
}

/// PostgreSQL: the renames that give `copy`'s indexes the names of live `table`'s: its
/// primary key's, and `<copy>__<suffix>` to `<table>__<suffix>` (as `build_indexes` named
/// them). A primary key's constraint follows its index's name.
async fn index_renames(
    db: &mut Db<'_>,
    table: &str,
    copy: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let indexes = |of: &str| {
        (
            "SELECT c.relname::text, i.indisprimary FROM pg_index i \
             JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1::regclass",
            vec![Arg::Text(of.to_owned())],
        )
    };
    let (sql, args) = indexes(table);
    let live: Vec<(String, bool)> = db.fetch(sql, args).await?;
    let (sql, args) = indexes(copy);
    let copied: Vec<(String, bool)> = db.fetch(sql, args).await?;
    let live_key = live.iter().find(|(_, primary)| *primary).map(|(n, _)| n);
    let prefix = format!("{copy}__");
    Ok(copied
        .into_iter()
        .filter_map(|(name, primary)| {
            let to = if primary {
                live_key?.clone()
            } else {
                format!("{table}__{}", name.strip_prefix(&prefix)?)
            };
            Some((name, to))
        })
        .collect())
}

/// PostgreSQL, when the live tables could not be locked: the statements that make live
/// `table` hold exactly the rows of `copy` under MVCC, then drop the copy. Only the difference is written: the live rows that have no equal
/// row (same key, every column equal) in the copy are deleted, and the copy's rows whose
/// key is then missing are inserted. A replay over a current model (the usual case: the
/// live projector has been running) then writes next to nothing under the checkpoint
/// lock, where deleting and re-inserting every row (each index entry, each WAL record)
/// took most of the replay; over an empty model it is the plain insert it was.
async fn copy_rows(db: &mut Db<'_>, table: &str, copy: &str) -> Result<String, sqlx::Error> {
    let key: Vec<(String,)> = db
        .fetch(
            "SELECT a.attname::text FROM pg_index i \
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
             WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY a.attnum",
            vec![Arg::Text(copy.to_owned())],
        )
        .await?;
    if key.is_empty() {
        // No key to match rows on: replace them all.
        return Ok(format!(
            "DELETE FROM {table}; INSERT INTO {table} SELECT * FROM {copy}; DROP TABLE {copy}"
        ));
    }
    let same_key = |a: &str, b: &str| {
        key.iter()
            .map(|(k,)| format!("{a}.{k} = {b}.{k}"))
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    // `build_indexes` analyzed the copy: the planner picks hash anti-joins.
    Ok(format!(
        "DELETE FROM {table} l WHERE NOT EXISTS (SELECT 1 FROM {copy} c WHERE {} \
             AND ROW(c.*) IS NOT DISTINCT FROM ROW(l.*)); \
         INSERT INTO {table} SELECT c.* FROM {copy} c \
             WHERE NOT EXISTS (SELECT 1 FROM {table} l WHERE {}); \
         DROP TABLE {copy}",
        same_key("c", "l"),
        same_key("l", "c"),
    ))
}
