//! Holding seats, releasing and expiring holds, and what availability shows.

use crate::common::*;
use domain::listing::{
    Availability, ExpireHold, HoldOutcome, HoldReleaseReason, ListingError, ListingEvent,
    ReleaseHold,
};
use domain::{Actor, HoldId, TicketTypeId};

fn release(who: Actor, hold: HoldId, at: i64) -> ReleaseHold {
    ReleaseHold {
        actor: who,
        hold_id: hold,
        offer_for: offer_for(),
        now: t(at),
    }
}

fn expire(hold: HoldId, at: i64) -> ExpireHold {
    ExpireHold {
        hold_id: hold,
        offer_for: offer_for(),
        now: t(at),
    }
}

#[test]
fn a_buyer_holds_seats_until_the_deadline() {
    given(published())
        .when(hold(buyer(1), 1, balcony(), 2, 0))
        .then(vec![held(1, buyer(1), balcony(), 2, 0)]);
}

#[test]
fn holding_more_seats_than_are_free_is_rejected_with_the_number_left() {
    let mut events = published();
    events.push(held(1, buyer(1), balcony(), 2, 0));
    let error = given(events)
        .when(hold(buyer(2), 2, balcony(), 3, 1))
        .error();
    assert_eq!(
        error,
        ListingError::NotEnoughSeats {
            ticket_type: text("Balcony"),
            requested: 3,
            free: 2,
        }
    );
    assert_eq!(
        error.to_string(),
        "only 2 seats left in Balcony (asked for 3)"
    );
}

#[test]
fn holding_a_sold_out_type_is_rejected_pointing_to_the_waitlist() {
    let error = given(balcony_sold_out())
        .when(hold(buyer(2), 2, balcony(), 1, 1))
        .error();
    assert_eq!(
        error,
        ListingError::SoldOut {
            ticket_type: text("Balcony"),
        }
    );
    assert!(error.to_string().contains("join the waitlist"));
}

#[test]
fn sold_seats_count_against_capacity() {
    let booked = booked_balcony(3);
    given(booked.listing)
        .when(hold(buyer(2), 2, balcony(), 2, 5))
        .then_rejected(ListingError::NotEnoughSeats {
            ticket_type: text("Balcony"),
            requested: 2,
            free: 1,
        });
}

#[test]
fn the_total_capacity_limits_every_ticket_type() {
    let mut events = published_with(Some(5));
    events.push(held(1, buyer(1), stalls(), 4, 0));
    given(events)
        .when(hold(buyer(2), 2, balcony(), 2, 1))
        .then_rejected(ListingError::NotEnoughSeats {
            ticket_type: text("Balcony"),
            requested: 2,
            free: 1,
        });
}

#[test]
fn holding_more_than_the_per_booking_maximum_is_rejected() {
    given(published())
        .when(hold(buyer(1), 1, stalls(), 5, 0))
        .then_rejected(ListingError::TooManySeatsPerBooking {
            requested: 5,
            max: 4,
        });
}

#[test]
fn holding_before_sales_open_is_rejected_with_the_opening_time() {
    given(published())
        .when(hold(buyer(1), 1, balcony(), 1, -2 * DAY))
        .then_rejected(ListingError::SalesNotOpenYet { opens_at: t(-DAY) });
}

#[test]
fn holding_after_the_sales_window_is_rejected_even_before_sales_are_closed_by_command() {
    given(published())
        .when(hold(buyer(1), 1, balcony(), 1, 30 * DAY))
        .then_rejected(ListingError::SalesClosed { at: t(30 * DAY) });
}

#[test]
fn holding_on_a_draft_is_rejected() {
    given(drafted())
        .when(hold(buyer(1), 1, balcony(), 1, 0))
        .then_rejected(ListingError::NotPublished);
}

#[test]
fn holding_after_sales_were_closed_is_rejected() {
    let mut events = published();
    events.push(ListingEvent::SalesClosed {
        by: Some(organizer().user_id),
        at: t(-5),
    });
    given(events)
        .when(hold(buyer(1), 1, balcony(), 1, 0))
        .then_rejected(ListingError::SalesClosed { at: t(-5) });
}

#[test]
fn holding_an_unknown_ticket_type_is_rejected() {
    let unknown = TicketTypeId::from_uuid(uuid::Uuid::from_u128(9));
    given(published())
        .when(hold(buyer(1), 1, unknown, 1, 0))
        .then_rejected(ListingError::UnknownTicketType {
            ticket_type_id: unknown,
        });
}

#[test]
fn reusing_a_hold_id_is_rejected() {
    let mut events = published();
    events.push(held(1, buyer(1), balcony(), 1, 0));
    given(events)
        .when(hold(buyer(2), 1, stalls(), 1, 1))
        .then_rejected(ListingError::HoldIdAlreadyUsed {
            hold_id: hold_id(1),
        });
}

#[test]
fn reusing_the_id_of_a_finished_hold_is_rejected() {
    let booked = booked_balcony(1);
    given(booked.listing)
        .when(hold(buyer(2), 1, stalls(), 1, 5))
        .then_rejected(ListingError::HoldIdAlreadyUsed {
            hold_id: hold_id(1),
        });
}

#[test]
fn the_buyer_releases_a_hold_early() {
    let mut events = published();
    events.push(held(1, buyer(1), balcony(), 2, 0));
    given(events)
        .when(release(buyer(1), hold_id(1), 3))
        .then(vec![ListingEvent::HoldReleased {
            hold_id: hold_id(1),
            ticket_type_id: balcony(),
            buyer: buyer(1).user_id,
            seats: seats(2),
            reason: HoldReleaseReason::ReleasedByBuyer,
            by: buyer(1).user_id,
            at: t(3),
        }]);
}

