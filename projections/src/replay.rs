//! Rebuilding projections from the log without disturbing readers: the replay builds
//! fresh copies of a projection's tables (`<table>_r<millis>`), fills them from position
//! 0 with large batches, then — in one transaction that holds the live checkpoint's lock —
//! applies the last events, puts the copies' rows in place of the live ones and sets the
//! checkpoint. Readers see the old rows until that commit and the new ones after it, never
//! a half-built model. Interrupting a replay leaves only the copies, which the next replay
//! drops.
//!
//! How the rows move differs per backend. SQLite readers take no table locks (WAL), so the
//! live tables are dropped and the copies renamed: instant. On PostgreSQL, `DROP TABLE`
//! takes an exclusive lock, and a reader whose one statement reads two of the tables can
//! hold one while waiting for the other: a deadlock that PostgreSQL resolves by failing the
//! read. So there the live rows are deleted and the copy inserted under MVCC, which only
//! takes row locks: readers keep reading the old rows until the commit and never wait.

use std::time::{Duration, Instant};

use eventlog::sql::{Arg, Db};
use eventlog::{EventLog, LogTx};

use crate::decode::decode_all;
use crate::error::ProjectionError;
use crate::read::Projection;
use crate::record::Tables;
use crate::status::checkpoint_name;

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
}

