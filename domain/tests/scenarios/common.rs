//! Fixtures and the given/when/then helpers shared by the scenarios.

#![allow(dead_code)]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use domain::booking::{BookingEvent, BookingState, NewTicket};
use domain::flows::{self, CancelBooking, ConfirmHold, Decision};
use domain::listing::{
    self, HoldSeats, ListingCommand, ListingDetails, ListingError, ListingEvent, ListingState,
    NewTicketType, SalesWindow, Venue,
};
use domain::{
    Actor, BookingId, CountryCode, Currency, DomainError, HoldDuration, HoldId, ListingId,
    LongText, Money, PaymentReference, Role, SeatCount, ShortText, TicketCode, TicketId,
    TicketTypeId, TimeZoneName, UserId, WaitlistEntryId,
};
use uuid::Uuid;

/// The scenarios' "now": minute 0.
pub fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 10, 0, 0).unwrap() + TimeDelta::minutes(minutes)
}

pub const DAY: i64 = 24 * 60;
pub const HOLD_MINUTES: i64 = 10;
pub const OFFER_MINUTES: i64 = 30;

pub fn hold_for() -> HoldDuration {
    HoldDuration::from_minutes(HOLD_MINUTES).unwrap()
}

pub fn offer_for() -> HoldDuration {
    HoldDuration::from_minutes(OFFER_MINUTES).unwrap()
}

fn uuid(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

pub const LISTING_N: u128 = 0x1000;
pub fn listing_id() -> ListingId {
    ListingId::from_uuid(uuid(LISTING_N))
}
pub fn booking_id(n: u128) -> BookingId {
    BookingId::from_uuid(uuid(0x2000 + n))
}
pub fn hold_id(n: u128) -> HoldId {
    HoldId::from_uuid(uuid(0x3000 + n))
}
pub fn entry_id(n: u128) -> WaitlistEntryId {
    WaitlistEntryId::from_uuid(uuid(0x4000 + n))
}
pub fn offer_hold(n: u128) -> HoldId {
    HoldId::for_offer(entry_id(n))
}
pub fn ticket_id(n: u128) -> TicketId {
    TicketId::from_uuid(uuid(0x5000 + n))
}
pub fn balcony() -> TicketTypeId {
    TicketTypeId::from_uuid(uuid(0x6001))
}
pub fn stalls() -> TicketTypeId {
    TicketTypeId::from_uuid(uuid(0x6002))
}
pub fn user(n: u128) -> UserId {
    UserId::from_uuid(uuid(0x7000 + n))
}

pub fn organizer() -> Actor {
    Actor::new(user(1), Role::Organizer)
}
pub fn other_organizer() -> Actor {
    Actor::new(user(2), Role::Organizer)
}
pub fn admin() -> Actor {
    Actor::new(user(3), Role::Admin)
}
pub fn staff() -> Actor {
    Actor::new(
        user(4),
        Role::Staff {
            organizer_id: user(1),
        },
    )
}
pub fn other_staff() -> Actor {
    Actor::new(
        user(5),
        Role::Staff {
            organizer_id: user(2),
        },
    )
}
/// Customers are users 101, 102, ...
pub fn buyer(n: u128) -> Actor {
    Actor::new(user(100 + n), Role::Customer)
}

pub fn text(s: &str) -> ShortText {
    ShortText::parse(s).unwrap()
}
pub fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::parse("EUR").unwrap()).unwrap()
}
pub fn seats(n: u32) -> SeatCount {
    SeatCount::new(n).unwrap()
}
pub fn payment() -> Option<PaymentReference> {
    Some(PaymentReference::parse("pi_123").unwrap())
}

