//! Joining and leaving waitlists, and offers made in join order among parties that fit.

use crate::common::*;
use domain::listing::{
    ChangeTicketTypeCapacity, ChangeTotalCapacity, DeclineOffer, ExpireHold, HoldOutcome,
    HoldReleaseReason, JoinWaitlist, LeaveWaitlist, ListingError, ListingEvent, ReleaseHold,
};
use domain::{Actor, TicketTypeId};

fn join(who: Actor, n: u128, ticket_type: TicketTypeId, party: u32, at: i64) -> JoinWaitlist {
    JoinWaitlist {
        actor: who,
        entry_id: entry_id(n),
        ticket_type_id: ticket_type,
        party_size: seats(party),
        now: t(at),
    }
}

fn leave(who: Actor, n: u128, at: i64) -> LeaveWaitlist {
    LeaveWaitlist {
        actor: who,
        entry_id: entry_id(n),
        now: t(at),
    }
}

fn release_first_hold(at: i64) -> ReleaseHold {
    ReleaseHold {
        actor: buyer(1),
        hold_id: hold_id(1),
        offer_for: offer_for(),
        now: t(at),
    }
}

fn released_first_hold(n: u32, at: i64) -> ListingEvent {
    ListingEvent::HoldReleased {
        hold_id: hold_id(1),
        ticket_type_id: balcony(),
        buyer: buyer(1).user_id,
        seats: seats(n),
        reason: HoldReleaseReason::ReleasedByBuyer,
        by: buyer(1).user_id,
        at: t(at),
    }
}

/// Balcony sold out (buyer 1 holds 4) with waiting parties of 3, 2 and 1 in that order.
fn three_waiting() -> Vec<ListingEvent> {
    let mut events = balcony_sold_out();
    events.push(joined(1, buyer(2), balcony(), 3, 1));
    events.push(joined(2, buyer(3), balcony(), 2, 2));
    events.push(joined(3, buyer(4), balcony(), 1, 3));
    events
}

#[test]
fn a_buyer_joins_the_waitlist_of_a_sold_out_type() {
    given(balcony_sold_out())
        .when(join(buyer(2), 1, balcony(), 2, 1))
        .then(vec![joined(1, buyer(2), balcony(), 2, 1)]);
}

#[test]
fn joining_while_enough_seats_are_free_is_rejected_with_the_free_count() {
    let error = given(published())
        .when(join(buyer(2), 1, balcony(), 2, 1))
        .error();
    assert_eq!(
        error,
        ListingError::SeatsAvailable {
            ticket_type: text("Balcony"),
            free: 4,
        }
    );
    assert!(error.to_string().contains("hold them instead"));
}

#[test]
fn joining_is_allowed_when_fewer_seats_are_free_than_the_party() {
    let mut events = published();
    events.push(held(1, buyer(1), balcony(), 3, 0));
    given(events)
        .when(join(buyer(2), 1, balcony(), 2, 1))
        .then(vec![joined(1, buyer(2), balcony(), 2, 1)]);
}

#[test]
fn joining_the_same_waitlist_twice_is_rejected() {
    let mut events = balcony_sold_out();
    events.push(joined(1, buyer(2), balcony(), 2, 1));
    given(events)
        .when(join(buyer(2), 2, balcony(), 1, 2))
        .then_rejected(ListingError::AlreadyOnWaitlist {
            entry_id: entry_id(1),
        });
}

#[test]
fn reusing_a_waitlist_entry_id_is_rejected() {
    let mut events = balcony_sold_out();
    events.push(joined(1, buyer(2), balcony(), 2, 1));
    given(events)
        .when(join(buyer(3), 1, balcony(), 1, 2))
        .then_rejected(ListingError::WaitlistEntryIdAlreadyUsed {
            entry_id: entry_id(1),
        });
}

#[test]
fn a_party_larger_than_the_whole_type_is_rejected() {
    let mut small = published_with(Some(3));
    small.push(held(1, buyer(1), balcony(), 3, 0));
    given(small)
        .when(join(buyer(2), 1, balcony(), 4, 1))
        .then_rejected(ListingError::PartyLargerThanCapacity {
            ticket_type: text("Balcony"),
            capacity: 3,
            party_size: 4,
        });
}

