//! Cancelling bookings by buyer, organizer, admin or listing cancellation, over two streams.

use crate::common::*;
use domain::booking::{
    BookingError, BookingEvent, BookingState, BookingStatus, CancellationReason, TicketStatus,
};
use domain::flows;
use domain::listing::{ListingEvent, ListingState, ListingStatus};
use domain::{ListingId, PaymentReference};

#[test]
fn the_buyer_cancels_before_the_start_and_is_refunded() {
    let booked = booked_balcony(2);
    let decision = cancel(&booked, buyer(1), 60).unwrap();
    assert_eq!(
        decision.booking,
        vec![
            BookingEvent::BookingCancelled {
                booking_id: booking_id(1),
                reason: CancellationReason::Buyer,
                by: buyer(1).user_id,
                at: t(60),
            },
            BookingEvent::RefundRecorded {
                booking_id: booking_id(1),
                amount: eur(5000),
                payment_reference: payment(),
                at: t(60),
            },
        ]
    );
    assert_eq!(
        decision.listing,
        vec![ListingEvent::SeatsReturned {
            booking_id: booking_id(1),
            ticket_type_id: balcony(),
            seats: seats(2),
            buyer: Some(buyer(1).user_id),
            at: t(60),
        }]
    );
}

#[test]
fn a_cancelled_booking_voids_its_tickets_and_frees_its_seats() {
    let mut booked = booked_balcony(2);
    let decision = cancel(&booked, buyer(1), 60).unwrap();
    booked.listing.extend(decision.listing);
    booked.booking.extend(decision.booking);
    assert_eq!(fold(&booked.listing).free_seats(balcony()), 4);
    let state = BookingState::fold(&booked.booking);
    let booking = state.booking().unwrap();
    assert_eq!(booking.status, BookingStatus::Cancelled);
    assert_eq!(booking.refund, Some(eur(5000)));
    assert!(booking
        .tickets
        .iter()
        .all(|t| matches!(t.status, TicketStatus::Cancelled { .. })));
}

#[test]
fn cancelling_a_free_booking_records_no_refund() {
    let mut listing = published();
    listing.push(held(1, buyer(1), stalls(), 1, 0));
    let decision = confirm(&listing, buyer(1), hold_id(1), 1, 1, None, 1).unwrap();
    listing.extend(decision.listing);
    let booked = Booked {
        listing,
        booking: decision.booking,
    };
    let decision = cancel(&booked, buyer(1), 60).unwrap();
    assert!(matches!(
        decision.booking[..],
        [BookingEvent::BookingCancelled { .. }]
    ));
}

#[test]
fn seats_returned_by_a_cancellation_are_offered_to_the_waitlist_in_the_same_decision() {
    let mut booked = booked_balcony(4);
    booked.listing.push(joined(1, buyer(2), balcony(), 3, 2));
    let decision = cancel(&booked, buyer(1), 60).unwrap();
    assert_eq!(
        decision.listing,
        vec![
            ListingEvent::SeatsReturned {
                booking_id: booking_id(1),
                ticket_type_id: balcony(),
                seats: seats(4),
                buyer: Some(buyer(1).user_id),
                at: t(60),
            },
            offered(1, buyer(2), balcony(), 3, 60),
        ]
    );
}

#[test]
fn the_buyer_cannot_cancel_once_the_listing_has_started() {
    let booked = booked_balcony(2);
    let error = cancel(&booked, buyer(1), 30 * DAY).unwrap_err();
    assert_eq!(
        error,
        BookingError::TooLateToCancel {
            starts_at: details().starts_at
        }
        .into()
    );
}

#[test]
fn the_organizer_can_cancel_after_the_start() {
    let booked = booked_balcony(2);
    let decision = cancel(&booked, organizer(), 30 * DAY + 10).unwrap();
    assert!(matches!(
        decision.booking[0],
        BookingEvent::BookingCancelled {
            reason: CancellationReason::Organizer,
            ..
        }
    ));
}

#[test]
fn an_admin_can_cancel_any_booking() {
    let booked = booked_balcony(2);
    let decision = cancel(&booked, admin(), 10).unwrap();
    assert!(matches!(
        decision.booking[0],
        BookingEvent::BookingCancelled {
            reason: CancellationReason::Admin,
            ..
        }
    ));
}

#[test]
fn another_customer_cannot_cancel_the_booking() {
    let booked = booked_balcony(2);
    assert_eq!(
        cancel(&booked, buyer(2), 10).unwrap_err(),
        BookingError::NotYourBooking {
            booking_id: booking_id(1)
        }
        .into()
    );
}

#[test]
fn another_organizer_or_staff_cannot_cancel_the_booking() {
    let booked = booked_balcony(2);
    for actor in [other_organizer(), staff()] {
        assert_eq!(
            cancel(&booked, actor, 10).unwrap_err(),
            BookingError::NotYourBooking {
                booking_id: booking_id(1)
            }
            .into()
        );
    }
}

