//! The read-model projections: which tables each owns and how a batch of events changes
//! them.

pub mod analytics;
pub mod bookings;
pub mod catalog;
#[cfg(test)]
mod fixtures;

use eventlog::sql::Db;

use crate::decode::Fact;
use crate::record::Tables;

/// One read-model projection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Projection {
    /// Listings with search fields and availability (`rm_listings`, `rm_ticket_types`).
    Catalog,
    /// Holds, bookings, tickets, waitlist entries and people.
    Bookings,
    /// Per-listing, per-day and platform counters.
    Analytics,
}

impl Projection {
    /// Every projection.
    pub const ALL: [Projection; 3] = [Self::Catalog, Self::Bookings, Self::Analytics];

    /// Its name (checkpoint `projection:<name>`, metrics label, `replay --projection`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Catalog => "catalog",
            Self::Bookings => "bookings",
            Self::Analytics => "analytics",
        }
    }

    /// The projection called `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The live tables it owns.
    pub fn tables(self) -> &'static [&'static str] {
        match self {
            Self::Catalog => catalog::TABLES,
            Self::Bookings => bookings::TABLES,
            Self::Analytics => analytics::TABLES,
        }
    }

    /// Applies a decoded batch, in order, to `tables`. Returns the listings whose
    /// availability or details changed (catalog) or whose waiting-room visits changed
    /// (bookings); analytics reports none.
    pub async fn apply(
        self,
        db: &mut Db<'_>,
        tables: &Tables,
        facts: &[(i64, Fact)],
    ) -> Result<Vec<String>, sqlx::Error> {
        match self {
            Self::Catalog => catalog::apply(db, tables, facts).await,
            Self::Bookings => bookings::apply(db, tables, facts).await,
            Self::Analytics => analytics::apply(db, tables, facts)
                .await
                .map(|()| Vec::new()),
        }
    }
}

impl std::fmt::Display for Projection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