/// Starts in 30 days, lasts 3 hours; sales opened yesterday and close at the start.
pub fn details() -> ListingDetails {
    let starts_at = t(30 * DAY);
    ListingDetails {
        title: text("Night at the Opera"),
        description: LongText::parse("Queen tribute.\nTwo sets.").unwrap(),
        venue: Venue {
            name: text("Olympia"),
            address: text("28 Boulevard des Capucines"),
            city: text("Paris"),
            country: CountryCode::parse("FR").unwrap(),
        },
        category: text("concert"),
        starts_at,
        ends_at: starts_at + TimeDelta::hours(3),
        time_zone: TimeZoneName::parse("Europe/Paris").unwrap(),
        sales: SalesWindow {
            opens_at: t(-DAY),
            closes_at: starts_at,
        },
        max_tickets_per_booking: seats(4),
    }
}

/// Balcony: 4 seats at EUR 25.00. Stalls: 10 free seats.
pub fn ticket_types() -> Vec<NewTicketType> {
    vec![
        NewTicketType {
            id: balcony(),
            name: text("Balcony"),
            price: eur(2500),
            capacity: 4,
        },
        NewTicketType {
            id: stalls(),
            name: text("Stalls"),
            price: eur(0),
            capacity: 10,
        },
    ]
}

pub fn drafted() -> Vec<ListingEvent> {
    drafted_with(None)
}

pub fn drafted_with(total_capacity: Option<u32>) -> Vec<ListingEvent> {
    let mut events = vec![ListingEvent::ListingDrafted {
        listing_id: listing_id(),
        organizer_id: organizer().user_id,
        details: Box::new(details()),
        total_capacity,
        at: t(-2 * DAY),
    }];
    events.extend(
        ticket_types()
            .into_iter()
            .map(|tt| ListingEvent::TicketTypeAdded {
                ticket_type_id: tt.id,
                name: tt.name,
                price: tt.price,
                capacity: tt.capacity,
                by: organizer().user_id,
                at: t(-2 * DAY),
            }),
    );
    events
}

pub fn published() -> Vec<ListingEvent> {
    published_with(None)
}

pub fn published_with(total_capacity: Option<u32>) -> Vec<ListingEvent> {
    let mut events = drafted_with(total_capacity);
    events.push(ListingEvent::ListingPublished {
        by: organizer().user_id,
        at: t(-2 * DAY),
    });
    events
}

/// `buyer` held `n` seats of `ticket_type` at minute `at` for [`HOLD_MINUTES`].
pub fn held(hold: u128, who: Actor, ticket_type: TicketTypeId, n: u32, at: i64) -> ListingEvent {
    ListingEvent::SeatsHeld {
        hold_id: hold_id(hold),
        ticket_type_id: ticket_type,
        buyer: who.user_id,
        seats: seats(n),
        expires_at: t(at + HOLD_MINUTES),
        at: t(at),
    }
}

pub fn joined(
    entry: u128,
    who: Actor,
    ticket_type: TicketTypeId,
    party: u32,
    at: i64,
) -> ListingEvent {
    ListingEvent::WaitlistJoined {
        entry_id: entry_id(entry),
        ticket_type_id: ticket_type,
        buyer: who.user_id,
        party_size: seats(party),
        at: t(at),
    }
}

/// An offer to `entry` made at minute `at`, lasting [`OFFER_MINUTES`].
pub fn offered(
    entry: u128,
    who: Actor,
    ticket_type: TicketTypeId,
    n: u32,
    at: i64,
) -> ListingEvent {
    ListingEvent::WaitlistOfferMade {
        hold_id: offer_hold(entry),
        entry_id: entry_id(entry),
        ticket_type_id: ticket_type,
        buyer: who.user_id,
        seats: seats(n),
        expires_at: t(at + OFFER_MINUTES),
        at: t(at),
    }
}

/// Balcony sold out: buyer 1 holds all 4 seats at minute 0.
pub fn balcony_sold_out() -> Vec<ListingEvent> {
    let mut events = published();
    events.push(held(1, buyer(1), balcony(), 4, 0));
    events
}

/// A deterministic valid ticket code, distinct per `n`.
pub fn code(n: u128) -> TicketCode {
    TicketCode::parse(&format!("TKT{n:0>13}")).unwrap()
}

