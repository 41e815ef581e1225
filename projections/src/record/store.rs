//! Read-model rows loaded in bulk for the keys a batch touches and written back in bulk
//! (multi-row upserts), so a batch of thousands of events costs a handful of statements
//! rather than one per event.

use std::collections::HashMap;

use eventlog::sql::{placeholders, Arg, Db};

use super::{read_rows, Record, Tables};

/// Statements carry at most this many bound values: enough rows per statement to save
/// round trips, few enough that parsing and planning one stays cheap (SQLite's hard limit
/// is 32,766, PostgreSQL's 65,535).
const MAX_ARGS: usize = 2_000;

/// Loads the rows whose `column` is one of `values`.
pub(crate) async fn load_where<R: Record>(
    db: &mut Db<'_>,
    tables: &Tables,
    column: &str,
    values: &[String],
) -> Result<Vec<R>, sqlx::Error> {
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows = Vec::new();
    if db.is_postgres() {
        // One array parameter: the same statement text whatever the count, planned once.
        let sql = format!(
            "SELECT {} FROM {} WHERE {column} = ANY($1)",
            R::COLUMNS.join(", "),
            tables.name(R::TABLE)
        );
        let keys = Arg::Texts(values.iter().cloned().map(Some).collect());
        return read_rows(&db.rows(&sql, vec![keys]).await?);
    }
    for chunk in values.chunks(MAX_ARGS) {
        let sql = format!(
            "SELECT {} FROM {} WHERE {column} IN ({})",
            R::COLUMNS.join(", "),
            tables.name(R::TABLE),
            placeholders(1, chunk.len())
        );
        let args = chunk.iter().cloned().map(Arg::Text).collect();
        rows.extend(read_rows(&db.rows(&sql, args).await?)?);
    }
    Ok(rows)
}

/// Inserts or replaces `rows` (by primary key), many per statement.
pub(crate) async fn save<'r, R: Record + 'r>(
    db: &mut Db<'_>,
    tables: &Tables,
    rows: impl IntoIterator<Item = &'r R>,
) -> Result<(), sqlx::Error> {
    let rows: Vec<&R> = rows.into_iter().collect();
    if rows.is_empty() {
        return Ok(());
    }
    let width = R::COLUMNS.len();
    let per_statement = (MAX_ARGS / width).max(1);
    let updates: Vec<String> = R::COLUMNS
        .iter()
        .filter(|c| !R::KEY.contains(c))
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    if db.is_postgres() {
        return save_unnest(
            db,
            tables.name(R::TABLE),
            R::COLUMNS,
            R::KEY,
            &updates,
            &rows,
        )
        .await;
    }
    for chunk in rows.chunks(per_statement) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("({})", placeholders(i * width + 1, width)))
            .collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES {} ON CONFLICT ({}) DO UPDATE SET {}",
            tables.name(R::TABLE),
            R::COLUMNS.join(", "),
            values.join(", "),
            R::KEY.join(", "),
            updates.join(", ")
        );
        let args = chunk.iter().flat_map(|r| r.to_args()).collect();
        db.exec(&sql, args).await?;
    }
    Ok(())
}

