//! The bookings projection's fold: a batch of events applied to loaded rows, in memory,
//! with no database.

use domain::account::AccountEvent;
use domain::booking::BookingEvent;
use domain::listing::{HoldReleaseReason, ListingEvent};
use domain::UserId;

use super::rows::{BookingRow, EntryRow, HoldRow, PersonRow, TicketRow, VisitRow};
use crate::decode::Fact;
use crate::record::{evict_largest, ms, Held, Rows};

/// The rows a bookings batch works on: those its events name as loaded, and every row it
/// adds or changes (marked for writing).
#[derive(Default)]
pub(crate) struct BookingsRows {
    /// Holds and offers by hold id.
    pub(crate) holds: Rows<HoldRow>,
    /// Bookings by id.
    pub(crate) bookings: Rows<BookingRow>,
    /// Tickets by id.
    pub(crate) tickets: Rows<TicketRow>,
    /// Waitlist entries by id.
    pub(crate) entries: Rows<EntryRow>,
    /// People by user id.
    pub(crate) people: Rows<PersonRow>,
    /// Waiting-room visits by `listing/buyer`.
    pub(crate) visits: Rows<VisitRow>,
}

impl BookingsRows {
    /// Rows for a replay's empty copies (see [`Rows::fresh`]).
    pub(crate) fn fresh() -> Self {
        Self {
            holds: Rows::fresh(),
            bookings: Rows::fresh(),
            tickets: Rows::fresh(),
            entries: Rows::fresh(),
            people: Rows::fresh(),
            visits: Rows::fresh(),
        }
    }

    /// Rows held.
    pub(crate) fn len(&self) -> usize {
        self.holds.len()
            + self.bookings.len()
            + self.tickets.len()
            + self.entries.len()
            + self.people.len()
            + self.visits.len()
    }

    /// Each table's rows.
    pub(crate) fn parts(&mut self) -> Vec<&mut dyn Held> {
        vec![
            &mut self.holds,
            &mut self.bookings,
            &mut self.tickets,
            &mut self.entries,
            &mut self.people,
            &mut self.visits,
        ]
    }

    /// Forgets the largest tables' rows (flushed before) until at most `keep` are held.
    pub(crate) fn evict(&mut self, keep: usize) {
        evict_largest(self.parts(), keep);
    }
}

/// Applies `facts`, in order, to `rows`.
pub(crate) fn fold(rows: &mut BookingsRows, facts: &[(i64, Fact)]) {
    for (position, fact) in facts {
        match fact {
            Fact::Listing(listing, event) => {
                let listing = listing.to_string();
                listing_event(
                    &listing,
                    *position,
                    event,
                    &mut rows.holds,
                    &mut rows.entries,
                );
                room_event(&listing, *position, event, &mut rows.visits);
            }
            Fact::Booking(booking, event) => booking_event(
                &booking.to_string(),
                event,
                &mut rows.bookings,
                &mut rows.tickets,
            ),
            Fact::Account(
                user,
                AccountEvent::AccountRegistered {
                    email,
                    display_name,
                    ..
                },
            ) => rows.people.put(PersonRow {
                user_id: user.to_string(),
                display_name: display_name.as_str().to_owned(),
                email: email.as_str().to_owned(),
            }),
            _ => {}
        }
    }
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
        | E::SeatsReturned { .. }
        | E::BuyerLimitsSet { .. }
        | E::WaitingRoomSet { .. }
        | E::WaitingRoomJoined { .. }
        | E::WaitingRoomOpened { .. }
        | E::AdmissionGranted { .. }
        | E::AdmissionExpired { .. } => {}
    }
}

/// The key of `buyer`'s visit to `listing`'s waiting room.
pub(crate) fn visit_id(listing: &str, buyer: &str) -> String {
    format!("{listing}/{buyer}")
}

/// A rank from the domain (`u64`) as a signed integer in the same order.
fn ordered(rank: u64) -> i64 {
    (rank ^ (1 << 63)) as i64
}