#[test]
fn cancelling_twice_is_rejected_with_when_it_was_cancelled() {
    let mut booked = booked_balcony(2);
    booked
        .booking
        .extend(cancel(&booked, buyer(1), 10).unwrap().booking);
    assert_eq!(
        cancel(&booked, buyer(1), 11).unwrap_err(),
        BookingError::AlreadyCancelled { at: t(10) }.into()
    );
}

#[test]
fn a_buyer_whose_tickets_were_used_cannot_cancel() {
    let mut booked = booked_balcony(2);
    booked.booking.push(BookingEvent::TicketCheckedIn {
        booking_id: booking_id(1),
        ticket_id: ticket_id(100),
        by: staff().user_id,
        at: t(5),
    });
    assert_eq!(
        cancel(&booked, buyer(1), 10).unwrap_err(),
        BookingError::TicketsAlreadyUsed { checked_in: 1 }.into()
    );
}

#[test]
fn cancelling_against_the_wrong_listing_is_rejected() {
    let booked = booked_balcony(2);
    let mut other = published();
    let other_id = ListingId::from_uuid(uuid::Uuid::from_u128(77));
    if let ListingEvent::ListingDrafted { listing_id, .. } = &mut other[0] {
        *listing_id = other_id;
    }
    let error = flows::cancel_booking(
        &ListingState::fold(&other),
        &BookingState::fold(&booked.booking),
        flows::CancelBooking {
            actor: buyer(1),
            offer_for: offer_for(),
            now: t(10),
        },
    )
    .unwrap_err();
    assert_eq!(
        error,
        BookingError::ListingMismatch {
            booking_listing: listing_id(),
            given_listing: other_id,
        }
        .into()
    );
}

#[test]
fn cancelling_a_booking_that_does_not_exist_is_rejected() {
    let booked = Booked {
        listing: published(),
        booking: Vec::new(),
    };
    assert_eq!(
        cancel(&booked, buyer(1), 10).unwrap_err(),
        BookingError::BookingNotFound.into()
    );
}

fn cancelled_listing(booked: &Booked) -> Vec<ListingEvent> {
    let mut listing = booked.listing.clone();
    listing.push(ListingEvent::ListingCancelled {
        reason: text("Singer is ill"),
        by: organizer().user_id,
        at: t(20),
    });
    listing
}

#[test]
fn a_cancelled_listing_cancels_each_booking_with_a_full_refund() {
    let booked = booked_balcony(2);
    let events = flows::cancel_booking_for_cancelled_listing(
        &fold(&cancelled_listing(&booked)),
        &BookingState::fold(&booked.booking),
        t(21),
    )
    .unwrap();
    assert_eq!(
        events,
        vec![
            BookingEvent::BookingCancelled {
                booking_id: booking_id(1),
                reason: CancellationReason::ListingCancelled,
                by: organizer().user_id,
                at: t(21),
            },
            BookingEvent::RefundRecorded {
                booking_id: booking_id(1),
                amount: eur(5000),
                payment_reference: payment(),
                at: t(21),
            },
        ]
    );
}

#[test]
fn cascading_a_cancellation_onto_a_booking_already_cancelled_is_rejected() {
    let mut booked = booked_balcony(2);
    booked
        .booking
        .extend(cancel(&booked, buyer(1), 10).unwrap().booking);
    let error = flows::cancel_booking_for_cancelled_listing(
        &fold(&cancelled_listing(&booked)),
        &BookingState::fold(&booked.booking),
        t(21),
    )
    .unwrap_err();
    assert_eq!(error, BookingError::AlreadyCancelled { at: t(10) }.into());
}

#[test]
fn cascading_a_cancellation_from_a_listing_that_is_not_cancelled_is_rejected() {
    let booked = booked_balcony(2);
    let error = flows::cancel_booking_for_cancelled_listing(
        &fold(&booked.listing),
        &BookingState::fold(&booked.booking),
        t(21),
    )
    .unwrap_err();
    assert_eq!(
        error,
        BookingError::ListingNotCancelled {
            listing_id: listing_id()
        }
        .into()
    );
}

#[test]
fn a_buyer_cancelling_on_a_cancelled_listing_returns_no_seats() {
    let booked = booked_balcony(2);
    let listing = cancelled_listing(&booked);
    assert_eq!(
        fold(&listing).listing().unwrap().status(),
        ListingStatus::Cancelled
    );
    let decision = flows::cancel_booking(
        &fold(&listing),
        &BookingState::fold(&booked.booking),
        flows::CancelBooking {
            actor: buyer(1),
            offer_for: offer_for(),
            now: t(21),
        },
    )
    .unwrap();
    assert!(decision.listing.is_empty());
    assert_eq!(decision.booking.len(), 2);
}

#[test]
fn a_payment_reference_must_be_visible_characters_without_spaces() {
    assert!(PaymentReference::parse("pi 123").is_err());
    assert!(PaymentReference::parse("").is_err());
    assert!(PaymentReference::parse(" pi_123 ").is_ok());
}