/// PostgreSQL: every row in one statement, a column per array parameter
/// (`INSERT … SELECT * FROM UNNEST($1::text[], $2::int8[], …)`), so the statement text is
/// the same for any number of rows and is planned once per connection.
async fn save_unnest<R: Record>(
    db: &mut Db<'_>,
    table: &str,
    columns: &[&str],
    key: &[&str],
    updates: &[String],
    rows: &[&R],
) -> Result<(), sqlx::Error> {
    // Transpose the rows into one array per column, moving each value once.
    let mut by_column: Vec<Vec<Arg>> = vec![Vec::with_capacity(rows.len()); columns.len()];
    for row in rows {
        for (column, value) in by_column.iter_mut().zip(row.to_args()) {
            column.push(value);
        }
    }
    let arrays: Vec<Arg> = by_column
        .into_iter()
        .map(|values| {
            if matches!(values.first(), Some(Arg::Text(_) | Arg::OptText(_))) {
                Arg::Texts(
                    values
                        .into_iter()
                        .map(|v| match v {
                            Arg::Text(v) => Some(v),
                            Arg::OptText(v) => v,
                            _ => None,
                        })
                        .collect(),
                )
            } else {
                Arg::Ints(
                    values
                        .into_iter()
                        .map(|v| match v {
                            Arg::Int(v) => Some(v),
                            Arg::OptInt(v) => v,
                            _ => None,
                        })
                        .collect(),
                )
            }
        })
        .collect();
    let casts: Vec<String> = arrays
        .iter()
        .enumerate()
        .map(|(i, a)| match a {
            Arg::Texts(_) => format!("${}::text[]", i + 1),
            _ => format!("${}::int8[]", i + 1),
        })
        .collect();
    let sql = format!(
        "INSERT INTO {table} ({}) SELECT * FROM UNNEST({}) ON CONFLICT ({}) DO UPDATE SET {}",
        columns.join(", "),
        casts.join(", "),
        key.join(", "),
        updates.join(", ")
    );
    db.exec(&sql, arrays).await.map(|_| ())
}

/// Rows of one table a batch works on: loaded once, changed in memory, the changed ones
/// written back at the end.
pub(crate) struct Rows<R: Record> {
    rows: HashMap<R::Key, R>,
    dirty: std::collections::HashSet<R::Key>,
}

impl<R: Record> Default for Rows<R> {
    fn default() -> Self {
        Self {
            rows: HashMap::new(),
            dirty: std::collections::HashSet::new(),
        }
    }
}

impl<R: Record> Rows<R> {
    /// Adds rows loaded from the table (not marked changed).
    pub(crate) fn extend(&mut self, rows: Vec<R>) {
        for row in rows {
            self.rows.entry(row.key()).or_insert(row);
        }
    }

    /// A row to read.
    pub(crate) fn get(&self, key: &R::Key) -> Option<&R> {
        self.rows.get(key)
    }

    /// A row to change (marked for writing).
    pub(crate) fn get_mut(&mut self, key: &R::Key) -> Option<&mut R> {
        let row = self.rows.get_mut(key)?;
        self.dirty.insert(key.clone());
        Some(row)
    }

    /// Adds or replaces a row (marked for writing).
    pub(crate) fn put(&mut self, row: R) {
        let key = row.key();
        self.dirty.insert(key.clone());
        self.rows.insert(key, row);
    }

    /// The rows changed or added (those [`Rows::flush`] writes).
    pub(crate) fn changed(&self) -> impl Iterator<Item = &R> {
        self.dirty.iter().filter_map(|key| self.rows.get(key))
    }

    /// Keys of the rows (loaded or new) that match.
    pub(crate) fn keys_where(&self, matches: impl Fn(&R) -> bool) -> Vec<R::Key> {
        let mut keys: Vec<R::Key> = self
            .rows
            .iter()
            .filter(|(_, r)| matches(r))
            .map(|(k, _)| k.clone())
            .collect();
        keys.sort();
        keys
    }

    /// Writes the changed rows.
    pub(crate) async fn flush(&self, db: &mut Db<'_>, tables: &Tables) -> Result<(), sqlx::Error> {
        let mut keys: Vec<&R::Key> = self.dirty.iter().collect();
        // A stable order keeps lock order the same between writers (no deadlocks).
        keys.sort();
        save(
            db,
            tables,
            keys.into_iter().filter_map(|k| self.rows.get(k)),
        )
        .await
    }
}

/// Every row of a table.
pub(crate) async fn load_all<R: Record>(
    db: &mut Db<'_>,
    tables: &Tables,
) -> Result<Vec<R>, sqlx::Error> {
    let sql = format!(
        "SELECT {} FROM {}",
        R::COLUMNS.join(", "),
        tables.name(R::TABLE)
    );
    read_rows(&db.rows(&sql, Vec::new()).await?)
}