#[test]
fn a_released_hold_frees_its_seats() {
    let mut events = balcony_sold_out();
    let released = given(events.clone())
        .when(release(buyer(1), hold_id(1), 3))
        .events();
    events.extend(released);
    assert_eq!(fold(&events).free_seats(balcony()), 4);
}

#[test]
fn someone_else_cannot_release_a_hold() {
    given(balcony_sold_out())
        .when(release(buyer(2), hold_id(1), 3))
        .then_rejected(ListingError::NotYourHold {
            hold_id: hold_id(1),
        });
}

#[test]
fn releasing_an_offer_is_rejected_pointing_to_decline() {
    let mut events = balcony_sold_out();
    events.push(joined(1, buyer(2), balcony(), 1, 1));
    events.push(ListingEvent::HoldExpired {
        hold_id: hold_id(1),
        ticket_type_id: balcony(),
        buyer: buyer(1).user_id,
        seats: seats(4),
        at: t(10),
    });
    events.push(offered(1, buyer(2), balcony(), 1, 10));
    let error = given(events)
        .when(release(buyer(2), offer_hold(1), 11))
        .error();
    assert_eq!(
        error,
        ListingError::HoldIsAnOffer {
            hold_id: offer_hold(1)
        }
    );
    assert!(error.to_string().contains("decline"));
}

#[test]
fn releasing_twice_says_the_hold_was_already_released() {
    let mut events = balcony_sold_out();
    events.push(ListingEvent::HoldReleased {
        hold_id: hold_id(1),
        ticket_type_id: balcony(),
        buyer: buyer(1).user_id,
        seats: seats(4),
        reason: HoldReleaseReason::ReleasedByBuyer,
        by: buyer(1).user_id,
        at: t(2),
    });
    let error = given(events).when(release(buyer(1), hold_id(1), 3)).error();
    assert_eq!(
        error,
        ListingError::HoldNotActive {
            hold_id: hold_id(1),
            outcome: HoldOutcome::Released { at: t(2) },
        }
    );
    assert!(error.to_string().contains("released at"));
}

#[test]
fn releasing_an_unknown_hold_is_rejected() {
    given(published())
        .when(release(buyer(1), hold_id(7), 3))
        .then_rejected(ListingError::UnknownHold {
            hold_id: hold_id(7),
        });
}

#[test]
fn a_hold_expires_at_its_deadline() {
    given(balcony_sold_out())
        .when(expire(hold_id(1), HOLD_MINUTES))
        .then(vec![ListingEvent::HoldExpired {
            hold_id: hold_id(1),
            ticket_type_id: balcony(),
            buyer: buyer(1).user_id,
            seats: seats(4),
            at: t(HOLD_MINUTES),
        }]);
}

#[test]
fn expiring_a_hold_before_its_deadline_is_rejected_with_the_deadline() {
    let error = given(balcony_sold_out())
        .when(expire(hold_id(1), HOLD_MINUTES - 1))
        .error();
    assert_eq!(
        error,
        ListingError::HoldNotYetExpired {
            hold_id: hold_id(1),
            expires_at: t(HOLD_MINUTES),
            now: t(HOLD_MINUTES - 1),
        }
    );
}

#[test]
fn expiring_a_confirmed_hold_says_which_booking_it_became() {
    let booked = booked_balcony(2);
    let error = given(booked.listing).when(expire(hold_id(1), 60)).error();
    assert_eq!(
        error,
        ListingError::HoldNotActive {
            hold_id: hold_id(1),
            outcome: HoldOutcome::Confirmed {
                booking_id: booking_id(1),
                at: t(1),
            },
        }
    );
    assert!(error.to_string().contains(&booking_id(1).to_string()));
}

#[test]
fn a_hold_finished_more_than_a_day_ago_is_forgotten() {
    let mut booked = booked_balcony(2);
    booked.listing.push(held(2, buyer(2), stalls(), 1, DAY + 2));
    let state = fold(&booked.listing);
    assert_eq!(state.listing().unwrap().hold_outcome(hold_id(1)), None);
    given(booked.listing)
        .when(expire(hold_id(1), DAY + 3))
        .then_rejected(ListingError::UnknownHold {
            hold_id: hold_id(1),
        });
}

#[test]
fn a_hold_finished_less_than_a_day_ago_is_remembered() {
    let mut booked = booked_balcony(2);
    booked.listing.push(held(2, buyer(2), stalls(), 1, DAY));
    let state = fold(&booked.listing);
    assert!(state.listing().unwrap().hold_outcome(hold_id(1)).is_some());
}

#[test]
fn expiring_a_hold_twice_is_rejected_as_already_expired() {
    let mut events = balcony_sold_out();
    let expired = given(events.clone()).when(expire(hold_id(1), 11)).events();
    events.extend(expired);
    given(events)
        .when(expire(hold_id(1), 12))
        .then_rejected(ListingError::HoldNotActive {
            hold_id: hold_id(1),
            outcome: HoldOutcome::Expired { at: t(11) },
        });
}

#[test]
fn availability_shows_capacity_held_sold_free_and_waitlist() {
    let mut booked = booked_balcony(1);
    booked.listing.push(held(2, buyer(2), balcony(), 3, 2));
    booked.listing.push(joined(1, buyer(3), balcony(), 1, 3));
    let state = fold(&booked.listing);
    assert_eq!(
        state.available(balcony()),
        Some(Availability {
            ticket_type_id: balcony(),
            capacity: 4,
            held: 3,
            offered: 0,
            sold: 1,
            free: 0,
            waitlist_length: 1,
        })
    );
    assert_eq!(state.availability().len(), 2);
}
