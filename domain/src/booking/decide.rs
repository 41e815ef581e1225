//! `decide` for bookings (check-in), plus the booking halves of the cross-aggregate flows.

use super::command::{BookingCommand, CheckIn, UndoCheckIn};
use super::error::BookingError;
use super::event::{BookingEvent, CancellationReason};
use super::state::{Booking, BookingState, BookingStatus};
use super::ticket::{IssuedTicket, NewTicket, Ticket, TicketStatus};
use crate::actor::Actor;
use crate::ids::{BookingId, HoldId, ListingId, TicketTypeId, UserId};
use crate::values::{Money, PaymentReference, SeatCount, ShortText, TicketCode};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

/// Decides a booking command against the folded state; O(tickets in the booking).
pub fn decide(
    state: &BookingState,
    command: BookingCommand,
) -> Result<Vec<BookingEvent>, BookingError> {
    let booking = state.booking().ok_or(BookingError::BookingNotFound)?;
    match command {
        BookingCommand::CheckIn(c) => check_in(booking, c),
        BookingCommand::UndoCheckIn(c) => undo_check_in(booking, c),
    }
}

fn check_in(booking: &Booking, c: CheckIn) -> Result<Vec<BookingEvent>, BookingError> {
    let ticket = door_ticket(booking, &c.actor, &c.code)?;
    if let TicketStatus::CheckedIn { at, by } = ticket.status {
        return Err(BookingError::AlreadyCheckedIn { at, by });
    }
    Ok(vec![BookingEvent::TicketCheckedIn {
        booking_id: booking.id,
        ticket_id: ticket.id,
        by: c.actor.user_id,
        at: c.now,
    }])
}

fn undo_check_in(booking: &Booking, c: UndoCheckIn) -> Result<Vec<BookingEvent>, BookingError> {
    let ticket = door_ticket(booking, &c.actor, &c.code)?;
    if !matches!(ticket.status, TicketStatus::CheckedIn { .. }) {
        return Err(BookingError::NotCheckedIn {
            ticket_id: ticket.id,
        });
    }
    Ok(vec![BookingEvent::TicketCheckInUndone {
        booking_id: booking.id,
        ticket_id: ticket.id,
        by: c.actor.user_id,
        at: c.now,
    }])
}

/// The ticket staff asked about, once we know they may ask and it is not void.
fn door_ticket<'a>(
    booking: &'a Booking,
    actor: &Actor,
    code: &TicketCode,
) -> Result<&'a Ticket, BookingError> {
    if !actor.works_for(booking.organizer_id) {
        return Err(BookingError::NotStaffForListing);
    }
    let ticket = booking
        .ticket_by_code(code)
        .ok_or(BookingError::UnknownTicketCode)?;
    if let TicketStatus::Cancelled { at } = ticket.status {
        return Err(BookingError::TicketCancelled { at });
    }
    Ok(ticket)
}

/// What the listing decided about a hold, handed to the booking to open it.
pub(crate) struct BookingTerms {
    pub booking_id: BookingId,
    pub listing_id: ListingId,
    pub organizer_id: UserId,
    pub buyer: UserId,
    pub hold_id: HoldId,
    pub ticket_type_id: TicketTypeId,
    pub ticket_type_name: ShortText,
    pub seats: SeatCount,
    pub unit_price: Money,
    pub payment_reference: Option<PaymentReference>,
    pub tickets: Vec<NewTicket>,
    pub now: DateTime<Utc>,
}