impl Progress {
    /// Events per second so far.
    pub fn rate(&self) -> f64 {
        self.events as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// The name of a live table's copy for replay generation `generation`.
fn copy_name(table: &str, generation: i64) -> String {
    format!("{table}_r{generation}")
}

/// Whether `name` is a copy of `table` left by some replay.
fn is_copy_of(name: &str, table: &str) -> bool {
    name.strip_prefix(table)
        .and_then(|rest| rest.strip_prefix("_r"))
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// SQLite DDL of `live` rewritten for `copy`: the table name, and index names
/// (`<table>__<suffix>`, or a previous copy's `<table>_r<n>__<suffix>`).
fn rename_ddl(sql: &str, live: &str, copy: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if token == live {
            out.push_str(copy);
        } else if let Some((prefix, suffix)) = token.split_once("__") {
            if prefix == live || is_copy_of(prefix, live) {
                out.push_str(&format!("{copy}__{suffix}"));
            } else {
                out.push_str(token);
            }
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    for c in sql.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            token.push(c);
        } else {
            flush(&mut token, &mut out);
            out.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

/// SQLite: the virtual tables that belong to `table` (`<table>__<suffix>`, such as the
/// catalog's full-text index), by name. They are copied, swapped and dropped with it.
async fn companions(db: &mut Db<'_>, table: &str) -> Result<Vec<String>, sqlx::Error> {
    if db.is_postgres() {
        return Ok(Vec::new());
    }
    let names: Vec<(String,)> = db
        .fetch(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND sql LIKE 'CREATE VIRTUAL TABLE%'",
            Vec::new(),
        )
        .await?;
    Ok(names
        .into_iter()
        .map(|(n,)| n)
        .filter(|n| n.split_once("__").is_some_and(|(owner, _)| owner == table))
        .collect())
}

async fn table_names(db: &mut Db<'_>) -> Result<Vec<String>, sqlx::Error> {
    let sql = if db.is_postgres() {
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table'"
    };
    Ok(db
        .fetch::<(String,)>(sql, Vec::new())
        .await?
        .into_iter()
        .map(|(n,)| n)
        .collect())
}

/// Drops copies left by interrupted replays and creates empty copies of `tables`.
async fn create_copies(
    db: &mut Db<'_>,
    tables: &[&str],
    generation: i64,
) -> Result<(), sqlx::Error> {
    let existing = table_names(db).await?;
    for table in tables {
        for leftover in existing.iter().filter(|n| is_copy_of(n, table)) {
            for companion in companions(db, leftover).await? {
                db.exec_script(&format!("DROP TABLE IF EXISTS {companion}"))
                    .await?;
            }
            db.exec_script(&format!("DROP TABLE IF EXISTS {leftover}"))
                .await?;
        }
        let copy = copy_name(table, generation);
        if db.is_postgres() {
            // The copy only has to be filled: the swap inserts its rows into the live
            // table, whose own indexes are kept then. So it is UNLOGGED (no WAL; a crash
            // empties it, and it is a leftover then anyway) and keeps only its primary key
            // (the projections' upserts and lookups are by key).
            db.exec_script(&format!(
                "CREATE UNLOGGED TABLE {copy} (LIKE {table} INCLUDING ALL)"
            ))
            .await?;
            let secondary: Vec<(String,)> = db
                .fetch(
                    "SELECT indexrelid::regclass::text FROM pg_index \
                     WHERE indrelid = $1::regclass AND NOT indisprimary",
                    vec![Arg::Text(copy.clone())],
                )
                .await?;
            for (index,) in secondary {
                db.exec_script(&format!("DROP INDEX {index}")).await?;
            }
        } else {
            // The table, then its virtual companions, then its indexes and triggers
            // (which may write to a companion): each renamed for the copy.
            let ddl: Vec<(String,)> = db
                .fetch(
                    "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND (tbl_name = $1 \
                     OR (type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%' \
                         AND substr(name, 1, length($1) + 2) = $1 || '__')) \
                     ORDER BY CASE WHEN name = $1 THEN 0 WHEN type = 'table' THEN 1 ELSE 2 END",
                    vec![Arg::Text((*table).to_owned())],
                )
                .await?;
            for (sql,) in ddl {
                db.exec_script(&rename_ddl(&sql, table, &copy)).await?;
            }
        }
    }
    Ok(())
}

/// Rebuilds `which` from the log into fresh tables and swaps them in. `batch` events are
/// applied per transaction; `progress` hears about every batch and the swap.
pub async fn replay(
    log: &EventLog,
    which: &[Projection],
    batch: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<Progress, ProjectionError> {
    let started = Instant::now();
    let generation = chrono::Utc::now().timestamp_millis();
    let copies: Vec<(Projection, Tables)> = which
        .iter()
        .map(|p| {
            (
                *p,
                Tables::renamed(p.tables(), |t| copy_name(t, generation)),
            )
        })
        .collect();
    {
        let mut tx = log.begin().await?;
        let mut db = Db::of(&mut tx);
        for p in which {
            create_copies(&mut db, p.tables(), generation).await?;
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
    };
    // Fill the copies while the live tables keep serving. The next batch is read and
    // decoded while the current one is written.
    let mut next = prefetch(log.clone(), 0, batch);
    loop {
        let fetched = match next.await {
            Ok(fetched) => fetched?,
            // The reading task panicked: carry the panic on here.
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        };
        let applied = fetched.count;
        let Some(last) = fetched.last else { break };
        next = prefetch(log.clone(), last, batch);
        let mut tx = log.begin().await?;
        let cache = widen_cache(&mut Db::of(&mut tx)).await?;
        apply(&mut tx, &copies, &fetched, &mut state).await?;
        if let Some(pages) = cache {
            Db::of(&mut tx)
                .exec_script(&format!("PRAGMA cache_size = {pages}"))
                .await?;
        }
        tx.commit().await?;
        state.elapsed = started.elapsed();
        if applied < batch {
            state.head = log.head().await?.max(state.position);
        }
        progress(state);
        if applied < batch && state.position >= state.head {
            break;
        }
    }
    // Swap: under the live checkpoints' locks, catch up and rename.
    let swap_started = Instant::now();
    let mut tx = log.begin().await?;
    for p in which {
        tx.lock_checkpoint(&checkpoint_name(p.name())).await?;
    }
    loop {
        let fetched = fetch(log, state.position, batch).await?;
        if fetched.count == 0 {
            break;
        }
        apply(&mut tx, &copies, &fetched, &mut state).await?;
    }
    {
        let mut db = Db::of(&mut tx);
        for (p, renamed) in &copies {
            for table in p.tables() {
                let copy = renamed.name(table);
                let swap = if db.is_postgres() {
                    postgres_swap(&mut db, table, copy).await?
                } else {
                    // Dropping the live table drops its triggers; the copy's triggers
                    // follow each rename to the names the live ones had.
                    let mut swap = format!("DROP TABLE {table};");
                    let companions = companions(&mut db, copy).await?;
                    for companion in &companions {
                        let live = companion.replacen(copy, table, 1);
                        swap.push_str(&format!(" DROP TABLE IF EXISTS {live};"));
                    }
                    swap.push_str(&format!(" ALTER TABLE {copy} RENAME TO {table};"));
                    for companion in &companions {
                        let live = companion.replacen(copy, table, 1);
                        swap.push_str(&format!(" ALTER TABLE {companion} RENAME TO {live};"));
                    }
                    swap
                };
                db.exec_script(&swap).await?;
            }
        }
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

/// PostgreSQL: the statements that make live `table` hold exactly the rows of `copy`,
/// then drop the copy. Only the difference is written: the live rows that have no equal
/// row (same key, every column equal) in the copy are deleted, and the copy's rows whose
/// key is then missing are inserted. A replay over a current model (the usual case: the
/// live projector has been running) then writes next to nothing under the checkpoint
/// lock, where deleting and re-inserting every row (each index entry, each WAL record)
/// took most of the replay; over an empty model it is the plain insert it was.
async fn postgres_swap(db: &mut Db<'_>, table: &str, copy: &str) -> Result<String, sqlx::Error> {
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
    Ok(format!(
        // Statistics first: the copy was filled without any, and the planner needs them
        // to pick hash anti-joins over both tables.
        "ANALYZE {copy}; \
         DELETE FROM {table} l WHERE NOT EXISTS (SELECT 1 FROM {copy} c WHERE {} \
             AND ROW(c.*) IS NOT DISTINCT FROM ROW(l.*)); \
         INSERT INTO {table} SELECT c.* FROM {copy} c \
             WHERE NOT EXISTS (SELECT 1 FROM {table} l WHERE {}); \
         DROP TABLE {copy}",
        same_key("c", "l"),
        same_key("l", "c"),
    ))
}

/// SQLite page cache of a fill transaction, in KiB: a batch's pages (the rows it loads,
/// the copies' tables and indexes it writes) stay in memory until its commit instead of
/// being spilled to the file and read back; SQLite's default is 2 MiB.
const FILL_CACHE_KIB: i64 = 256 * 1024;

/// SQLite: widens the connection's page cache for one fill transaction and returns the
/// size to restore before its commit (the connection goes back to the pool after it).
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
}

/// Reads and decodes the batch after `after`.
async fn fetch(log: &EventLog, after: i64, batch: usize) -> Result<Fetched, ProjectionError> {
    let events = log.read_all(after, batch).await?;
    Ok(Fetched {
        count: events.len(),
        last: events.last().map(|e| e.position),
        facts: decode_all(&events)?,
    })
}

/// [`fetch`] on another task, so the next batch is read while this one is written.
fn prefetch(
    log: EventLog,
    after: i64,
    batch: usize,
) -> tokio::task::JoinHandle<Result<Fetched, ProjectionError>> {
    tokio::spawn(async move { fetch(&log, after, batch).await })
}

/// Applies a fetched batch to every copy in `tx` and counts it in `state`.
async fn apply(
    tx: &mut LogTx,
    copies: &[(Projection, Tables)],
    fetched: &Fetched,
    state: &mut Progress,
) -> Result<(), ProjectionError> {
    let Some(last) = fetched.last else {
        return Ok(());
    };
    let mut db = Db::of(tx);
    for (p, tables) in copies {
        p.apply(&mut db, tables, &fetched.facts).await?;
    }
    state.position = last;
    state.head = state.head.max(last);
    state.events += fetched.count as u64;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ddl_is_renamed_for_tables_and_their_indexes_only() {
        let sql = "CREATE INDEX rm_listings__by_start ON rm_listings (status, starts_at)";
        assert_eq!(
            rename_ddl(sql, "rm_listings", "rm_listings_r42"),
            "CREATE INDEX rm_listings_r42__by_start ON rm_listings_r42 (status, starts_at)"
        );
        // An index that a previous replay named after its copy is renamed too.
        let sql = "CREATE INDEX rm_listings_r7__by_start ON rm_listings (x)";
        assert_eq!(
            rename_ddl(sql, "rm_listings", "rm_listings_r42"),
            "CREATE INDEX rm_listings_r42__by_start ON rm_listings_r42 (x)"
        );
        // Other tables and columns that merely start alike are left alone.
        let sql = "CREATE TABLE rm_listings (rm_listings_count BIGINT, rm_listing_stats__x TEXT)";
        assert_eq!(
            rename_ddl(sql, "rm_listings", "c"),
            "CREATE TABLE c (rm_listings_count BIGINT, rm_listing_stats__x TEXT)"
        );
    }

    #[test]
    fn only_numbered_copies_count_as_leftovers() {
        assert!(is_copy_of("rm_listings_r123", "rm_listings"));
        assert!(!is_copy_of("rm_listings_r", "rm_listings"));
        assert!(!is_copy_of("rm_listings_rx1", "rm_listings"));
        assert!(!is_copy_of("rm_listing_stats_r1", "rm_listings"));
    }
}
