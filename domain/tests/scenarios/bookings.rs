//! Confirming holds into bookings: one decision over the listing and the booking streams.

use crate::common::*;
use domain::booking::{
    BookingError, BookingEvent, BookingState, BookingStatus, IssuedTicket, TicketStatus,
};
use domain::flows::{self, ConfirmHold};
use domain::listing::{ListingError, ListingEvent};
use domain::DomainError;

#[test]
fn confirming_a_paid_hold_creates_a_booking_with_one_ticket_per_seat() {
    let mut events = published();
    events.push(held(1, buyer(1), balcony(), 2, 0));
    let decision = confirm(&events, buyer(1), hold_id(1), 1, 2, payment(), 3).unwrap();
    assert_eq!(
        decision.listing,
        vec![ListingEvent::HoldConfirmed {
            hold_id: hold_id(1),
            booking_id: booking_id(1),
            ticket_type_id: balcony(),
            buyer: buyer(1).user_id,
            seats: seats(2),
            offer_entry_id: None,
            unit_price: eur(2500),
            at: t(3),
        }]
    );
    assert_eq!(
        decision.booking,
        vec![
            BookingEvent::BookingConfirmed {
                booking_id: booking_id(1),
                listing_id: listing_id(),
                organizer_id: organizer().user_id,
                buyer: buyer(1).user_id,
                hold_id: hold_id(1),
                ticket_type_id: balcony(),
                ticket_type_name: text("Balcony"),
                seats: seats(2),
                unit_price: eur(2500),
                total: eur(5000),
                payment_reference: payment(),
                at: t(3),
            },
            BookingEvent::TicketsIssued {
                booking_id: booking_id(1),
                tickets: vec![
                    IssuedTicket {
                        ticket_id: ticket_id(100),
                        code: code(100),
                    },
                    IssuedTicket {
                        ticket_id: ticket_id(101),
                        code: code(101),
                    },
                ],
                at: t(3),
            },
        ]
    );
}

#[test]
fn a_confirmed_hold_turns_held_seats_into_sold_seats() {
    let booked = booked_balcony(2);
    let availability = fold(&booked.listing).available(balcony()).unwrap();
    assert_eq!(
        (availability.held, availability.sold, availability.free),
        (0, 2, 2)
    );
    let booking = BookingState::fold(&booked.booking);
    let booking = booking.booking().unwrap();
    assert_eq!(booking.status, BookingStatus::Confirmed);
    assert_eq!(booking.tickets.len(), 2);
    assert!(booking
        .tickets
        .iter()
        .all(|ticket| ticket.status == TicketStatus::Valid));
}

#[test]
fn confirming_a_free_hold_needs_no_payment() {
    let mut events = published();
    events.push(held(1, buyer(1), stalls(), 3, 0));
    let decision = confirm(&events, buyer(1), hold_id(1), 1, 3, None, 3).unwrap();
    let BookingEvent::BookingConfirmed { total, .. } = &decision.booking[0] else {
        panic!("expected BookingConfirmed first");
    };
    assert!(total.is_zero());
}

#[test]
fn a_paid_hold_without_a_payment_reference_is_rejected_with_the_total() {
    let mut events = published();
    events.push(held(1, buyer(1), balcony(), 2, 0));
    let error = confirm(&events, buyer(1), hold_id(1), 1, 2, None, 3).unwrap_err();
    assert_eq!(
        error,
        DomainError::Booking(BookingError::PaymentRequired { total: eur(5000) })
    );
    assert_eq!(
        error.to_string(),
        "a payment reference is required for 50.00 EUR"
    );
}

#[test]
fn a_free_hold_with_a_payment_reference_is_rejected() {
    let mut events = published();
    events.push(held(1, buyer(1), stalls(), 1, 0));
    let error = confirm(&events, buyer(1), hold_id(1), 1, 1, payment(), 3).unwrap_err();
    assert_eq!(error, BookingError::PaymentNotExpected.into());
}

#[test]
fn confirming_needs_exactly_one_ticket_per_seat() {
    let mut events = published();
    events.push(held(1, buyer(1), balcony(), 2, 0));
    let error = confirm(&events, buyer(1), hold_id(1), 1, 3, payment(), 3).unwrap_err();
    assert_eq!(
        error,
        BookingError::TicketCountMismatch {
            expected: 2,
            got: 3
        }
        .into()
    );
}

fn confirm_with(tickets: Vec<domain::booking::NewTicket>) -> Result<flows::Decision, DomainError> {
    let mut events = published();
    events.push(held(1, buyer(1), balcony(), 2, 0));
    flows::confirm_hold(
        &fold(&events),
        &BookingState::default(),
        ConfirmHold {
            actor: buyer(1),
            hold_id: hold_id(1),
            booking_id: booking_id(1),
            payment_reference: payment(),
            tickets,
            now: t(3),
        },
    )
}

