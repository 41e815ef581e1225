//! What must hold after every step of every random sequence.

use crate::world::World;
use domain::booking::{BookingEvent, BookingState, BookingStatus};
use domain::listing::{ListingEvent, ListingState, ListingStatus};
use domain::UserId;
use proptest::sample::Index;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Capacity is never exceeded, counters equal what holds and bookings imply, no waiting
/// party fits the free seats while selling, and no two tickets share a code.
pub fn check(world: &World) {
    let listing = world.listing.listing().expect("listing set up");
    let inventory = listing.inventory();
    let mut committed_total = 0u64;
    for ticket_type in listing.ticket_types() {
        let id = ticket_type.id;
        let stock = inventory.stock(id).expect("stock for every type");
        assert!(
            stock.held + stock.offered + stock.sold <= stock.capacity,
            "oversold {}: {stock:?}",
            ticket_type.name
        );
        committed_total += u64::from(stock.committed());
        let seats_of = |offers: bool| -> u32 {
            listing
                .holds()
                .filter(|h| h.ticket_type_id == id && h.is_offer() == offers)
                .map(|h| h.seats.get())
                .sum()
        };
        assert_eq!(
            stock.held,
            seats_of(false),
            "held counter of {}",
            ticket_type.name
        );
        assert_eq!(
            stock.offered,
            seats_of(true),
            "offered counter of {}",
            ticket_type.name
        );
        if listing.status() != ListingStatus::Cancelled {
            let sold: u32 = world
                .bookings
                .values()
                .filter_map(BookingState::booking)
                .filter(|b| b.ticket_type_id == id && b.status == BookingStatus::Confirmed)
                .map(|b| b.seats.get())
                .sum();
            assert_eq!(stock.sold, sold, "sold counter of {}", ticket_type.name);
        }
    }
    if let Some(total) = inventory.total_capacity() {
        assert!(
            committed_total <= u64::from(total),
            "total capacity exceeded"
        );
    }
    let selling = listing.status() == ListingStatus::Published
        && listing.details().sales.is_open_at(world.now);
    if selling {
        for entry in listing.waitlist().iter() {
            assert!(
                entry.party_size.get() > inventory.free(entry.ticket_type_id),
                "entry {entry:?} fits free seats but got no offer"
            );
        }
    }
    buyer_claims_match_what_they_have(world);
    holds_stay_within_the_rate(world);
    let mut codes = BTreeSet::new();
    for booking in world.bookings.values().filter_map(BookingState::booking) {
        for ticket in &booking.tickets {
            assert!(
                codes.insert(ticket.code.clone()),
                "ticket code issued twice"
            );
        }
    }
}

/// Each buyer's claim is exactly their holds, offers, waiting parties and booked seats,
/// and nobody has two open holds of one ticket type.
fn buyer_claims_match_what_they_have(world: &World) {
    let listing = world.listing.listing().expect("listing set up");
    let mut expected: BTreeMap<UserId, u32> = BTreeMap::new();
    let mut open: BTreeSet<(UserId, domain::TicketTypeId)> = BTreeSet::new();
    for hold in listing.holds() {
        *expected.entry(hold.buyer).or_default() += hold.seats.get();
        if !hold.is_offer() {
            assert!(
                open.insert((hold.buyer, hold.ticket_type_id)),
                "two open holds of one type for {:?}",
                hold.buyer
            );
        }
    }
    for entry in listing.waitlist().iter() {
        *expected.entry(entry.buyer).or_default() += entry.party_size.get();
    }
    // Bookings of a cancelled listing are cancelled without returning seats to it.
    if listing.status() == ListingStatus::Cancelled {
        return;
    }
    for booking in world.bookings.values().filter_map(BookingState::booking) {
        if booking.status == BookingStatus::Confirmed {
            *expected.entry(booking.buyer).or_default() += booking.seats.get();
        }
    }
    let claimed: BTreeMap<UserId, u32> = listing
        .buyers()
        .iter()
        .filter(|(_, claim)| claim.seats > 0)
        .map(|(buyer, claim)| (*buyer, claim.seats))
        .collect();
    expected.retain(|_, seats| *seats > 0);
    assert_eq!(claimed, expected, "buyer claims");
}

