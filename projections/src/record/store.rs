//! Read-model rows loaded in bulk for the keys a batch touches and written back in bulk
//! (multi-row upserts), so a batch of thousands of events costs a handful of statements
//! rather than one per event.

use std::collections::{HashMap, HashSet};

use eventlog::sql::{placeholders, value_rows, Arg, Db};

use super::{read_rows, KeyText as _, Record, Tables};

/// Statements carry at most this many bound values: enough rows per statement to save
/// round trips, few enough that parsing and planning one stays cheap (SQLite's hard limit
/// is 32,766, PostgreSQL's 65,535).
const MAX_ARGS: usize = 2_000;

/// Rows per `COPY` statement when appending to a fresh table.
const COPY_ROWS: usize = 20_000;

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
        let sql = format!(
            "INSERT INTO {} ({}) VALUES {} ON CONFLICT ({}) DO UPDATE SET {}",
            tables.name(R::TABLE),
            R::COLUMNS.join(", "),
            value_rows(chunk.len(), width),
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

/// Appends `rows`, which the table does not hold: `COPY` on PostgreSQL, multi-row
/// `INSERT`s without conflict handling on SQLite. For a replay's fresh copies.
async fn insert_new<R: Record>(
    db: &mut Db<'_>,
    tables: &Tables,
    rows: &[&R],
) -> Result<(), sqlx::Error> {
    let table = tables.name(R::TABLE);
    if db.is_postgres() {
        // One `COPY` per chunk: the values of a chunk are built at a time, not all rows'.
        for chunk in rows.chunks(COPY_ROWS) {
            let values: Vec<Vec<Arg>> = chunk.iter().map(|r| r.to_args()).collect();
            db.copy_in(table, R::COLUMNS, &values).await?;
        }
        return Ok(());
    }
    let width = R::COLUMNS.len();
    for chunk in rows.chunks((MAX_ARGS / width).max(1)) {
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {}",
            R::COLUMNS.join(", "),
            value_rows(chunk.len(), width),
        );
        db.exec(&sql, chunk.iter().flat_map(|r| r.to_args()).collect())
            .await?;
    }
    Ok(())
}

/// A map with a fast hasher: the keys are ids of our own making, not attacker-chosen.
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Rows of one table that a batch (or a whole replay) works on: loaded once, changed in
/// memory, the changed ones written back by [`Rows::flush`].
pub(crate) struct Rows<R: Record> {
    /// Each row, and whether it changed since it was loaded or last written.
    rows: Map<R::Key, (R, bool)>,
    /// The `(column, value)` lookups already loaded: every stored row they match is here
    /// (loaded then, or changed since), so they are not asked again.
    fetched: HashSet<(&'static str, String), foldhash::fast::RandomState>,
    /// Every row of the table is here: nothing needs loading (a replay's fresh copy).
    complete: bool,
    /// The table may hold rows; while it holds none, changed rows are simply appended.
    stored: bool,
}

impl<R: Record> Default for Rows<R> {
    /// Rows of a table that has its own rows: loaded on demand, written with upserts.
    fn default() -> Self {
        Self {
            rows: Map::default(),
            fetched: HashSet::default(),
            complete: false,
            stored: true,
        }
    }
}

impl<R: Record> Rows<R> {
    /// Rows of an empty table that only these rows will fill (a replay's copy): nothing
    /// is loaded while all of them are kept, and the first flush appends.
    pub(crate) fn fresh() -> Self {
        Self {
            complete: true,
            stored: false,
            ..Self::default()
        }
    }

    /// Adds rows loaded from the table (not marked changed); rows already here are newer
    /// and win. Returns the keys it added.
    pub(crate) fn extend(&mut self, rows: Vec<R>) -> Vec<R::Key> {
        let mut added = Vec::new();
        for row in rows {
            if let std::collections::hash_map::Entry::Vacant(slot) = self.rows.entry(row.key()) {
                added.push(slot.key().clone());
                slot.insert((row, false));
            }
        }
        added
    }

    /// Loads the stored rows whose `column` is one of `values`, but for lookups already
    /// made, keys already held (when `column` is the key), or all of them while every row
    /// is here. Returns the keys it added.
    pub(crate) async fn load(
        &mut self,
        db: &mut Db<'_>,
        tables: &Tables,
        column: &'static str,
        values: &[String],
    ) -> Result<Vec<R::Key>, sqlx::Error> {
        if self.complete {
            return Ok(Vec::new());
        }
        let by_key = R::KEY == [column];
        let missing: Vec<String> = values
            .iter()
            .filter(|v| {
                let held =
                    by_key && R::Key::from_text(v).is_some_and(|key| self.rows.contains_key(&key));
                !held && !self.fetched.contains(&(column, (*v).clone()))
            })
            .cloned()
            .collect();
        if missing.is_empty() {
            return Ok(Vec::new());
        }
        let loaded = load_where(db, tables, column, &missing).await?;
        self.fetched
            .extend(missing.into_iter().map(|value| (column, value)));
        Ok(self.extend(loaded))
    }

