//! Read-model rows described once: each table's row is a struct declared with
//! `record!`, which gives its table, columns, key and how to bind it, and
//! reads it **by column name** (positions are looked up once per query, then every row is
//! read by them). Query results that join tables are read the same way
//! ([`read_row!`](crate::read_row!), or a tuple of row types).

mod store;

use eventlog::sql::{AnyRow, Arg};

pub(crate) use store::{evict_largest, load_all, Held, Rows};

/// Where a projection writes: the live tables, or the fresh copies a replay builds.
#[derive(Debug, Clone, Default)]
pub struct Tables {
    renamed: std::collections::HashMap<String, String>,
}

impl Tables {
    /// The live tables.
    pub fn live() -> Self {
        Self::default()
    }

    /// Every table in `names` renamed by `rename`.
    pub fn renamed(names: &[&str], rename: impl Fn(&str) -> String) -> Self {
        Self {
            renamed: names.iter().map(|n| ((*n).to_owned(), rename(n))).collect(),
        }
    }

    /// The name to use for the live table `live`.
    pub fn name<'a>(&'a self, live: &'a str) -> &'a str {
        self.renamed.get(live).map_or(live, String::as_str)
    }
}

/// A value read from a query's result by column name.
pub trait ReadRow: Sized {
    /// Appends the names of the columns it reads, in reading order.
    fn columns(names: &mut Vec<&'static str>);
    /// Reads one row; `at` yields the position of each column [`ReadRow::columns`] named,
    /// in that order.
    fn read(row: &AnyRow, at: &mut std::slice::Iter<'_, usize>) -> Result<Self, sqlx::Error>;
}

impl<A: ReadRow, B: ReadRow> ReadRow for (A, B) {
    fn columns(names: &mut Vec<&'static str>) {
        A::columns(names);
        B::columns(names);
    }

    fn read(row: &AnyRow, at: &mut std::slice::Iter<'_, usize>) -> Result<Self, sqlx::Error> {
        Ok((A::read(row, at)?, B::read(row, at)?))
    }
}

/// A row of one read-model table.
pub trait Record: ReadRow + Clone {
    /// The live table.
    const TABLE: &'static str;
    /// Its columns, in `to_args` order.
    const COLUMNS: &'static [&'static str];
    /// The primary key columns (a prefix of `COLUMNS`).
    const KEY: &'static [&'static str];
    /// The key as used in maps.
    type Key: Eq + std::hash::Hash + Clone + Ord + KeyText;

    /// This row's key.
    fn key(&self) -> Self::Key;
    /// Column values to bind, in `COLUMNS` order.
    fn to_args(&self) -> Vec<Arg>;
}

/// A key that one column's text value can spell (a single text column), so a lookup by
/// that column can tell which rows are held already.
pub trait KeyText: Sized {
    /// The key `value` spells, if one column can.
    fn from_text(value: &str) -> Option<Self>;
}

impl KeyText for String {
    fn from_text(value: &str) -> Option<Self> {
        Some(value.to_owned())
    }
}

impl<A, B> KeyText for (A, B) {
    fn from_text(_: &str) -> Option<Self> {
        None
    }
}

/// The position of column `name` in `row`.
fn position(row: &AnyRow, name: &str) -> Result<usize, sqlx::Error> {
    use sqlx::{Column as _, Row as _};
    match row {
        AnyRow::Sqlite(r) => r.try_column(name).map(|c| c.ordinal()),
        AnyRow::Postgres(r) => r.try_column(name).map(|c| c.ordinal()),
    }
}

/// Reads every row of a result as `T`, by column name: the names are looked up in the
/// first row, and every row is then read by position.
pub fn read_rows<T: ReadRow>(rows: &[AnyRow]) -> Result<Vec<T>, sqlx::Error> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let mut names = Vec::new();
    T::columns(&mut names);
    let at = names
        .iter()
        .map(|name| position(first, name))
        .collect::<Result<Vec<_>, _>>()?;
    rows.iter()
        .map(|row| T::read(row, &mut at.iter()))
        .collect()
}