/// No buyer started more holds within any minute than the rate in force at the time.
fn holds_stay_within_the_rate(world: &World) {
    let mut rate = domain::listing::DEFAULT_HOLDS_PER_MINUTE;
    let mut starts: Vec<(UserId, chrono::DateTime<chrono::Utc>)> = Vec::new();
    for event in &world.listing_events {
        match event {
            ListingEvent::BuyerLimitsSet { limits, .. } => rate = limits.holds_per_minute,
            ListingEvent::SeatsHeld { buyer, at, .. } => {
                let window = *at - chrono::TimeDelta::minutes(1);
                let before = starts
                    .iter()
                    .filter(|(b, t)| b == buyer && *t > window)
                    .count() as u32;
                assert!(
                    before < rate,
                    "{buyer:?} held more than {rate} times a minute"
                );
                starts.push((*buyer, *at));
            }
            _ => {}
        }
    }
}

/// A decision may raise a buyer's claim only up to the limit in force when it was made.
pub fn claims_rise_only_within_the_limit(before: &ListingState, after: &ListingState) {
    let (Some(before), Some(after)) = (before.listing(), after.listing()) else {
        return;
    };
    let max = before.max_seats_per_buyer();
    for (buyer, claim) in after.buyers().iter() {
        let was = before.buyers().claim(*buyer).map_or(0, |c| c.seats);
        assert!(
            claim.seats <= was || claim.seats <= max,
            "{buyer:?} went from {was} to {} seats past the limit of {max}",
            claim.seats
        );
    }
}

/// Each offer in a decision goes to a waiting entry whose party fits, and no older
/// waiting entry (of any type) fitted its own type's free seats at that moment.
pub fn offers_follow_join_order(before: &ListingState, events: &[ListingEvent]) {
    let mut state = before.clone();
    for event in events {
        if let ListingEvent::WaitlistOfferMade {
            entry_id,
            ticket_type_id,
            seats,
            ..
        } = event
        {
            let listing = state.listing().unwrap();
            let entry = listing
                .waitlist()
                .get(*entry_id)
                .expect("offers go to waiting entries");
            assert_eq!(entry.party_size, *seats, "offer is for the whole party");
            assert_eq!(entry.ticket_type_id, *ticket_type_id);
            assert!(
                seats.get() <= listing.inventory().free(*ticket_type_id),
                "offered seats that are not free"
            );
            for older in listing
                .waitlist()
                .iter()
                .take_while(|w| w.sequence < entry.sequence)
            {
                assert!(
                    older.party_size.get() > listing.inventory().free(older.ticket_type_id),
                    "older entry {older:?} fitted but {entry:?} got the offer"
                );
            }
        }
        state.apply(event);
    }
}

fn round_trip<T: Serialize + DeserializeOwned>(value: &T) -> T {
    serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap()
}

/// Folding all at once, one by one, and across a snapshot at `split` agree.
pub fn fold_equivalence(world: &World, split: Index) {
    let events = &world.listing_events;
    assert_eq!(ListingState::fold(events), world.listing);
    let at = split.index(events.len() + 1);
    let snapshot = round_trip(&ListingState::fold(&events[..at]));
    assert_eq!(snapshot, ListingState::fold(&events[..at]));
    let resumed = events[at..].iter().fold(snapshot, domain::listing::evolve);
    assert_eq!(resumed, world.listing);
    for (id, events) in &world.booking_events {
        let state = BookingState::fold(events);
        assert_eq!(&state, &world.bookings[id]);
        assert_eq!(round_trip(&state), state);
    }
}

/// Every event written serializes with its type tag and loads back equal.
pub fn events_round_trip(world: &World) {
    for event in &world.listing_events {
        let json = serde_json::to_value(event).unwrap();
        assert_eq!(json["type"], event.event_type());
        assert_eq!(
            &serde_json::from_value::<ListingEvent>(json).unwrap(),
            event
        );
    }
    for event in world.booking_events.values().flatten() {
        let json = serde_json::to_value(event).unwrap();
        assert_eq!(json["type"], event.event_type());
        assert_eq!(
            &serde_json::from_value::<BookingEvent>(json).unwrap(),
            event
        );
    }
}
