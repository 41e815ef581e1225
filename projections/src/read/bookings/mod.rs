//! `bookings`: what each buyer holds, has booked (with tickets and codes) and waits for,
//! plus the names organizers see on their attendee lists.
//!
//! A batch is loaded (`load`: the rows its events name), folded (`fold::fold`, pure)
//! and flushed (the changed rows, in bulk).

mod fold;
mod rows;

use std::collections::BTreeSet;

use domain::booking::BookingEvent;
use domain::listing::ListingEvent;
use eventlog::sql::Db;

use crate::decode::Fact;
use crate::record::{Record, Tables};

pub(crate) use fold::{fold, BookingsRows};
pub use rows::{BookingRow, EntryRow, HoldRow, PersonRow, TicketRow, VisitRow};

/// The bookings projection's tables.
pub(crate) const TABLES: &[&str] = &[
    HoldRow::TABLE,
    BookingRow::TABLE,
    TicketRow::TABLE,
    EntryRow::TABLE,
    PersonRow::TABLE,
    VisitRow::TABLE,
];

/// The rows a batch needs loaded: those its events change.
#[derive(Default)]
struct Keys {
    holds: BTreeSet<String>,
    entries: BTreeSet<String>,
    bookings: BTreeSet<String>,
    tickets: BTreeSet<String>,
    cancelled_listings: BTreeSet<String>,
    visits: BTreeSet<String>,
    /// Listings whose whole waiting room a batch reorders or closes.
    rooms: BTreeSet<String>,
}

fn keys_of(facts: &[(i64, Fact)]) -> Keys {
    let mut keys = Keys::default();
    for (_, fact) in facts {
        match fact {
            Fact::Listing(listing, event) => {
                use ListingEvent as E;
                match event {
                    E::HoldReleased { hold_id, .. } | E::HoldExpired { hold_id, .. } => {
                        keys.holds.insert(hold_id.to_string());
                    }
                    E::HoldConfirmed {
                        hold_id,
                        offer_entry_id,
                        ..
                    } => {
                        keys.holds.insert(hold_id.to_string());
                        if let Some(entry) = offer_entry_id {
                            keys.entries.insert(entry.to_string());
                        }
                    }
                    E::WaitlistLeft { entry_id, .. } | E::WaitlistOfferMade { entry_id, .. } => {
                        keys.entries.insert(entry_id.to_string());
                    }
                    E::WaitlistOfferDeclined {
                        hold_id, entry_id, ..
                    }
                    | E::WaitlistOfferExpired {
                        hold_id, entry_id, ..
                    }
                    | E::WaitlistOfferWithdrawn {
                        hold_id, entry_id, ..
                    } => {
                        keys.holds.insert(hold_id.to_string());
                        keys.entries.insert(entry_id.to_string());
                    }
                    E::ListingCancelled { .. } => {
                        keys.cancelled_listings.insert(listing.to_string());
                        keys.rooms.insert(listing.to_string());
                    }
                    E::WaitingRoomOpened { .. } | E::WaitingRoomSet { settings: None, .. } => {
                        keys.rooms.insert(listing.to_string());
                    }
                    E::AdmissionGranted { buyer, .. } | E::AdmissionExpired { buyer, .. } => {
                        keys.visits
                            .insert(fold::visit_id(&listing.to_string(), &buyer.to_string()));
                    }
                    _ => {}
                }
            }
            Fact::Booking(booking, event) => match event {
                BookingEvent::TicketCheckedIn { ticket_id, .. }
                | BookingEvent::TicketCheckInUndone { ticket_id, .. } => {
                    keys.tickets.insert(ticket_id.to_string());
                }
                BookingEvent::BookingConfirmed { .. } => {}
                _ => {
                    keys.bookings.insert(booking.to_string());
                }
            },
            _ => {}
        }
    }
    keys
}

fn vec(set: &BTreeSet<String>) -> Vec<String> {
    set.iter().cloned().collect()
}

/// Loads the rows `facts` change into `rows`, but for those it holds.
pub(crate) async fn load(
    db: &mut Db<'_>,
    tables: &Tables,
    rows: &mut BookingsRows,
    facts: &[(i64, Fact)],
) -> Result<(), sqlx::Error> {
    let keys = keys_of(facts);
    rows.holds
        .load(db, tables, "hold_id", &vec(&keys.holds))
        .await?;
    rows.bookings
        .load(db, tables, "booking_id", &vec(&keys.bookings))
        .await?;
    rows.tickets
        .load(db, tables, "ticket_id", &vec(&keys.tickets))
        .await?;
    rows.entries
        .load(db, tables, "entry_id", &vec(&keys.entries))
        .await?;
    // A cancelled listing's waiting entries are all closed at once.
    rows.entries
        .load(db, tables, "listing_id", &vec(&keys.cancelled_listings))
        .await?;
    rows.visits
        .load(db, tables, "visit_id", &vec(&keys.visits))
        .await?;
    // The whole line of a room that opens (to order it) or closes.
    rows.visits
        .load(db, tables, "listing_id", &vec(&keys.rooms))
        .await?;
    Ok(())
}

impl BookingsRows {
    /// Writes the changed rows.
    pub(crate) async fn flush(
        &mut self,
        db: &mut Db<'_>,
        tables: &Tables,
    ) -> Result<(), sqlx::Error> {
        self.holds.flush(db, tables).await?;
        self.bookings.flush(db, tables).await?;
        self.tickets.flush(db, tables).await?;
        self.entries.flush(db, tables).await?;
        self.people.flush(db, tables).await?;
        self.visits.flush(db, tables).await
    }
}

/// Applies a batch; returns the listings whose waiting-room visits it changed.
pub(crate) async fn apply(
    db: &mut Db<'_>,
    tables: &Tables,
    facts: &[(i64, Fact)],
) -> Result<Vec<String>, sqlx::Error> {
    let mut rows = BookingsRows::default();
    load(db, tables, &mut rows, facts).await?;
    fold(&mut rows, facts);
    let rooms: BTreeSet<String> = rows
        .visits
        .changed()
        .map(|visit| visit.listing_id.clone())
        .collect();
    rows.flush(db, tables).await?;
    Ok(rooms.into_iter().collect())
}
