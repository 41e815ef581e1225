//! Capacity changes, closing sales and cancelling listings.

use crate::common::*;
use domain::listing::{
    CancelListing, ChangeTicketTypeCapacity, ChangeTotalCapacity, CloseSales, CloseSalesOnSchedule,
    HoldReleaseReason, HoldSeats, ListingError, ListingEvent, ListingStatus,
};
use domain::{Actor, TicketTypeId};
use uuid::Uuid;

fn capacity(actor: Actor, capacity: u32) -> ChangeTicketTypeCapacity {
    ChangeTicketTypeCapacity {
        actor,
        ticket_type_id: balcony(),
        capacity,
        offer_for: offer_for(),
        now: t(5),
    }
}

fn cancel_listing(actor: Actor, at: i64) -> CancelListing {
    CancelListing {
        actor,
        reason: text("Singer is ill"),
        now: t(at),
    }
}

#[test]
fn raising_a_capacity_records_old_and_new_capacity() {
    given(published()).when(capacity(organizer(), 6)).then(vec![
        ListingEvent::TicketTypeCapacityChanged {
            ticket_type_id: balcony(),
            from: 4,
            to: 6,
            by: organizer().user_id,
            at: t(5),
        },
    ]);
}

#[test]
fn capacity_cannot_go_below_the_seats_already_held_or_sold() {
    let mut events = published();
    events.push(held(1, buyer(1), balcony(), 3, 0));
    let error = given(events).when(capacity(organizer(), 2)).error();
    assert_eq!(
        error,
        ListingError::CapacityBelowCommitted {
            name: "Balcony".into(),
            requested: 2,
            committed: 3,
        }
    );
    assert_eq!(
        error.to_string(),
        "Balcony already has 3 seats held, offered or sold; capacity cannot go below 3 (asked for 2)"
    );
}

#[test]
fn capacity_can_shrink_to_exactly_what_is_committed() {
    let mut events = published();
    events.push(held(1, buyer(1), balcony(), 3, 0));
    let events = given(events).when(capacity(organizer(), 3)).events();
    assert_eq!(events.len(), 1);
}

#[test]
fn setting_the_current_capacity_is_rejected() {
    given(published())
        .when(capacity(organizer(), 4))
        .then_rejected(ListingError::CapacityUnchanged {
            capacity: "4".into(),
        });
}

#[test]
fn changing_the_capacity_of_an_unknown_type_is_rejected() {
    let mut command = capacity(organizer(), 10);
    command.ticket_type_id = TicketTypeId::from_uuid(Uuid::from_u128(1));
    given(published())
        .when(command)
        .then_rejected(ListingError::UnknownTicketType {
            ticket_type_id: TicketTypeId::from_uuid(Uuid::from_u128(1)),
        });
}

#[test]
fn a_customer_cannot_change_a_capacity() {
    given(published())
        .when(capacity(buyer(1), 10))
        .then_rejected(ListingError::NotYourListing {
            listing_id: listing_id(),
        });
}

#[test]
fn the_total_capacity_cannot_go_below_the_seats_held_across_types() {
    let mut events = published_with(Some(12));
    events.push(held(1, buyer(1), balcony(), 3, 0));
    events.push(held(2, buyer(2), stalls(), 4, 0));
    given(events)
        .when(ChangeTotalCapacity {
            actor: organizer(),
            total_capacity: Some(6),
            offer_for: offer_for(),
            now: t(1),
        })
        .then_rejected(ListingError::CapacityBelowCommitted {
            name: "total capacity".into(),
            requested: 6,
            committed: 7,
        });
}

#[test]
fn removing_the_total_capacity_records_the_change() {
    given(published_with(Some(12)))
        .when(ChangeTotalCapacity {
            actor: organizer(),
            total_capacity: None,
            offer_for: offer_for(),
            now: t(1),
        })
        .then(vec![ListingEvent::TotalCapacityChanged {
            from: Some(12),
            to: None,
            by: organizer().user_id,
            at: t(1),
        }]);
}

#[test]
fn setting_the_same_total_capacity_is_rejected() {
    given(published())
        .when(ChangeTotalCapacity {
            actor: organizer(),
            total_capacity: None,
            offer_for: offer_for(),
            now: t(1),
        })
        .then_rejected(ListingError::CapacityUnchanged {
            capacity: "unlimited".into(),
        });
}

#[test]
fn the_organizer_closes_sales_early() {
    given(published())
        .when(CloseSales {
            actor: organizer(),
            now: t(3),
        })
        .then(vec![ListingEvent::SalesClosed {
            by: Some(organizer().user_id),
            at: t(3),
        }]);
}

#[test]
fn closing_sales_of_a_draft_is_rejected() {
    given(drafted())
        .when(CloseSales {
            actor: organizer(),
            now: t(3),
        })
        .then_rejected(ListingError::NotPublished);
}

