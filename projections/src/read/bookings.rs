//! `bookings`: what each buyer holds, has booked (with tickets and codes) and waits for,
//! plus the names organizers see on their attendee lists.

use std::collections::BTreeSet;

use domain::account::AccountEvent;
use domain::booking::BookingEvent;
use domain::listing::{HoldReleaseReason, ListingEvent};
use eventlog::sql::Db;

use crate::decode::Fact;
use crate::record::{load_where, ms, record, Record, Rows, Tables};

record! {
    /// A hold or waitlist offer (`rm_holds`).
    HoldRow in "rm_holds", key(hold_id): String, {
        hold_id: String,
        listing_id: String,
        ticket_type_id: String,
        buyer: String,
        seats: i64,
        entry_id: Option<String>,
        status: String,
        booking_id: Option<String>,
        expires_at: i64,
        created_at: i64,
        ended_at: Option<i64>,
    }
}

record! {
    /// A booking (`rm_bookings`).
    BookingRow in "rm_bookings", key(booking_id): String, {
        booking_id: String,
        listing_id: String,
        organizer_id: String,
        buyer: String,
        hold_id: String,
        ticket_type_id: String,
        ticket_type_name: String,
        seats: i64,
        unit_price: i64,
        total: i64,
        currency: String,
        payment_reference: Option<String>,
        status: String,
        cancel_reason: Option<String>,
        refund_amount: Option<i64>,
        confirmed_at: i64,
        cancelled_at: Option<i64>,
    }
}

record! {
    /// A ticket (`rm_tickets`).
    TicketRow in "rm_tickets", key(ticket_id): String, {
        ticket_id: String,
        booking_id: String,
        listing_id: String,
        ordinal: i64,
        code: String,
        checked_in_at: Option<i64>,
        checked_in_by: Option<String>,
    }
}

record! {
    /// A waitlist entry (`rm_waitlist`); `seq` is the log position of the join.
    EntryRow in "rm_waitlist", key(entry_id): String, {
        entry_id: String,
        listing_id: String,
        ticket_type_id: String,
        buyer: String,
        party_size: i64,
        seq: i64,
        status: String,
        offer_hold_id: Option<String>,
        offer_expires_at: Option<i64>,
        joined_at: i64,
        updated_at: i64,
    }
}

record! {
    /// A person's name and e-mail (`rm_people`), for attendee lists.
    PersonRow in "rm_people", key(user_id): String, {
        user_id: String,
        display_name: String,
        email: String,
    }
}

/// The bookings projection's tables.
pub(crate) const TABLES: &[&str] = &[
    HoldRow::TABLE,
    BookingRow::TABLE,
    TicketRow::TABLE,
    EntryRow::TABLE,
    PersonRow::TABLE,
];