/// The booking's half of confirming a hold: price, payment and one valid ticket per seat.
pub(crate) fn open(
    state: &BookingState,
    terms: BookingTerms,
) -> Result<Vec<BookingEvent>, BookingError> {
    if let Some(existing) = state.booking() {
        return Err(BookingError::BookingAlreadyExists {
            booking_id: existing.id,
        });
    }
    let total = terms
        .unit_price
        .checked_mul(terms.seats.get())
        .ok_or(BookingError::AmountOverflow)?;
    match (&terms.payment_reference, total.is_zero()) {
        (None, false) => return Err(BookingError::PaymentRequired { total }),
        (Some(_), true) => return Err(BookingError::PaymentNotExpected),
        _ => {}
    }
    check_tickets(&terms.tickets, terms.seats)?;
    let issued = terms
        .tickets
        .into_iter()
        .map(|t| IssuedTicket {
            ticket_id: t.ticket_id,
            code: t.code,
        })
        .collect();
    Ok(vec![
        BookingEvent::BookingConfirmed {
            booking_id: terms.booking_id,
            listing_id: terms.listing_id,
            organizer_id: terms.organizer_id,
            buyer: terms.buyer,
            hold_id: terms.hold_id,
            ticket_type_id: terms.ticket_type_id,
            ticket_type_name: terms.ticket_type_name,
            seats: terms.seats,
            unit_price: terms.unit_price,
            total,
            payment_reference: terms.payment_reference,
            at: terms.now,
        },
        BookingEvent::TicketsIssued {
            booking_id: terms.booking_id,
            tickets: issued,
            at: terms.now,
        },
    ])
}

fn check_tickets(tickets: &[NewTicket], seats: SeatCount) -> Result<(), BookingError> {
    if tickets.len() != seats.get() as usize {
        return Err(BookingError::TicketCountMismatch {
            expected: seats.get(),
            got: tickets.len(),
        });
    }
    let mut ids = BTreeSet::new();
    let mut codes = BTreeSet::new();
    for ticket in tickets {
        if !ids.insert(ticket.ticket_id) {
            return Err(BookingError::DuplicateTicketId {
                ticket_id: ticket.ticket_id,
            });
        }
        if !codes.insert(&ticket.code) {
            return Err(BookingError::DuplicateTicketCode {
                ticket_id: ticket.ticket_id,
            });
        }
    }
    Ok(())
}

/// Who is cancelling: a person (checked against the booking) or the listing's cancellation.
pub(crate) enum Canceller<'a> {
    /// A buyer, organizer or admin; buyers only until `starts_at`.
    Actor {
        actor: &'a Actor,
        starts_at: DateTime<Utc>,
    },
    /// The listing was cancelled by `by`.
    ListingCancelled { by: UserId },
}

/// The booking's half of a cancellation: void tickets and record the refund.
pub(crate) fn cancel(
    booking: &Booking,
    canceller: Canceller<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<BookingEvent>, BookingError> {
    if let Some(cancellation) = booking.cancellation {
        return Err(BookingError::AlreadyCancelled {
            at: cancellation.at,
        });
    }
    debug_assert_eq!(booking.status, BookingStatus::Confirmed);
    let (reason, by) = match canceller {
        Canceller::ListingCancelled { by } => (CancellationReason::ListingCancelled, by),
        Canceller::Actor { actor, starts_at } => {
            (reason_for(booking, actor, starts_at, now)?, actor.user_id)
        }
    };
    let mut events = vec![BookingEvent::BookingCancelled {
        booking_id: booking.id,
        reason,
        by,
        at: now,
    }];
    // Nothing paid, nothing to refund: free bookings record no refund.
    if !booking.total.is_zero() {
        events.push(BookingEvent::RefundRecorded {
            booking_id: booking.id,
            amount: booking.total,
            payment_reference: booking.payment_reference.clone(),
            at: now,
        });
    }
    Ok(events)
}

fn reason_for(
    booking: &Booking,
    actor: &Actor,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<CancellationReason, BookingError> {
    // Organizer and admin rights come first: an organizer who bought their own ticket
    // is still the organizer.
    if actor.is_organizer(booking.organizer_id) {
        return Ok(CancellationReason::Organizer);
    }
    if actor.is_admin() {
        return Ok(CancellationReason::Admin);
    }
    if actor.user_id != booking.buyer {
        return Err(BookingError::NotYourBooking {
            booking_id: booking.id,
        });
    }
    if now >= starts_at {
        return Err(BookingError::TooLateToCancel { starts_at });
    }
    let checked_in = booking.checked_in_count();
    if checked_in > 0 {
        return Err(BookingError::TicketsAlreadyUsed { checked_in });
    }
    Ok(CancellationReason::Buyer)
}
