//! A listing's sale written as the domain decides it, as the facts a projection batch
//! gets: the givens of the folds' unit tests.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use domain::booking::{BookingState, NewTicket};
use domain::flows::{cancel_booking, confirm_hold, CancelBooking, ConfirmHold};
use domain::listing::{
    decide, CreateListing, HoldSeats, JoinWaitlist, ListingCommand, ListingEvent, ListingState,
    NewTicketType, PublishListing, ReleaseHold,
};
use domain::{
    Actor, BookingId, Currency, HoldDuration, HoldId, ListingId, Money, PaymentReference, Role,
    SeatCount, ShortText, TicketCode, TicketId, TicketTypeId, UserId, WaitlistEntryId,
};
use uuid::Uuid;

use crate::decode::Fact;

/// The price of every ticket type of a [`Sale`], in minor units.
pub(crate) const PRICE: i64 = 2500;

/// One listing on sale, and the facts its commands wrote since the last [`Sale::take`].
pub(crate) struct Sale {
    pub(crate) id: ListingId,
    pub(crate) types: Vec<TicketTypeId>,
    pub(crate) organizer: Actor,
    state: ListingState,
    bookings: HashMap<BookingId, BookingState>,
    now: DateTime<Utc>,
    position: i64,
    facts: Vec<(i64, Fact)>,
}

/// A new customer.
pub(crate) fn buyer() -> Actor {
    Actor::new(UserId::from(Uuid::now_v7()), Role::Customer)
}

fn minutes(n: i64) -> HoldDuration {
    HoldDuration::from_minutes(n).expect("a valid duration")
}

fn seats(n: u32) -> SeatCount {
    SeatCount::new(n).expect("a valid seat count")
}

impl Sale {
    /// A published listing with one ticket type per capacity, capped at `total`.
    pub(crate) fn new(capacities: &[u32], total: Option<u32>) -> Self {
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let organizer = Actor::new(UserId::from(Uuid::now_v7()), Role::Organizer);
        let types: Vec<TicketTypeId> = capacities
            .iter()
            .map(|_| TicketTypeId::from(Uuid::now_v7()))
            .collect();
        let eur = Currency::parse("EUR").expect("a currency");
        let create = CreateListing {
            actor: organizer,
            listing_id: ListingId::from(Uuid::now_v7()),
            details: crate::testing::details(0, now),
            ticket_types: types
                .iter()
                .zip(capacities)
                .enumerate()
                .map(|(i, (id, capacity))| NewTicketType {
                    id: *id,
                    name: ShortText::parse(&format!("Type {i}")).expect("a name"),
                    price: Money::new(PRICE, eur).expect("a price"),
                    capacity: *capacity,
                })
                .collect(),
            total_capacity: total,
            buyer_limits: None,
            now,
        };
        let mut sale = Self {
            id: create.listing_id,
            types,
            organizer,
            state: ListingState::default(),
            bookings: HashMap::new(),
            now,
            position: 0,
            facts: Vec::new(),
        };
        sale.listing(create.into());
        sale.listing(
            PublishListing {
                actor: organizer,
                now,
            }
            .into(),
        );
        sale
    }

    /// Seats of ticket type `ty` that can be held now.
    pub(crate) fn free_seats(&self, ty: usize) -> u32 {
        self.state.free_seats(self.types[ty])
    }

    /// The facts written since the last call.
    pub(crate) fn take(&mut self) -> Vec<(i64, Fact)> {
        std::mem::take(&mut self.facts)
    }

    fn push_listing(&mut self, events: Vec<ListingEvent>) {
        for event in events {
            self.state.apply(&event);
            self.position += 1;
            self.facts
                .push((self.position, Fact::Listing(self.id, event)));
        }
    }

    /// Decides `command` (which must be accepted) and records its events.
    fn listing(&mut self, command: ListingCommand) {
        let events = decide(&self.state, command).expect("the command is accepted");
        self.push_listing(events);
    }

    /// `buyer` holds `n` seats of ticket type `ty`.
    pub(crate) fn hold(&mut self, buyer: Actor, ty: usize, n: u32) -> HoldId {
        self.now += TimeDelta::seconds(1);
        let hold_id = HoldId::from(Uuid::now_v7());
        self.listing(
            HoldSeats {
                actor: buyer,
                hold_id,
                ticket_type_id: self.types[ty],
                seats: seats(n),
                hold_for: minutes(10),
                admission: None,
                now: self.now,
            }
            .into(),
        );
        hold_id
    }

    /// `buyer` releases their hold (its seats may go to the waitlist).
    pub(crate) fn release(&mut self, buyer: Actor, hold_id: HoldId) {
        self.now += TimeDelta::seconds(1);
        self.listing(
            ReleaseHold {
                actor: buyer,
                hold_id,
                offer_for: minutes(10),
                now: self.now,
            }
            .into(),
        );
    }

    /// `buyer` joins the waitlist of ticket type `ty` for `n` seats.
    pub(crate) fn join(&mut self, buyer: Actor, ty: usize, n: u32) -> WaitlistEntryId {
        self.now += TimeDelta::seconds(1);
        let entry_id = WaitlistEntryId::from(Uuid::now_v7());
        self.listing(
            JoinWaitlist {
                actor: buyer,
                entry_id,
                ticket_type_id: self.types[ty],
                party_size: seats(n),
                now: self.now,
            }
            .into(),
        );
        entry_id
    }

    /// `buyer` confirms their hold (or offer) into a paid booking with its tickets.
    pub(crate) fn confirm(&mut self, buyer: Actor, hold_id: HoldId) -> BookingId {
        self.now += TimeDelta::seconds(1);
        let held = self
            .state
            .listing()
            .and_then(|l| l.hold(hold_id))
            .map_or(0, |h| h.seats.get());
        let booking_id = BookingId::from(Uuid::now_v7());
        let tickets = (0..held)
            .map(|i| NewTicket {
                ticket_id: TicketId::from(Uuid::now_v7()),
                code: TicketCode::parse(&format!("TKT{:0>8}{i:0>8}", self.position))
                    .expect("a code"),
            })
            .collect();
        let confirm = ConfirmHold {
            actor: buyer,
            hold_id,
            booking_id,
            payment_reference: Some(PaymentReference::parse("pi_test").expect("a reference")),
            tickets,
            now: self.now,
        };
        let decision = confirm_hold(&self.state, &BookingState::default(), confirm)
            .expect("the confirmation is accepted");
        self.record_booking(booking_id, decision.booking);
        self.push_listing(decision.listing);
        booking_id
    }

    /// The organizer cancels `booking_id` (refunding it).
    pub(crate) fn cancel(&mut self, booking_id: BookingId) {
        self.now += TimeDelta::seconds(1);
        let booking = self.bookings.get(&booking_id).cloned().unwrap_or_default();
        let cancel = CancelBooking {
            actor: self.organizer,
            offer_for: minutes(10),
            now: self.now,
        };
        let decision =
            cancel_booking(&self.state, &booking, cancel).expect("the cancellation is accepted");
        self.record_booking(booking_id, decision.booking);
        self.push_listing(decision.listing);
    }

    fn record_booking(
        &mut self,
        booking_id: BookingId,
        events: Vec<domain::booking::BookingEvent>,
    ) {
        let state = self.bookings.entry(booking_id).or_default();
        for event in events {
            state.apply(&event);
            self.position += 1;
            self.facts
                .push((self.position, Fact::Booking(booking_id, event)));
        }
    }
}
