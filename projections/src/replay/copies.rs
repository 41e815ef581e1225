//! The copies a replay fills: their names (`<table>_r<millis>`), creating them empty
//! (dropping any an interrupted replay left), and their secondary indexes, built once
//! they are filled.

use eventlog::sql::{Arg, Db};

/// The name of a live table's copy for replay generation `generation`.
pub(crate) fn copy_name(table: &str, generation: i64) -> String {
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
pub(crate) async fn companions(db: &mut Db<'_>, table: &str) -> Result<Vec<String>, sqlx::Error> {
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
pub(crate) async fn create_copies(
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
            // The copy keeps only its primary key while it is filled (the fill's loads and
            // upserts go by key); `build_indexes` adds the others once it is full. It is
            // logged like any table: the swap renames it into the live table's place.
            db.exec_script(&format!("CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)"))
                .await?;
            for (index, _) in secondary_indexes(db, &copy).await? {
                db.exec_script(&format!("DROP INDEX {index}")).await?;
            }
        } else {
            // The table, then its virtual companions, then its triggers (which may write
            // to a companion): each renamed for the copy. Its indexes come after the fill
            // (`build_indexes`).
            let ddl: Vec<(String,)> = db
                .fetch(
                    "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND type <> 'index' \
                     AND (tbl_name = $1 OR (type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%' \
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

/// PostgreSQL: the definitions of `table`'s secondary indexes (not its primary key).
async fn secondary_indexes(
    db: &mut Db<'_>,
    table: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    db.fetch(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index \
         WHERE indrelid = $1::regclass AND NOT indisprimary ORDER BY indexrelid",
        vec![Arg::Text(table.to_owned())],
    )
    .await
}

/// Builds on `copy` the secondary indexes of live `table` (SQLite: its indexes and
/// triggers were left out of the copy's creation), named as [`rename_ddl`] names them.
/// Building an index over a filled table (one sort) costs far less than keeping it up to
/// date row by row during the fill.
pub(crate) async fn build_indexes(
    db: &mut Db<'_>,
    table: &str,
    copy: &str,
) -> Result<(), sqlx::Error> {
    if db.is_postgres() {
        // Sorts in memory rather than in temporary files, for this transaction only.
        db.exec_script("SET LOCAL maintenance_work_mem = '128MB'")
            .await?;
        for (_, sql) in secondary_indexes(db, table).await? {
            db.exec_script(&rename_ddl(&sql, table, copy)).await?;
        }
        // The planner's statistics, which the copy has none of; taken outside the swap's
        // locks.
        return db.exec_script(&format!("ANALYZE {copy}")).await;
    }
    let ddl: Vec<(String,)> = db
        .fetch(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
             AND tbl_name = $1",
            vec![Arg::Text(table.to_owned())],
        )
        .await?;
    for (sql,) in ddl {
        db.exec_script(&rename_ddl(&sql, table, copy)).await?;
    }
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