#[test]
fn closing_sales_twice_is_rejected_with_when_they_closed() {
    let mut events = published();
    events.push(ListingEvent::SalesClosed { by: None, at: t(1) });
    given(events)
        .when(CloseSales {
            actor: organizer(),
            now: t(3),
        })
        .then_rejected(ListingError::SalesClosed { at: t(1) });
}

#[test]
fn sales_close_on_schedule_once_the_window_has_ended() {
    let closes = 30 * DAY;
    given(published())
        .when(CloseSalesOnSchedule { now: t(closes) })
        .then(vec![ListingEvent::SalesClosed {
            by: None,
            at: t(closes),
        }]);
}

#[test]
fn closing_sales_on_schedule_before_the_window_ends_is_rejected() {
    given(published())
        .when(CloseSalesOnSchedule { now: t(0) })
        .then_rejected(ListingError::SalesCloseNotDue {
            closes_at: t(30 * DAY),
            now: t(0),
        });
}

#[test]
fn cancelling_a_listing_releases_holds_and_withdraws_offers_before_the_cancellation() {
    let mut events = balcony_sold_out();
    events.push(joined(1, buyer(2), balcony(), 2, 1));
    events.push(ListingEvent::HoldReleased {
        hold_id: hold_id(1),
        ticket_type_id: balcony(),
        buyer: buyer(1).user_id,
        seats: seats(4),
        reason: HoldReleaseReason::ReleasedByBuyer,
        by: buyer(1).user_id,
        at: t(2),
    });
    events.push(offered(1, buyer(2), balcony(), 2, 2));
    events.push(held(3, buyer(3), stalls(), 1, 3));
    given(events)
        .when(cancel_listing(organizer(), 4))
        .then(vec![
            ListingEvent::HoldReleased {
                hold_id: hold_id(3),
                ticket_type_id: stalls(),
                buyer: buyer(3).user_id,
                seats: seats(1),
                reason: HoldReleaseReason::ListingCancelled,
                by: organizer().user_id,
                at: t(4),
            },
            ListingEvent::WaitlistOfferWithdrawn {
                hold_id: offer_hold(1),
                entry_id: entry_id(1),
                ticket_type_id: balcony(),
                buyer: buyer(2).user_id,
                seats: seats(2),
                by: organizer().user_id,
                at: t(4),
            },
            ListingEvent::ListingCancelled {
                reason: text("Singer is ill"),
                by: organizer().user_id,
                at: t(4),
            },
        ]);
}

#[test]
fn a_cancelled_listing_frees_every_seat_and_clears_the_waitlist() {
    let mut events = balcony_sold_out();
    events.push(joined(1, buyer(2), balcony(), 2, 1));
    let cancellation = given(events.clone())
        .when(cancel_listing(organizer(), 4))
        .events();
    events.extend(cancellation);
    let state = fold(&events);
    let listing = state.listing().unwrap();
    assert_eq!(listing.status(), ListingStatus::Cancelled);
    assert_eq!(listing.holds().count(), 0);
    assert!(listing.waitlist().is_empty());
    assert!(state.pending_deadlines().is_empty());
}

#[test]
fn cancelling_twice_is_rejected() {
    let mut events = published();
    events.push(ListingEvent::ListingCancelled {
        reason: text("Flood"),
        by: organizer().user_id,
        at: t(1),
    });
    given(events)
        .when(cancel_listing(organizer(), 2))
        .then_rejected(ListingError::ListingIsCancelled { at: t(1) });
}

#[test]
fn a_published_listing_cannot_be_cancelled_after_it_ended() {
    let ended = 30 * DAY + 3 * 60;
    given(published())
        .when(cancel_listing(organizer(), ended))
        .then_rejected(ListingError::ListingAlreadyEnded {
            ends_at: details().ends_at,
        });
}

#[test]
fn a_draft_can_be_cancelled_at_any_time() {
    let events = given(drafted())
        .when(cancel_listing(organizer(), 40 * DAY))
        .events();
    assert!(matches!(
        events[..],
        [ListingEvent::ListingCancelled { .. }]
    ));
}

#[test]
fn a_customer_cannot_cancel_a_listing() {
    given(published())
        .when(cancel_listing(buyer(1), 1))
        .then_rejected(ListingError::NotYourListing {
            listing_id: listing_id(),
        });
}

#[test]
fn nothing_can_be_held_on_a_cancelled_listing() {
    let mut events = published();
    events.push(ListingEvent::ListingCancelled {
        reason: text("Flood"),
        by: organizer().user_id,
        at: t(1),
    });
    given(events)
        .when(HoldSeats {
            actor: buyer(1),
            hold_id: hold_id(1),
            ticket_type_id: balcony(),
            seats: seats(1),
            hold_for: hold_for(),
            admission: None,
            now: t(2),
        })
        .then_rejected(ListingError::ListingIsCancelled { at: t(1) });
}