#[test]
fn two_tickets_with_the_same_code_are_rejected() {
    let mut tickets = tickets(1, 2);
    tickets[1].code = tickets[0].code.clone();
    assert_eq!(
        confirm_with(tickets).unwrap_err(),
        BookingError::DuplicateTicketCode {
            ticket_id: ticket_id(2)
        }
        .into()
    );
}

#[test]
fn two_tickets_with_the_same_id_are_rejected() {
    let mut tickets = tickets(1, 2);
    tickets[1].ticket_id = tickets[0].ticket_id;
    assert_eq!(
        confirm_with(tickets).unwrap_err(),
        BookingError::DuplicateTicketId {
            ticket_id: ticket_id(1)
        }
        .into()
    );
}

#[test]
fn confirming_after_the_deadline_is_rejected_with_when_the_hold_expired() {
    let mut events = published();
    events.push(held(1, buyer(1), balcony(), 2, 0));
    let error = confirm(&events, buyer(1), hold_id(1), 1, 2, payment(), HOLD_MINUTES).unwrap_err();
    assert_eq!(
        error,
        ListingError::HoldExpired {
            hold_id: hold_id(1),
            expires_at: t(HOLD_MINUTES),
        }
        .into()
    );
    assert_eq!(
        error.to_string(),
        format!("hold {} expired at 2026-06-01 10:10:00 UTC", hold_id(1))
    );
}

#[test]
fn confirming_someone_elses_hold_is_rejected() {
    let mut events = published();
    events.push(held(1, buyer(1), balcony(), 2, 0));
    let error = confirm(&events, buyer(2), hold_id(1), 1, 2, payment(), 3).unwrap_err();
    assert_eq!(
        error,
        ListingError::NotYourHold {
            hold_id: hold_id(1)
        }
        .into()
    );
}

#[test]
fn confirming_into_an_existing_booking_is_rejected() {
    let booked = booked_balcony(1);
    let mut listing = booked.listing.clone();
    listing.push(held(2, buyer(1), balcony(), 1, 2));
    let error = flows::confirm_hold(
        &fold(&listing),
        &BookingState::fold(&booked.booking),
        ConfirmHold {
            actor: buyer(1),
            hold_id: hold_id(2),
            booking_id: booking_id(1),
            payment_reference: payment(),
            tickets: tickets(50, 1),
            now: t(3),
        },
    )
    .unwrap_err();
    assert_eq!(
        error,
        BookingError::BookingAlreadyExists {
            booking_id: booking_id(1)
        }
        .into()
    );
}

#[test]
fn confirming_a_hold_twice_says_which_booking_it_became() {
    let booked = booked_balcony(1);
    let error = confirm(&booked.listing, buyer(1), hold_id(1), 2, 1, payment(), 3).unwrap_err();
    assert!(
        error.to_string().contains("already confirmed as booking"),
        "{error}"
    );
}

#[test]
fn confirming_on_a_listing_that_does_not_exist_is_rejected() {
    let error = confirm(&[], buyer(1), hold_id(1), 1, 1, payment(), 3).unwrap_err();
    assert_eq!(error, ListingError::ListingNotFound.into());
}

#[test]
fn a_hold_made_before_sales_closed_can_still_be_confirmed() {
    let mut events = published();
    events.push(held(1, buyer(1), balcony(), 1, 0));
    events.push(ListingEvent::SalesClosed {
        by: Some(organizer().user_id),
        at: t(1),
    });
    assert!(confirm(&events, buyer(1), hold_id(1), 1, 1, payment(), 2).is_ok());
}

#[test]
fn accepting_a_waitlist_offer_books_the_offered_seats() {
    let mut events = balcony_sold_out();
    events.push(joined(1, buyer(2), balcony(), 2, 1));
    events.push(ListingEvent::HoldExpired {
        hold_id: hold_id(1),
        ticket_type_id: balcony(),
        buyer: buyer(1).user_id,
        seats: seats(4),
        at: t(10),
    });
    events.push(offered(1, buyer(2), balcony(), 2, 10));
    let decision = confirm(&events, buyer(2), offer_hold(1), 2, 2, payment(), 20).unwrap();
    assert!(matches!(
        decision.listing[..],
        [ListingEvent::HoldConfirmed {
            offer_entry_id: Some(entry),
            ..
        }] if entry == entry_id(1)
    ));
    events.extend(decision.listing);
    let availability = fold(&events).available(balcony()).unwrap();
    assert_eq!((availability.offered, availability.sold), (0, 2));
}