#[derive(Default)]
struct Keys {
    holds: BTreeSet<String>,
    entries: BTreeSet<String>,
    bookings: BTreeSet<String>,
    tickets: BTreeSet<String>,
    cancelled_listings: BTreeSet<String>,
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

/// Applies a batch.
pub(crate) async fn apply(
    db: &mut Db<'_>,
    tables: &Tables,
    facts: &[(i64, Fact)],
) -> Result<(), sqlx::Error> {
    let keys = keys_of(facts);
    let mut holds: Rows<HoldRow> = Rows::default();
    let mut bookings: Rows<BookingRow> = Rows::default();
    let mut tickets: Rows<TicketRow> = Rows::default();
    let mut entries: Rows<EntryRow> = Rows::default();
    let mut people: Rows<PersonRow> = Rows::default();
    holds.extend(load_where(db, tables, "hold_id", &vec(&keys.holds)).await?);
    bookings.extend(load_where(db, tables, "booking_id", &vec(&keys.bookings)).await?);
    tickets.extend(load_where(db, tables, "ticket_id", &vec(&keys.tickets)).await?);
    entries.extend(load_where(db, tables, "entry_id", &vec(&keys.entries)).await?);
    // A cancelled listing's waiting entries are all closed at once.
    entries.extend(load_where(db, tables, "listing_id", &vec(&keys.cancelled_listings)).await?);

    for (position, fact) in facts {
        match fact {
            Fact::Listing(listing, event) => listing_event(
                &listing.to_string(),
                *position,
                event,
                &mut holds,
                &mut entries,
            ),
            Fact::Booking(booking, event) => {
                booking_event(&booking.to_string(), event, &mut bookings, &mut tickets)
            }
            Fact::Account(
                user,
                AccountEvent::AccountRegistered {
                    email,
                    display_name,
                    ..
                },
            ) => people.put(PersonRow {
                user_id: user.to_string(),
                display_name: display_name.as_str().to_owned(),
                email: email.as_str().to_owned(),
            }),
            _ => {}
        }
    }
    holds.flush(db, tables).await?;
    bookings.flush(db, tables).await?;
    tickets.flush(db, tables).await?;
    entries.flush(db, tables).await?;
    people.flush(db, tables).await?;
    Ok(())
}

fn end_hold(holds: &mut Rows<HoldRow>, hold_id: &str, status: &str, at: i64) {
    if let Some(hold) = holds.get_mut(&hold_id.to_owned()) {
        hold.status = status.to_owned();
        hold.ended_at = Some(at);
    }
}

fn set_entry(entries: &mut Rows<EntryRow>, entry_id: &str, status: &str, at: i64) {
    if let Some(entry) = entries.get_mut(&entry_id.to_owned()) {
        entry.status = status.to_owned();
        entry.updated_at = at;
    }
}

fn listing_event(
    listing: &str,
    position: i64,
    event: &ListingEvent,
    holds: &mut Rows<HoldRow>,
    entries: &mut Rows<EntryRow>,
) {
    use ListingEvent as E;
    let at = ms(event.at());
    match event {
        E::SeatsHeld {
            hold_id,
            ticket_type_id,
            buyer,
            seats,
            expires_at,
            ..
        } => holds.put(HoldRow {
            hold_id: hold_id.to_string(),
            listing_id: listing.to_owned(),
            ticket_type_id: ticket_type_id.to_string(),
            buyer: buyer.to_string(),
            seats: i64::from(seats.get()),
            entry_id: None,
            status: "active".into(),
            booking_id: None,
            expires_at: ms(*expires_at),
            created_at: at,
            ended_at: None,
        }),
        E::HoldReleased {
            hold_id, reason, ..
        } => {
            let status = match reason {
                HoldReleaseReason::ReleasedByBuyer => "released",
                HoldReleaseReason::ListingCancelled => "withdrawn",
            };
            end_hold(holds, &hold_id.to_string(), status, at);
        }
        E::HoldExpired { hold_id, .. } => end_hold(holds, &hold_id.to_string(), "expired", at),
        E::HoldConfirmed {
            hold_id,
            booking_id,
            offer_entry_id,
            ..
        } => {
            end_hold(holds, &hold_id.to_string(), "confirmed", at);
            if let Some(hold) = holds.get_mut(&hold_id.to_string()) {
                hold.booking_id = Some(booking_id.to_string());
            }
            if let Some(entry) = offer_entry_id {
                set_entry(entries, &entry.to_string(), "accepted", at);
            }
        }
        E::WaitlistJoined {
            entry_id,
            ticket_type_id,
            buyer,
            party_size,
            ..
        } => entries.put(EntryRow {
            entry_id: entry_id.to_string(),
            listing_id: listing.to_owned(),
            ticket_type_id: ticket_type_id.to_string(),
            buyer: buyer.to_string(),
            party_size: i64::from(party_size.get()),
            seq: position,
            status: "waiting".into(),
            offer_hold_id: None,
            offer_expires_at: None,
            joined_at: at,
            updated_at: at,
        }),
        E::WaitlistLeft { entry_id, .. } => set_entry(entries, &entry_id.to_string(), "left", at),
        E::WaitlistOfferMade {
            hold_id,
            entry_id,
            ticket_type_id,
            buyer,
            seats,
            expires_at,
            ..
        } => {
            set_entry(entries, &entry_id.to_string(), "offered", at);
            if let Some(entry) = entries.get_mut(&entry_id.to_string()) {
                entry.offer_hold_id = Some(hold_id.to_string());
                entry.offer_expires_at = Some(ms(*expires_at));
            }
            holds.put(HoldRow {
                hold_id: hold_id.to_string(),
                listing_id: listing.to_owned(),
                ticket_type_id: ticket_type_id.to_string(),
                buyer: buyer.to_string(),
                seats: i64::from(seats.get()),
                entry_id: Some(entry_id.to_string()),
                status: "active".into(),
                booking_id: None,
                expires_at: ms(*expires_at),
                created_at: at,
                ended_at: None,
            });
        }
        E::WaitlistOfferDeclined {
            hold_id, entry_id, ..
        } => {
            end_hold(holds, &hold_id.to_string(), "declined", at);
            set_entry(entries, &entry_id.to_string(), "declined", at);
        }
        E::WaitlistOfferExpired {
            hold_id, entry_id, ..
        } => {
            end_hold(holds, &hold_id.to_string(), "expired", at);
            set_entry(entries, &entry_id.to_string(), "expired", at);
        }
        E::WaitlistOfferWithdrawn {
            hold_id, entry_id, ..
        } => {
            end_hold(holds, &hold_id.to_string(), "withdrawn", at);
            set_entry(entries, &entry_id.to_string(), "withdrawn", at);
        }
        E::ListingCancelled { .. } => {
            // The domain clears the waitlist when a listing is cancelled.
            let waiting: Vec<String> =
                entries.keys_where(|e| e.listing_id == listing && e.status == "waiting");
            for entry in waiting {
                set_entry(entries, &entry, "cancelled", at);
            }
        }
        E::ListingDrafted { .. }
        | E::TicketTypeAdded { .. }
        | E::ListingDetailsUpdated { .. }
        | E::TicketTypeCapacityChanged { .. }
        | E::TotalCapacityChanged { .. }
        | E::ListingPublished { .. }
        | E::SalesClosed { .. }
        | E::SeatsReturned { .. } => {}
    }
}

fn booking_event(
    booking: &str,
    event: &BookingEvent,
    bookings: &mut Rows<BookingRow>,
    tickets: &mut Rows<TicketRow>,
) {
    let at = ms(event.at());
    match event {
        BookingEvent::BookingConfirmed {
            listing_id,
            organizer_id,
            buyer,
            hold_id,
            ticket_type_id,
            ticket_type_name,
            seats,
            unit_price,
            total,
            payment_reference,
            ..
        } => bookings.put(BookingRow {
            booking_id: booking.to_owned(),
            listing_id: listing_id.to_string(),
            organizer_id: organizer_id.to_string(),
            buyer: buyer.to_string(),
            hold_id: hold_id.to_string(),
            ticket_type_id: ticket_type_id.to_string(),
            ticket_type_name: ticket_type_name.as_str().to_owned(),
            seats: i64::from(seats.get()),
            unit_price: unit_price.amount_minor(),
            total: total.amount_minor(),
            currency: total.currency().as_str().to_owned(),
            payment_reference: payment_reference.as_ref().map(|p| p.as_str().to_owned()),
            status: "confirmed".into(),
            cancel_reason: None,
            refund_amount: None,
            confirmed_at: at,
            cancelled_at: None,
        }),
        BookingEvent::TicketsIssued {
            tickets: issued, ..
        } => {
            let Some(listing_id) = bookings
                .get(&booking.to_owned())
                .map(|b| b.listing_id.clone())
            else {
                return;
            };
            for (i, ticket) in issued.iter().enumerate() {
                tickets.put(TicketRow {
                    ticket_id: ticket.ticket_id.to_string(),
                    booking_id: booking.to_owned(),
                    listing_id: listing_id.clone(),
                    ordinal: i as i64 + 1,
                    code: ticket.code.as_str().to_owned(),
                    checked_in_at: None,
                    checked_in_by: None,
                });
            }
        }
        BookingEvent::BookingCancelled { reason, .. } => {
            if let Some(row) = bookings.get_mut(&booking.to_owned()) {
                row.status = "cancelled".into();
                row.cancel_reason = Some(
                    serde_json::to_value(reason)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                );
                row.cancelled_at = Some(at);
            }
        }
        BookingEvent::RefundRecorded { amount, .. } => {
            if let Some(row) = bookings.get_mut(&booking.to_owned()) {
                row.refund_amount = Some(row.refund_amount.unwrap_or(0) + amount.amount_minor());
            }
        }
        BookingEvent::TicketCheckedIn { ticket_id, by, .. } => {
            if let Some(row) = tickets.get_mut(&ticket_id.to_string()) {
                row.checked_in_at = Some(at);
                row.checked_in_by = Some(by.to_string());
            }
        }
        BookingEvent::TicketCheckInUndone { ticket_id, .. } => {
            if let Some(row) = tickets.get_mut(&ticket_id.to_string()) {
                row.checked_in_at = None;
                row.checked_in_by = None;
            }
        }
    }
}
