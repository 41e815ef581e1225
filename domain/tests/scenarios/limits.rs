//! Per-buyer limits: seats per account across holds, offers, waitlist and bookings; one
//! open hold per ticket type; holds per minute.

use crate::common::*;
use domain::listing::{
    BuyerLimits, HoldSeats, JoinWaitlist, ListingError, ListingEvent, ReleaseHold, SetBuyerLimits,
    DEFAULT_HOLDS_PER_MINUTE,
};
use domain::{Actor, TicketTypeId};

fn released(hold: u128, who: Actor, ticket_type: TicketTypeId, n: u32, at: i64) -> ListingEvent {
    ListingEvent::HoldReleased {
        hold_id: hold_id(hold),
        ticket_type_id: ticket_type,
        buyer: who.user_id,
        seats: seats(n),
        reason: domain::listing::HoldReleaseReason::ReleasedByBuyer,
        by: who.user_id,
        at: t(at),
    }
}

fn limits(max_seats: Option<u32>, holds_per_minute: u32) -> ListingEvent {
    ListingEvent::BuyerLimitsSet {
        limits: BuyerLimits {
            max_seats,
            holds_per_minute,
        },
        by: organizer().user_id,
        at: t(-DAY),
    }
}

/// `t` is in minutes; the rate tests need seconds.
fn at_seconds(minute: i64, seconds: i64) -> chrono::DateTime<chrono::Utc> {
    t(minute) + chrono::TimeDelta::seconds(seconds)
}

#[test]
fn by_default_a_buyer_may_claim_as_many_seats_as_one_booking_across_ticket_types() {
    let mut events = published();
    events.push(held(1, buyer(1), balcony(), 3, 0));
    given(events.clone())
        .when(hold(buyer(1), 2, stalls(), 2, 1))
        .then_rejected(ListingError::BuyerSeatLimit {
            max: 4,
            claimed: 3,
            requested: 2,
        });
    given(events.clone())
        .when(hold(buyer(1), 2, stalls(), 1, 1))
        .then(vec![held(2, buyer(1), stalls(), 1, 1)]);
    // Another buyer has a limit of their own.
    given(events)
        .when(hold(buyer(2), 2, stalls(), 4, 1))
        .then(vec![held(2, buyer(2), stalls(), 4, 1)]);
}

#[test]
fn booked_seats_count_until_the_booking_is_cancelled() {
    let mut booked = booked_balcony(3);
    given(booked.listing.clone())
        .when(hold(buyer(1), 2, stalls(), 2, 2))
        .then_rejected(ListingError::BuyerSeatLimit {
            max: 4,
            claimed: 3,
            requested: 2,
        });
    let cancelled = cancel(&booked, buyer(1), 3).unwrap();
    booked.listing.extend(cancelled.listing);
    given(booked.listing)
        .when(hold(buyer(1), 2, stalls(), 4, 4))
        .then(vec![held(2, buyer(1), stalls(), 4, 4)]);
}

#[test]
fn released_and_expired_seats_stop_counting() {
    let mut events = published();
    events.push(held(1, buyer(1), balcony(), 4, 0));
    events.push(released(1, buyer(1), balcony(), 4, 1));
    given(events)
        .when(hold(buyer(1), 2, balcony(), 4, 2))
        .then(vec![held(2, buyer(1), balcony(), 4, 2)]);
}

#[test]
fn a_waitlist_party_counts_against_the_limit_so_its_offer_never_exceeds_it() {
    let mut events = balcony_sold_out();
    events.push(joined(1, buyer(2), balcony(), 3, 1));
    given(events.clone())
        .when(hold(buyer(2), 9, stalls(), 2, 2))
        .then_rejected(ListingError::BuyerSeatLimit {
            max: 4,
            claimed: 3,
            requested: 2,
        });
    events.push(held(9, buyer(3), stalls(), 2, 2));
    given(events)
        .when(JoinWaitlist {
            actor: buyer(3),
            entry_id: entry_id(2),
            ticket_type_id: balcony(),
            party_size: seats(3),
            now: t(3),
        })
        .then_rejected(ListingError::BuyerSeatLimit {
            max: 4,
            claimed: 2,
            requested: 3,
        });
}

