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
use crate::record::{load_where, Record, Tables};

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

/// The rows `keys` names, as stored.
async fn load(db: &mut Db<'_>, tables: &Tables, keys: &Keys) -> Result<BookingsRows, sqlx::Error> {
    let mut rows = BookingsRows::default();
    rows.holds
        .extend(load_where(db, tables, "hold_id", &vec(&keys.holds)).await?);
    rows.bookings
        .extend(load_where(db, tables, "booking_id", &vec(&keys.bookings)).await?);
    rows.tickets
        .extend(load_where(db, tables, "ticket_id", &vec(&keys.tickets)).await?);
    rows.entries
        .extend(load_where(db, tables, "entry_id", &vec(&keys.entries)).await?);
    // A cancelled listing's waiting entries are all closed at once.
    rows.entries
        .extend(load_where(db, tables, "listing_id", &vec(&keys.cancelled_listings)).await?);
    rows.visits
        .extend(load_where(db, tables, "visit_id", &vec(&keys.visits)).await?);
    // The whole line of a room that opens (to order it) or closes.
    rows.visits
        .extend(load_where(db, tables, "listing_id", &vec(&keys.rooms)).await?);
    Ok(rows)
}

/// Applies a batch; returns the listings whose waiting-room visits it changed.
pub(crate) async fn apply(
    db: &mut Db<'_>,
    tables: &Tables,
    facts: &[(i64, Fact)],
) -> Result<Vec<String>, sqlx::Error> {
    let mut rows = load(db, tables, &keys_of(facts)).await?;
    fold(&mut rows, facts);
    let rooms: BTreeSet<String> = rows
        .visits
        .changed()
        .map(|visit| visit.listing_id.clone())
        .collect();
    rows.holds.flush(db, tables).await?;
    rows.bookings.flush(db, tables).await?;
    rows.tickets.flush(db, tables).await?;
    rows.entries.flush(db, tables).await?;
    rows.people.flush(db, tables).await?;
    rows.visits.flush(db, tables).await?;
    Ok(rooms.into_iter().collect())
}
