//! `analytics`: counters per listing (sales, holds, waitlist, check-in), per listing and
//! UTC day, and for the whole platform. Every counter moves with the event that changes
//! it, cancellations and refunds included, so totals reconcile with a fresh fold of the
//! log (`boxoffice verify`).
//!
//! A batch is loaded (`load`: the rows of the listings and bookings it touches, the
//! platform counters when it changes them), folded (`fold::fold`, pure) and flushed
//! (the changed rows, in bulk).

mod fold;
mod rows;

use std::collections::BTreeSet;

use domain::booking::BookingEvent;
use domain::listing::ListingEvent;
use eventlog::sql::Db;

use crate::decode::Fact;
use crate::record::{Record, Tables};

pub use fold::role_metric;
pub(crate) use fold::{fold, AnalyticsRows};
pub use rows::{DailyRow, PlatformRow, RoomMinuteRow, StatBookingRow, StatRow};

/// The analytics projection's tables.
pub(crate) const TABLES: &[&str] = &[
    StatRow::TABLE,
    DailyRow::TABLE,
    StatBookingRow::TABLE,
    PlatformRow::TABLE,
    RoomMinuteRow::TABLE,
];

/// Loads the rows `facts` work on into `rows`, but for those it holds.
pub(crate) async fn load(
    db: &mut Db<'_>,
    tables: &Tables,
    rows: &mut AnalyticsRows,
    facts: &[(i64, Fact)],
) -> Result<(), sqlx::Error> {
    let mut listings = BTreeSet::new();
    let mut rooms = BTreeSet::new();
    let mut booking_ids = BTreeSet::new();
    for (_, fact) in facts {
        match fact {
            Fact::Listing(id, event) => {
                listings.insert(id.to_string());
                if matches!(
                    event,
                    ListingEvent::WaitingRoomJoined { .. } | ListingEvent::AdmissionGranted { .. }
                ) {
                    rooms.insert(id.to_string());
                }
            }
            Fact::Booking(_, BookingEvent::BookingConfirmed { listing_id, .. }) => {
                listings.insert(listing_id.to_string());
            }
            Fact::Booking(id, _) => {
                booking_ids.insert(id.to_string());
            }
            _ => {}
        }
    }
    let booking_ids: Vec<String> = booking_ids.into_iter().collect();
    rows.bookings
        .load(db, tables, "booking_id", &booking_ids)
        .await?;
    // The listings of the bookings, whether just loaded or held.
    listings.extend(
        booking_ids
            .iter()
            .filter_map(|id| rows.bookings.get(id))
            .map(|b| b.listing_id.clone()),
    );
    let listings: Vec<String> = listings.into_iter().collect();
    rows.stats.load(db, tables, "listing_id", &listings).await?;
    rows.daily.load(db, tables, "listing_id", &listings).await?;
    // A room's minutes, for the listings whose line moves in this batch.
    let rooms: Vec<String> = rooms.into_iter().collect();
    rows.minutes.load(db, tables, "listing_id", &rooms).await?;
    if facts.iter().any(|(_, f)| {
        matches!(
            f,
            Fact::Account(..) | Fact::Listing(_, ListingEvent::ListingDrafted { .. })
        )
    }) {
        rows.platform.load_all(db, tables).await?;
    }
    Ok(())
}

impl AnalyticsRows {
    /// Writes the changed rows.
    pub(crate) async fn flush(
        &mut self,
        db: &mut Db<'_>,
        tables: &Tables,
    ) -> Result<(), sqlx::Error> {
        self.stats.flush(db, tables).await?;
        self.daily.flush(db, tables).await?;
        self.bookings.flush(db, tables).await?;
        self.platform.flush(db, tables).await?;
        self.minutes.flush(db, tables).await
    }
}

/// Applies a batch.
pub(crate) async fn apply(
    db: &mut Db<'_>,
    tables: &Tables,
    facts: &[(i64, Fact)],
) -> Result<(), sqlx::Error> {
    let mut rows = AnalyticsRows::default();
    load(db, tables, &mut rows, facts).await?;
    fold(&mut rows, facts);
    rows.flush(db, tables).await
}