pub fn tickets(from: u128, count: u128) -> Vec<NewTicket> {
    (from..from + count)
        .map(|n| NewTicket {
            ticket_id: ticket_id(n),
            code: code(n),
        })
        .collect()
}

pub fn fold(events: &[ListingEvent]) -> ListingState {
    ListingState::fold(events)
}

/// Given listing events, when a command, then events or a rejection.
pub struct Given(Vec<ListingEvent>);

pub fn given(events: Vec<ListingEvent>) -> Given {
    Given(events)
}

pub fn given_nothing() -> Given {
    Given(Vec::new())
}

impl Given {
    pub fn when(self, command: impl Into<ListingCommand>) -> Then<ListingEvent, ListingError> {
        let state = fold(&self.0);
        let before = state.clone();
        let result = listing::decide(&state, command.into());
        assert_eq!(state, before, "decide must not change the state");
        Then(result)
    }
}

/// The outcome of a decision, to assert on.
pub struct Then<E, Err>(pub Result<Vec<E>, Err>);

impl<E: std::fmt::Debug + PartialEq, Err: std::fmt::Debug + PartialEq + std::fmt::Display>
    Then<E, Err>
{
    #[track_caller]
    pub fn then(self, expected: Vec<E>) {
        match self.0 {
            Ok(events) => assert_eq!(events, expected),
            Err(error) => panic!("expected events, got rejection: {error}"),
        }
    }

    #[track_caller]
    pub fn then_rejected(self, expected: Err) {
        match self.0 {
            Ok(events) => panic!("expected rejection {expected:?}, got events {events:#?}"),
            Err(error) => assert_eq!(error, expected),
        }
    }

    #[track_caller]
    pub fn events(self) -> Vec<E> {
        match self.0 {
            Ok(events) => events,
            Err(error) => panic!("expected events, got rejection: {error}"),
        }
    }

    #[track_caller]
    pub fn error(self) -> Err {
        match self.0 {
            Ok(events) => panic!("expected a rejection, got events {events:#?}"),
            Err(error) => error,
        }
    }
}

/// Confirms a hold of `n` seats for `who` with fresh tickets numbered from `first_ticket`.
pub fn confirm(
    listing_events: &[ListingEvent],
    who: Actor,
    hold: HoldId,
    booking: u128,
    n: u128,
    payment_reference: Option<PaymentReference>,
    at: i64,
) -> Result<Decision, DomainError> {
    flows::confirm_hold(
        &fold(listing_events),
        &BookingState::default(),
        ConfirmHold {
            actor: who,
            hold_id: hold,
            booking_id: booking_id(booking),
            payment_reference,
            tickets: tickets(booking * 100, n),
            now: t(at),
        },
    )
}

/// A listing where buyer 1 booked 2 Balcony seats (paid) as booking 1 at minute 1.
pub struct Booked {
    pub listing: Vec<ListingEvent>,
    pub booking: Vec<BookingEvent>,
}

pub fn booked_balcony(n: u32) -> Booked {
    let mut listing = published();
    listing.push(held(1, buyer(1), balcony(), n, 0));
    let decision = confirm(&listing, buyer(1), hold_id(1), 1, n.into(), payment(), 1).unwrap();
    listing.extend(decision.listing);
    Booked {
        listing,
        booking: decision.booking,
    }
}

pub fn cancel(booked: &Booked, who: Actor, at: i64) -> Result<Decision, DomainError> {
    flows::cancel_booking(
        &fold(&booked.listing),
        &BookingState::fold(&booked.booking),
        CancelBooking {
            actor: who,
            offer_for: offer_for(),
            now: t(at),
        },
    )
}

/// `who` asks to hold `count` seats of `ticket_type` as hold `n` at minute `at`.
pub fn hold(who: Actor, n: u128, ticket_type: TicketTypeId, count: u32, at: i64) -> HoldSeats {
    HoldSeats {
        actor: who,
        hold_id: hold_id(n),
        ticket_type_id: ticket_type,
        seats: seats(count),
        hold_for: hold_for(),
        admission: None,
        now: t(at),
    }
}