/// The select list of `R`'s columns, e.g. `hold_id, listing_id, …`.
pub fn columns<R: ReadRow>() -> String {
    let mut names = Vec::new();
    R::columns(&mut names);
    names.join(", ")
}

/// The select list of `R`'s columns from the table aliased `alias`, each named as the
/// column (`h.hold_id AS hold_id, …`), for queries that join other tables.
pub fn columns_of<R: ReadRow>(alias: &str) -> String {
    let mut names = Vec::new();
    R::columns(&mut names);
    names
        .iter()
        .map(|n| format!("{alias}.{n} AS {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Milliseconds since the epoch.
pub(crate) fn ms(at: chrono::DateTime<chrono::Utc>) -> i64 {
    at.timestamp_millis()
}

/// A column type both backends decode the same way.
pub trait Col: Sized {
    /// The column at position `i` of `row`.
    fn get(row: &AnyRow, i: usize) -> Result<Self, sqlx::Error>;
}

impl Col for String {
    fn get(row: &AnyRow, i: usize) -> Result<Self, sqlx::Error> {
        row.text(i)
    }
}
impl Col for Option<String> {
    fn get(row: &AnyRow, i: usize) -> Result<Self, sqlx::Error> {
        row.opt_text(i)
    }
}
impl Col for i64 {
    fn get(row: &AnyRow, i: usize) -> Result<Self, sqlx::Error> {
        row.int(i)
    }
}
impl Col for Option<i64> {
    fn get(row: &AnyRow, i: usize) -> Result<Self, sqlx::Error> {
        row.opt_int(i)
    }
}

/// Reads column `$ty` at the next position of `$at` (a missing position is reported as
/// out of bounds by the backend).
#[doc(hidden)]
#[macro_export]
macro_rules! __read_col {
    ($row:expr, $at:expr, $ty:ty) => {
        <$ty as $crate::record::Col>::get($row, $at.next().copied().unwrap_or(usize::MAX))?
    };
}

/// Declares a struct read from a query's columns by name: each field is the column of the
/// same name. For results that are not one table's row (joins, counts, aggregates).
#[macro_export]
macro_rules! read_row {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $($(#[$fmeta:meta])* $field:ident: $ty:ty),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        $vis struct $name {
            $($(#[$fmeta])* pub $field: $ty),+
        }

        impl $crate::record::ReadRow for $name {
            fn columns(names: &mut Vec<&'static str>) {
                names.extend([$(stringify!($field)),+]);
            }

            fn read(
                row: &eventlog::sql::AnyRow,
                at: &mut std::slice::Iter<'_, usize>,
            ) -> Result<Self, sqlx::Error> {
                Ok(Self {
                    $($field: $crate::__read_col!(row, at, $ty)),+
                })
            }
        }
    };
}

/// Declares the row struct of a read-model table: its [`ReadRow`] and [`Record`] impls.
/// Fields are listed in column order, the key columns first; each is documented with its
/// column name, and whatever doc it is given.
macro_rules! record {
    (
        $(#[$meta:meta])*
        $name:ident in $table:literal, key($($key:ident),+): $key_ty:ty,
        { $($(#[$fmeta:meta])* $field:ident: $ty:ty),+ $(,)? }
    ) => {
        $crate::read_row! {
            $(#[$meta])*
            pub struct $name {
                $(
                    #[doc = concat!("`", stringify!($field), "`.")]
                    $(#[$fmeta])*
                    $field: $ty
                ),+
            }
        }

        impl $crate::record::Record for $name {
            const TABLE: &'static str = $table;
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),+];
            const KEY: &'static [&'static str] = &[$(stringify!($key)),+];
            type Key = $key_ty;

            fn key(&self) -> $key_ty {
                ($(self.$key.clone()),+)
            }

            fn to_args(&self) -> Vec<eventlog::sql::Arg> {
                vec![$(self.$field.clone().into()),+]
            }
        }
    };
}
pub(crate) use record;
