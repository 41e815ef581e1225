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
use crate::record::{load_all, load_where, Record, Tables};

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

/// The rows `facts` work on, as stored.
async fn load(
    db: &mut Db<'_>,
    tables: &Tables,
    facts: &[(i64, Fact)],
) -> Result<AnalyticsRows, sqlx::Error> {
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
    let mut batch = AnalyticsRows::default();
    let known: Vec<StatBookingRow> = load_where(
        db,
        tables,
        "booking_id",
        &booking_ids.into_iter().collect::<Vec<_>>(),
    )
    .await?;
    listings.extend(known.iter().map(|b| b.listing_id.clone()));
    batch.bookings.extend(known);
    let listings: Vec<String> = listings.into_iter().collect();
    batch
        .stats
        .extend(load_where(db, tables, "listing_id", &listings).await?);
    batch
        .daily
        .extend(load_where(db, tables, "listing_id", &listings).await?);
    // A room's minutes, for the listings whose line moves in this batch.
    let rooms: Vec<String> = rooms.into_iter().collect();
    batch
        .minutes
        .extend(load_where(db, tables, "listing_id", &rooms).await?);
    if facts.iter().any(|(_, f)| {
        matches!(
            f,
            Fact::Account(..) | Fact::Listing(_, ListingEvent::ListingDrafted { .. })
        )
    }) {
        batch.platform.extend(load_all(db, tables).await?);
    }

    Ok(batch)
}

/// Applies a batch.
pub(crate) async fn apply(
    db: &mut Db<'_>,
    tables: &Tables,
    facts: &[(i64, Fact)],
) -> Result<(), sqlx::Error> {
    let mut rows = load(db, tables, facts).await?;
    fold(&mut rows, facts);
    rows.stats.flush(db, tables).await?;
    rows.daily.flush(db, tables).await?;
    rows.bookings.flush(db, tables).await?;
    rows.platform.flush(db, tables).await?;
    rows.minutes.flush(db, tables).await?;
    Ok(())
}