#[test]
fn a_buyer_has_one_open_hold_per_ticket_type() {
    let mut events = published();
    events.push(held(1, buyer(1), stalls(), 1, 0));
    given(events.clone())
        .when(hold(buyer(1), 2, stalls(), 1, 1))
        .then_rejected(ListingError::OpenHoldExists {
            hold_id: hold_id(1),
        });
    given(events.clone())
        .when(hold(buyer(1), 2, balcony(), 1, 1))
        .then(vec![held(2, buyer(1), balcony(), 1, 1)]);
    let release = ReleaseHold {
        actor: buyer(1),
        hold_id: hold_id(1),
        offer_for: offer_for(),
        now: t(1),
    };
    events.extend(given(events.clone()).when(release).events());
    given(events)
        .when(hold(buyer(1), 2, stalls(), 1, 2))
        .then(vec![held(2, buyer(1), stalls(), 1, 2)]);
}

#[test]
fn a_buyer_may_start_only_so_many_holds_a_minute() {
    let mut events = published();
    events.push(limits(Some(100), 2));
    let mut state = fold(&events);
    for (n, second) in [(1, 0), (2, 10)] {
        let decided = domain::listing::decide(
            &state,
            HoldSeats {
                now: at_seconds(0, second),
                ..hold(buyer(1), n, stalls(), 1, 0)
            }
            .into(),
        )
        .unwrap();
        let release = ListingEvent::HoldReleased {
            hold_id: hold_id(n),
            ticket_type_id: stalls(),
            buyer: buyer(1).user_id,
            seats: seats(1),
            reason: domain::listing::HoldReleaseReason::ReleasedByBuyer,
            by: buyer(1).user_id,
            at: at_seconds(0, second + 1),
        };
        for event in decided.iter().chain([&release]) {
            state.apply(event);
        }
    }
    let third = |second| HoldSeats {
        now: at_seconds(0, second),
        ..hold(buyer(1), 3, stalls(), 1, 0)
    };
    assert_eq!(
        domain::listing::decide(&state, third(30).into()),
        Err(ListingError::HoldRateExceeded {
            per_minute: 2,
            retry_after: 30,
        })
    );
    // A minute after the first hold, one slot is free again.
    assert!(domain::listing::decide(&state, third(60).into()).is_ok());
    // Another buyer is not limited by the first one's holds.
    let other = HoldSeats {
        actor: buyer(2),
        ..third(30)
    };
    assert!(domain::listing::decide(&state, other.into()).is_ok());
}

#[test]
fn the_organizer_sets_the_limits_and_they_judge_later_holds() {
    let mut events = published();
    events.push(held(1, buyer(1), balcony(), 3, 0));
    let set = |max_seats, holds_per_minute, actor| SetBuyerLimits {
        actor,
        limits: BuyerLimits {
            max_seats,
            holds_per_minute,
        },
        now: t(1),
    };
    given(events.clone())
        .when(set(Some(2), 5, other_organizer()))
        .then_rejected(ListingError::NotYourListing {
            listing_id: listing_id(),
        });
    given(events.clone())
        .when(set(Some(0), 5, organizer()))
        .then_rejected(ListingError::BuyerLimitOutOfRange {
            name: "max_seats",
            requested: 0,
            min: 1,
            max: 1_000_000,
        });
    given(events.clone())
        .when(set(None, 0, organizer()))
        .then_rejected(ListingError::BuyerLimitOutOfRange {
            name: "holds_per_minute",
            requested: 0,
            min: 1,
            max: 10_000,
        });
    given(events.clone())
        .when(set(None, DEFAULT_HOLDS_PER_MINUTE, organizer()))
        .then_rejected(ListingError::NothingToUpdate);
    let lowered = given(events.clone())
        .when(set(Some(2), 5, organizer()))
        .events();
    events.extend(lowered);
    let listing = fold(&events);
    let listing = listing.listing().unwrap();
    assert_eq!(listing.max_seats_per_buyer(), 2);
    // The claim above the lowered limit stays; nothing more is allowed.
    assert_eq!(listing.buyers().claim(buyer(1).user_id).unwrap().seats, 3);
    given(events.clone())
        .when(hold(buyer(1), 2, stalls(), 1, 2))
        .then_rejected(ListingError::BuyerSeatLimit {
            max: 2,
            claimed: 3,
            requested: 1,
        });
    events.push(limits(Some(10), 5));
    given(events)
        .when(hold(buyer(1), 2, stalls(), 4, 2))
        .then(vec![held(2, buyer(1), stalls(), 4, 2)]);
}