#[test]
fn a_party_above_the_per_booking_maximum_is_rejected() {
    given(balcony_sold_out())
        .when(join(buyer(2), 1, balcony(), 5, 1))
        .then_rejected(ListingError::TooManySeatsPerBooking {
            requested: 5,
            max: 4,
        });
}

#[test]
fn joining_after_sales_closed_is_rejected() {
    let mut events = balcony_sold_out();
    events.push(ListingEvent::SalesClosed { by: None, at: t(1) });
    given(events)
        .when(join(buyer(2), 1, balcony(), 1, 2))
        .then_rejected(ListingError::SalesClosed { at: t(1) });
}

#[test]
fn positions_count_earlier_entries_of_the_same_ticket_type() {
    let mut events = three_waiting();
    events.push(held(2, buyer(9), stalls(), 4, 4));
    events.push(held(3, buyer(8), stalls(), 4, 4));
    events.push(held(4, buyer(7), stalls(), 2, 4));
    events.push(joined(4, buyer(5), stalls(), 1, 5));
    events.push(joined(5, buyer(6), balcony(), 1, 6));
    let state = fold(&events);
    assert_eq!(state.waitlist_position(entry_id(1)), Some(1));
    assert_eq!(state.waitlist_position(entry_id(3)), Some(3));
    assert_eq!(state.waitlist_position(entry_id(4)), Some(1));
    assert_eq!(state.waitlist_position(entry_id(5)), Some(4));
    assert_eq!(state.available(balcony()).unwrap().waitlist_length, 4);
}

#[test]
fn the_buyer_leaves_the_waitlist() {
    let mut events = three_waiting();
    given(events.clone())
        .when(leave(buyer(3), 2, 5))
        .then(vec![ListingEvent::WaitlistLeft {
            entry_id: entry_id(2),
            ticket_type_id: balcony(),
            buyer: buyer(3).user_id,
            at: t(5),
        }]);
    events.push(ListingEvent::WaitlistLeft {
        entry_id: entry_id(2),
        ticket_type_id: balcony(),
        buyer: buyer(3).user_id,
        at: t(5),
    });
    assert_eq!(fold(&events).waitlist_position(entry_id(3)), Some(2));
}

#[test]
fn someone_else_cannot_remove_an_entry() {
    given(three_waiting())
        .when(leave(buyer(4), 2, 5))
        .then_rejected(ListingError::NotYourWaitlistEntry {
            entry_id: entry_id(2),
        });
}

#[test]
fn leaving_an_unknown_entry_is_rejected() {
    given(three_waiting())
        .when(leave(buyer(2), 9, 5))
        .then_rejected(ListingError::UnknownWaitlistEntry {
            entry_id: entry_id(9),
        });
}

#[test]
fn leaving_after_receiving_an_offer_points_to_the_offer() {
    let mut events = three_waiting();
    events.push(released_first_hold(4, 5));
    events.push(offered(1, buyer(2), balcony(), 3, 5));
    given(events)
        .when(leave(buyer(2), 1, 6))
        .then_rejected(ListingError::EntryAlreadyOffered {
            entry_id: entry_id(1),
            hold_id: offer_hold(1),
        });
}

#[test]
fn released_seats_go_to_the_oldest_entry_whose_party_fits() {
    let mut events = balcony_sold_out();
    events.push(ListingEvent::HoldReleased {
        hold_id: hold_id(1),
        ticket_type_id: balcony(),
        buyer: buyer(1).user_id,
        seats: seats(4),
        reason: HoldReleaseReason::ReleasedByBuyer,
        by: buyer(1).user_id,
        at: t(0),
    });
    events.push(held(2, buyer(1), balcony(), 2, 0));
    events.push(held(5, buyer(9), balcony(), 2, 0));
    events.push(joined(1, buyer(2), balcony(), 3, 1));
    events.push(joined(2, buyer(3), balcony(), 2, 2));
    events.push(joined(3, buyer(4), balcony(), 1, 3));
    // buyer 1 lets 2 seats go: the party of 3 does not fit, the party of 2 does.
    given(events)
        .when(ReleaseHold {
            actor: buyer(1),
            hold_id: hold_id(2),
            offer_for: offer_for(),
            now: t(5),
        })
        .then(vec![
            ListingEvent::HoldReleased {
                hold_id: hold_id(2),
                ticket_type_id: balcony(),
                buyer: buyer(1).user_id,
                seats: seats(2),
                reason: HoldReleaseReason::ReleasedByBuyer,
                by: buyer(1).user_id,
                at: t(5),
            },
            offered(2, buyer(3), balcony(), 2, 5),
        ]);
}

