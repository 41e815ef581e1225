//! A replay's projections folded in memory: each keeps every row it has built (the copies
//! start empty, so nothing needs loading) and writes each row once, when the rows held
//! pass a bound or the fill ends. Past the bound the rows are written and the largest
//! tables' forgotten, and later batches load the rows they touch from those tables, as the
//! runner does.

use eventlog::sql::Db;

use crate::decode::Fact;
use crate::read::analytics::{self, AnalyticsRows};
use crate::read::bookings::{self, BookingsRows};
use crate::read::catalog::{self, CatalogRows};
use crate::read::Projection;
use crate::record::{Held, Tables};

/// One projection's rows during a replay.
pub(crate) struct Model {
    rows: Rows,
    /// Rows were forgotten: batches must load what they touch.
    evicted: bool,
}

enum Rows {
    /// `catalog`.
    Catalog(CatalogRows),
    /// `bookings`.
    Bookings(BookingsRows),
    /// `analytics`.
    Analytics(AnalyticsRows),
}

impl Model {
    /// An empty model for `projection`'s empty copies.
    pub(crate) fn fresh(projection: Projection) -> Self {
        let rows = match projection {
            Projection::Catalog => Rows::Catalog(CatalogRows::fresh()),
            Projection::Bookings => Rows::Bookings(BookingsRows::fresh()),
            Projection::Analytics => Rows::Analytics(AnalyticsRows::fresh()),
        };
        Self {
            rows,
            evicted: false,
        }
    }

    /// Whether a batch needs the database to load rows (see [`Model::apply`]).
    pub(crate) fn loads(&self) -> bool {
        self.evicted
    }

    /// Folds a batch: loads the rows it needs that are neither held nor known to be
    /// absent, then applies it in memory. `db` may be `None` while nothing was evicted
    /// (every row is held, nothing is loaded).
    pub(crate) async fn apply(
        &mut self,
        db: Option<&mut Db<'_>>,
        tables: &Tables,
        facts: &[(i64, Fact)],
    ) -> Result<(), sqlx::Error> {
        if let Some(db) = db {
            match &mut self.rows {
                Rows::Catalog(rows) => catalog::load(db, tables, rows, facts).await?,
                Rows::Bookings(rows) => bookings::load(db, tables, rows, facts).await?,
                Rows::Analytics(rows) => analytics::load(db, tables, rows, facts).await?,
            }
        } else {
            assert!(!self.evicted, "an evicted model folds only after loading");
        }
        match &mut self.rows {
            Rows::Catalog(rows) => {
                catalog::fold(rows, facts);
            }
            Rows::Bookings(rows) => bookings::fold(rows, facts),
            Rows::Analytics(rows) => analytics::fold(rows, facts),
        }
        Ok(())
    }

    /// Rows held.
    pub(crate) fn len(&self) -> usize {
        match &self.rows {
            Rows::Catalog(rows) => rows.len(),
            Rows::Bookings(rows) => rows.len(),
            Rows::Analytics(rows) => rows.len(),
        }
    }

    /// Each table's rows, to write them side by side.
    pub(crate) fn parts(&mut self) -> Vec<&mut dyn Held> {
        match &mut self.rows {
            Rows::Catalog(rows) => rows.parts(),
            Rows::Bookings(rows) => rows.parts(),
            Rows::Analytics(rows) => rows.parts(),
        }
    }

    /// Writes the rows changed since the last flush.
    pub(crate) async fn flush(
        &mut self,
        db: &mut Db<'_>,
        tables: &Tables,
    ) -> Result<(), sqlx::Error> {
        match &mut self.rows {
            Rows::Catalog(rows) => rows.flush(db, tables).await,
            Rows::Bookings(rows) => rows.flush(db, tables).await,
            Rows::Analytics(rows) => rows.flush(db, tables).await,
        }
    }

    /// Forgets rows (after a flush), the largest tables' first, until at most `keep` are
    /// held (the catalog's all at once).
    pub(crate) fn evict(&mut self, keep: usize) {
        self.evicted = true;
        match &mut self.rows {
            Rows::Catalog(rows) => rows.evict(),
            Rows::Bookings(rows) => rows.evict(keep),
            Rows::Analytics(rows) => rows.evict(keep),
        }
    }
}