    /// Loads every stored row, unless that was done (or every row is here).
    pub(crate) async fn load_all(
        &mut self,
        db: &mut Db<'_>,
        tables: &Tables,
    ) -> Result<(), sqlx::Error> {
        // The lookup "every row" is noted under a name no column has.
        let all = ("*", String::new());
        if self.complete || self.fetched.contains(&all) {
            return Ok(());
        }
        let loaded = load_all(db, tables).await?;
        self.extend(loaded);
        self.fetched.insert(all);
        Ok(())
    }

    /// A row to read.
    pub(crate) fn get(&self, key: &R::Key) -> Option<&R> {
        self.rows.get(key).map(|(row, _)| row)
    }

    /// A row to change (marked for writing).
    pub(crate) fn get_mut(&mut self, key: &R::Key) -> Option<&mut R> {
        let (row, changed) = self.rows.get_mut(key)?;
        *changed = true;
        Some(row)
    }

    /// Adds or replaces a row (marked for writing).
    pub(crate) fn put(&mut self, row: R) {
        self.rows.insert(row.key(), (row, true));
    }

    /// The rows changed or added (those [`Rows::flush`] writes).
    pub(crate) fn changed(&self) -> impl Iterator<Item = &R> {
        self.rows
            .values()
            .filter(|(_, changed)| *changed)
            .map(|(row, _)| row)
    }

    /// Keys of the rows (loaded or new) that match.
    pub(crate) fn keys_where(&self, matches: impl Fn(&R) -> bool) -> Vec<R::Key> {
        let mut keys: Vec<R::Key> = self
            .rows
            .iter()
            .filter(|(_, (r, _))| matches(r))
            .map(|(k, _)| k.clone())
            .collect();
        keys.sort();
        keys
    }

    /// How many rows are held.
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// Writes the changed rows; they count as unchanged afterwards.
    pub(crate) async fn flush(
        &mut self,
        db: &mut Db<'_>,
        tables: &Tables,
    ) -> Result<(), sqlx::Error> {
        let mut changed: Vec<(&R::Key, &mut (R, bool))> =
            self.rows.iter_mut().filter(|(_, (_, c))| *c).collect();
        // A stable order keeps lock order the same between writers (no deadlocks), and
        // appends to a fresh table's key index in order.
        changed.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (_, (_, c)) in changed.iter_mut() {
            *c = false;
        }
        let rows: Vec<&R> = changed.into_iter().map(|(_, (row, _))| &*row).collect();
        if self.stored {
            save(db, tables, rows).await?;
        } else if !rows.is_empty() {
            insert_new(db, tables, &rows).await?;
            self.stored = true;
        }
        Ok(())
    }

    /// Forgets every row (after a flush: the table has them); later batches load what
    /// they need again.
    pub(crate) fn evict(&mut self) {
        debug_assert!(
            self.rows.values().all(|(_, changed)| !changed),
            "evicting unwritten rows"
        );
        self.rows = Map::default();
        self.fetched = HashSet::default();
        self.complete = false;
    }
}

/// One table's rows, whatever their type: for forgetting the largest first, and for
/// writing a replay's tables side by side.
pub(crate) trait Held: Send {
    /// The live table.
    fn table(&self) -> &'static str;
    /// Rows held.
    fn held(&self) -> usize;
    /// Forgets them (see [`Rows::evict`]).
    fn forget(&mut self);
    /// Writes the changed ones (see [`Rows::flush`]).
    fn write<'a, 'c: 'a>(
        &'a mut self,
        db: &'a mut Db<'c>,
        tables: &'a Tables,
    ) -> futures::future::BoxFuture<'a, Result<(), sqlx::Error>>;
}

impl<R: Record + Send + Sync> Held for Rows<R>
where
    R::Key: Send + Sync,
{
    fn table(&self) -> &'static str {
        R::TABLE
    }

    fn held(&self) -> usize {
        self.len()
    }

    fn forget(&mut self) {
        self.evict();
    }

    fn write<'a, 'c: 'a>(
        &'a mut self,
        db: &'a mut Db<'c>,
        tables: &'a Tables,
    ) -> futures::future::BoxFuture<'a, Result<(), sqlx::Error>> {
        Box::pin(self.flush(db, tables))
    }
}

/// Forgets the largest of `tables` until at most `keep` rows are held in all: a
/// projection's few hot rows (a listing's counters) stay, its many cold ones (holds,
/// tickets) go.
pub(crate) fn evict_largest(mut tables: Vec<&mut dyn Held>, keep: usize) {
    tables.sort_by_key(|t| std::cmp::Reverse(t.held()));
    let mut total: usize = tables.iter().map(|t| t.held()).sum();
    for table in tables {
        if total <= keep {
            break;
        }
        total -= table.held();
        table.forget();
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