/// The waiting room's events on its visits (see the `rm_room_visits` migration for how
/// the line is ordered).
fn room_event(listing: &str, position: i64, event: &ListingEvent, visits: &mut Rows<VisitRow>) {
    use ListingEvent as E;
    let at = ms(event.at());
    let end_all = |visits: &mut Rows<VisitRow>, at: i64| {
        let open = visits.keys_where(|v| {
            v.listing_id == listing && matches!(v.status.as_str(), "waiting" | "admitted")
        });
        for key in open {
            if let Some(visit) = visits.get_mut(&key) {
                visit.status = "closed".into();
                visit.ended_at = Some(at);
            }
        }
    };
    match event {
        E::WaitingRoomJoined { buyer, .. } => visits.put(VisitRow {
            visit_id: visit_id(listing, &buyer.to_string()),
            listing_id: listing.to_owned(),
            buyer: buyer.to_string(),
            line_phase: 1,
            line_key: position,
            status: "waiting".into(),
            joined_at: at,
            admitted_at: None,
            expires_at: None,
            used: 0,
            ended_at: None,
        }),
        E::WaitingRoomOpened { seed, .. } => {
            let waiting = visits.keys_where(|v| v.listing_id == listing && v.status == "waiting");
            for key in waiting {
                if let Some(visit) = visits.get_mut(&key) {
                    // Stored from a UserId, so it always parses.
                    if let Ok(buyer) = visit.buyer.parse::<UserId>() {
                        visit.line_phase = 0;
                        visit.line_key = ordered(domain::listing::rank(*seed, buyer));
                    }
                }
            }
        }
        E::AdmissionGranted {
            buyer, expires_at, ..
        } => {
            if let Some(visit) = visits.get_mut(&visit_id(listing, &buyer.to_string())) {
                visit.status = "admitted".into();
                visit.admitted_at = Some(at);
                visit.expires_at = Some(ms(*expires_at));
            }
        }
        E::AdmissionExpired { buyer, used, .. } => {
            if let Some(visit) = visits.get_mut(&visit_id(listing, &buyer.to_string())) {
                if visit.status == "admitted" {
                    visit.status = "expired".into();
                    visit.used = i64::from(*used);
                    visit.ended_at = Some(at);
                }
            }
        }
        // Turning the room off forgets its line (the domain starts a new one).
        E::WaitingRoomSet { settings: None, .. } | E::ListingCancelled { .. } => {
            end_all(visits, at)
        }
        _ => {}
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::fixtures::{buyer, Sale, PRICE};

    fn folded(facts: &[(i64, Fact)]) -> BookingsRows {
        let mut rows = BookingsRows::default();
        fold(&mut rows, facts);
        rows
    }

    #[test]
    fn waiting_entries_keep_their_order_and_released_seats_go_to_the_first() {
        let mut sale = Sale::new(&[1], None);
        let alice = buyer();
        let hold = sale.hold(alice, 0, 1);
        let first = sale.join(buyer(), 0, 1).to_string();
        let second = sale.join(buyer(), 0, 1).to_string();
        sale.release(alice, hold);
        let rows = folded(&sale.take());

        let first = rows.entries.get(&first).expect("the first entry");
        let second = rows.entries.get(&second).expect("the second entry");
        assert!(first.seq < second.seq);
        assert_eq!(
            (first.status.as_str(), second.status.as_str()),
            ("offered", "waiting")
        );
        let offer = first.offer_hold_id.clone().expect("an offer hold");
        let offer = rows.holds.get(&offer).expect("the offer's hold");
        assert_eq!(offer.status, "active");
        assert_eq!(offer.entry_id.as_deref(), Some(first.entry_id.as_str()));
        assert_eq!(
            rows.holds.get(&hold.to_string()).unwrap().status,
            "released"
        );
    }

    #[test]
    fn a_confirmed_hold_becomes_a_booking_with_one_ticket_per_seat() {
        let mut sale = Sale::new(&[4], None);
        let alice = buyer();
        let hold = sale.hold(alice, 0, 2);
        let booking = sale.confirm(alice, hold).to_string();
        let rows = folded(&sale.take());

        let held = rows.holds.get(&hold.to_string()).unwrap();
        assert_eq!(held.status, "confirmed");
        assert_eq!(held.booking_id.as_deref(), Some(booking.as_str()));
        let row = rows.bookings.get(&booking).expect("the booking");
        assert_eq!(
            (row.status.as_str(), row.seats, row.total),
            ("confirmed", 2, 2 * PRICE)
        );
        let tickets = rows.tickets.keys_where(|t| t.booking_id == booking);
        let ordinals: Vec<i64> = tickets
            .iter()
            .map(|k| rows.tickets.get(k).unwrap().ordinal)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(ordinals, vec![1, 2]);
    }

    #[test]
    fn a_cancelled_booking_shows_its_refund() {
        let mut sale = Sale::new(&[4], None);
        let alice = buyer();
        let hold = sale.hold(alice, 0, 2);
        let booking = sale.confirm(alice, hold);
        sale.cancel(booking);
        let rows = folded(&sale.take());
        let row = rows.bookings.get(&booking.to_string()).unwrap();
        assert_eq!(row.status, "cancelled");
        assert_eq!(row.refund_amount, Some(2 * PRICE));
        assert!(row.cancelled_at.is_some());
    }
}