#[test]
fn released_seats_are_offered_to_several_entries_in_join_order() {
    given(three_waiting())
        .when(release_first_hold(5))
        .then(vec![
            released_first_hold(4, 5),
            offered(1, buyer(2), balcony(), 3, 5),
            offered(3, buyer(4), balcony(), 1, 5),
        ]);
}

#[test]
fn offered_seats_count_against_capacity() {
    let mut events = three_waiting();
    events.push(released_first_hold(4, 5));
    events.push(offered(1, buyer(2), balcony(), 3, 5));
    events.push(offered(3, buyer(4), balcony(), 1, 5));
    let state = fold(&events);
    let availability = state.available(balcony()).unwrap();
    assert_eq!((availability.offered, availability.free), (4, 0));
    assert_eq!(availability.waitlist_length, 1);
}

#[test]
fn an_expired_hold_offers_its_seats_in_the_same_decision() {
    let mut events = balcony_sold_out();
    events.push(joined(1, buyer(2), balcony(), 2, 1));
    given(events)
        .when(ExpireHold {
            hold_id: hold_id(1),
            offer_for: offer_for(),
            now: t(HOLD_MINUTES),
        })
        .then(vec![
            ListingEvent::HoldExpired {
                hold_id: hold_id(1),
                ticket_type_id: balcony(),
                buyer: buyer(1).user_id,
                seats: seats(4),
                at: t(HOLD_MINUTES),
            },
            offered(1, buyer(2), balcony(), 2, HOLD_MINUTES),
        ]);
}

fn offer_to_first_of_two() -> Vec<ListingEvent> {
    let mut events = balcony_sold_out();
    events.push(joined(1, buyer(2), balcony(), 4, 1));
    events.push(joined(2, buyer(3), balcony(), 3, 2));
    events.push(released_first_hold(4, 5));
    events.push(offered(1, buyer(2), balcony(), 4, 5));
    events
}

#[test]
fn a_declined_offer_passes_the_seats_to_the_next_entry() {
    given(offer_to_first_of_two())
        .when(DeclineOffer {
            actor: buyer(2),
            hold_id: offer_hold(1),
            offer_for: offer_for(),
            now: t(6),
        })
        .then(vec![
            ListingEvent::WaitlistOfferDeclined {
                hold_id: offer_hold(1),
                entry_id: entry_id(1),
                ticket_type_id: balcony(),
                buyer: buyer(2).user_id,
                seats: seats(4),
                at: t(6),
            },
            offered(2, buyer(3), balcony(), 3, 6),
        ]);
}

#[test]
fn an_expired_offer_passes_the_seats_to_the_next_entry() {
    let expiry = 5 + OFFER_MINUTES;
    given(offer_to_first_of_two())
        .when(ExpireHold {
            hold_id: offer_hold(1),
            offer_for: offer_for(),
            now: t(expiry),
        })
        .then(vec![
            ListingEvent::WaitlistOfferExpired {
                hold_id: offer_hold(1),
                entry_id: entry_id(1),
                ticket_type_id: balcony(),
                buyer: buyer(2).user_id,
                seats: seats(4),
                at: t(expiry),
            },
            offered(2, buyer(3), balcony(), 3, expiry),
        ]);
}

#[test]
fn an_offer_cannot_be_expired_before_its_own_longer_deadline() {
    given(offer_to_first_of_two())
        .when(ExpireHold {
            hold_id: offer_hold(1),
            offer_for: offer_for(),
            now: t(5 + HOLD_MINUTES),
        })
        .then_rejected(ListingError::HoldNotYetExpired {
            hold_id: offer_hold(1),
            expires_at: t(5 + OFFER_MINUTES),
            now: t(5 + HOLD_MINUTES),
        });
}

