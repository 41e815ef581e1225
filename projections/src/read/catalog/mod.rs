//! `catalog`: every listing with its search fields and availability per ticket type.
//! Counters follow the same rules as the domain's inventory (held, offered, sold per
//! type; free bounded by the listing's total capacity); `boxoffice verify` checks them
//! against a fresh fold of each listing stream.
//!
//! A batch is loaded (`load`: the rows of the listings it touches), folded
//! (`fold::fold`, pure) and flushed (the changed rows, in bulk).

mod fold;
mod rows;

use std::collections::BTreeSet;

use eventlog::sql::Db;

use crate::decode::Fact;
use crate::record::{Record, Tables};

pub(crate) use fold::{fold, CatalogRows};
pub use rows::{ListingRow, TypeRow};

/// The catalog's tables.
pub(crate) const TABLES: &[&str] = &[ListingRow::TABLE, TypeRow::TABLE];

/// The listings a batch touches, in order.
fn listing_ids(facts: &[(i64, Fact)]) -> Vec<String> {
    facts
        .iter()
        .filter_map(|(_, f)| match f {
            Fact::Listing(id, _) => Some(id.to_string()),
            _ => None,
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Loads the rows of the listings `facts` touch into `rows`, but for those it holds.
pub(crate) async fn load(
    db: &mut Db<'_>,
    tables: &Tables,
    rows: &mut CatalogRows,
    facts: &[(i64, Fact)],
) -> Result<(), sqlx::Error> {
    let ids = listing_ids(facts);
    rows.listings.load(db, tables, "listing_id", &ids).await?;
    let types = rows.types.load(db, tables, "listing_id", &ids).await?;
    rows.loaded_types(types);
    Ok(())
}

impl CatalogRows {
    /// Writes the changed rows.
    pub(crate) async fn flush(
        &mut self,
        db: &mut Db<'_>,
        tables: &Tables,
    ) -> Result<(), sqlx::Error> {
        self.listings.flush(db, tables).await?;
        self.types.flush(db, tables).await
    }
}

/// Applies a batch; returns the ids of the listings it changed.
pub(crate) async fn apply(
    db: &mut Db<'_>,
    tables: &Tables,
    facts: &[(i64, Fact)],
) -> Result<Vec<String>, sqlx::Error> {
    if listing_ids(facts).is_empty() {
        return Ok(Vec::new());
    }
    let mut rows = CatalogRows::default();
    load(db, tables, &mut rows, facts).await?;
    let changed = fold(&mut rows, facts);
    rows.flush(db, tables).await?;
    Ok(changed)
}
