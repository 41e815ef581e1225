//! Confirming a hold (or accepting a waitlist offer): sold seats on the listing, a new booking.

use super::decision::Decision;
use crate::actor::Actor;
use crate::booking::{self, BookingState, BookingTerms, NewTicket};
use crate::error::DomainError;
use crate::ids::{BookingId, HoldId};
use crate::listing::{self, ListingError, ListingState};
use crate::values::PaymentReference;
use chrono::{DateTime, Utc};

/// Turn a hold (or an accepted waitlist offer) into a booking with one ticket per seat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmHold {
    /// The buyer who holds it.
    pub actor: Actor,
    /// Which hold or offer.
    pub hold_id: HoldId,
    /// The new booking's id (its stream is `booking-<uuid>`).
    pub booking_id: BookingId,
    /// The payment provider's reference; required when the price is above zero, and
    /// refused for free tickets.
    pub payment_reference: Option<PaymentReference>,
    /// Exactly one new ticket per held seat, each with a distinct CSPRNG code.
    pub tickets: Vec<NewTicket>,
    /// The current time; must be before the hold's deadline.
    pub now: DateTime<Utc>,
}

/// Decides a confirmation against the listing and the (empty) booking stream.
///
/// Returns `HoldConfirmed` for the listing and `BookingConfirmed` + `TicketsIssued` for the
/// booking. Codes are unique within the booking here; uniqueness across bookings is the
/// application's code index (a unique constraint), backed by 80+ bits of code entropy.
pub fn confirm_hold(
    listing: &ListingState,
    booking: &BookingState,
    command: ConfirmHold,
) -> Result<Decision, DomainError> {
    let listing = listing.listing().ok_or(ListingError::ListingNotFound)?;
    let (confirmed, hold) = listing::confirm_hold(
        listing,
        &command.actor,
        command.hold_id,
        command.booking_id,
        command.now,
    )?;
    let ticket_type =
        listing
            .ticket_type(hold.ticket_type_id)
            .ok_or(ListingError::UnknownTicketType {
                ticket_type_id: hold.ticket_type_id,
            })?;
    let booking_events = booking::open(
        booking,
        BookingTerms {
            booking_id: command.booking_id,
            listing_id: listing.id(),
            organizer_id: listing.organizer_id(),
            buyer: hold.buyer,
            hold_id: hold.id,
            ticket_type_id: hold.ticket_type_id,
            ticket_type_name: ticket_type.name.clone(),
            seats: hold.seats,
            unit_price: ticket_type.price,
            payment_reference: command.payment_reference,
            tickets: command.tickets,
            now: command.now,
        },
    )?;
    Ok(Decision {
        listing: vec![confirmed],
        booking: booking_events,
    })
}