#[test]
fn declining_someone_elses_offer_is_rejected() {
    given(offer_to_first_of_two())
        .when(DeclineOffer {
            actor: buyer(3),
            hold_id: offer_hold(1),
            offer_for: offer_for(),
            now: t(6),
        })
        .then_rejected(ListingError::NotYourHold {
            hold_id: offer_hold(1),
        });
}

#[test]
fn declining_a_plain_hold_is_rejected() {
    given(balcony_sold_out())
        .when(DeclineOffer {
            actor: buyer(1),
            hold_id: hold_id(1),
            offer_for: offer_for(),
            now: t(6),
        })
        .then_rejected(ListingError::NotAnOffer {
            hold_id: hold_id(1),
        });
}

#[test]
fn declining_twice_says_the_offer_was_declined() {
    let mut events = offer_to_first_of_two();
    events.push(ListingEvent::WaitlistOfferDeclined {
        hold_id: offer_hold(1),
        entry_id: entry_id(1),
        ticket_type_id: balcony(),
        buyer: buyer(2).user_id,
        seats: seats(4),
        at: t(6),
    });
    given(events)
        .when(DeclineOffer {
            actor: buyer(2),
            hold_id: offer_hold(1),
            offer_for: offer_for(),
            now: t(7),
        })
        .then_rejected(ListingError::HoldNotActive {
            hold_id: offer_hold(1),
            outcome: HoldOutcome::Declined { at: t(6) },
        });
}

#[test]
fn raising_capacity_offers_the_new_seats_to_the_waitlist() {
    let mut events = balcony_sold_out();
    events.push(joined(1, buyer(2), balcony(), 2, 1));
    given(events)
        .when(ChangeTicketTypeCapacity {
            actor: organizer(),
            ticket_type_id: balcony(),
            capacity: 6,
            offer_for: offer_for(),
            now: t(3),
        })
        .then(vec![
            ListingEvent::TicketTypeCapacityChanged {
                ticket_type_id: balcony(),
                from: 4,
                to: 6,
                by: organizer().user_id,
                at: t(3),
            },
            offered(1, buyer(2), balcony(), 2, 3),
        ]);
}

#[test]
fn seats_freed_in_one_type_go_to_another_types_waitlist_when_the_total_cap_binds() {
    let mut events = published_with(Some(6));
    events.push(held(1, buyer(1), balcony(), 2, 0));
    events.push(held(2, buyer(2), stalls(), 4, 0));
    events.push(joined(1, buyer(3), stalls(), 2, 1));
    given(events).when(release_first_hold(2)).then(vec![
        released_first_hold(2, 2),
        offered(1, buyer(3), stalls(), 2, 2),
    ]);
}

#[test]
fn raising_the_total_capacity_offers_seats_to_the_oldest_fitting_entry_of_any_type() {
    let mut events = published_with(Some(4));
    events.push(held(1, buyer(1), stalls(), 4, 0));
    events.push(joined(1, buyer(2), stalls(), 2, 1));
    events.push(joined(2, buyer(3), balcony(), 1, 2));
    given(events)
        .when(ChangeTotalCapacity {
            actor: organizer(),
            total_capacity: Some(5),
            offer_for: offer_for(),
            now: t(3),
        })
        .then(vec![
            ListingEvent::TotalCapacityChanged {
                from: Some(4),
                to: Some(5),
                by: organizer().user_id,
                at: t(3),
            },
            offered(2, buyer(3), balcony(), 1, 3),
        ]);
}

#[test]
fn no_offers_are_made_once_sales_have_closed() {
    let mut events = balcony_sold_out();
    events.push(joined(1, buyer(2), balcony(), 2, 1));
    events.push(ListingEvent::SalesClosed {
        by: Some(organizer().user_id),
        at: t(2),
    });
    given(events)
        .when(release_first_hold(3))
        .then(vec![released_first_hold(4, 3)]);
}
