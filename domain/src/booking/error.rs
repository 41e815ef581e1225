//! Why a booking refused a command, in words a person can act on.

use crate::ids::{BookingId, ListingId, TicketId, UserId};
use crate::values::Money;
use chrono::{DateTime, Utc};

/// A booking's rejection of a command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookingError {
    /// The stream has no `BookingConfirmed` yet.
    #[error("this booking does not exist")]
    BookingNotFound,
    /// Confirming into a booking id that is taken.
    #[error("booking {booking_id} already exists")]
    BookingAlreadyExists {
        /// The existing booking.
        booking_id: BookingId,
    },
    /// The booking is for another listing than the one passed in.
    #[error("booking is for listing {booking_listing}, not {given_listing}")]
    ListingMismatch {
        /// The booking's listing.
        booking_listing: ListingId,
        /// The listing given.
        given_listing: ListingId,
    },
    /// Cancelling twice.
    #[error("the booking was already cancelled at {at}")]
    AlreadyCancelled {
        /// When.
        at: DateTime<Utc>,
    },
    /// Acting on someone else's booking.
    #[error("booking {booking_id} belongs to another buyer")]
    NotYourBooking {
        /// The booking.
        booking_id: BookingId,
    },
    /// A buyer cancelling after the listing started.
    #[error("bookings can be cancelled only until the listing starts at {starts_at}; contact the organizer")]
    TooLateToCancel {
        /// Start of the listing.
        starts_at: DateTime<Utc>,
    },
    /// A buyer cancelling after tickets were used.
    #[error("{checked_in} tickets of this booking were already used; contact the organizer")]
    TicketsAlreadyUsed {
        /// Tickets admitted.
        checked_in: usize,
    },
    /// A paid booking without payment.
    #[error("a payment reference is required for {total}")]
    PaymentRequired {
        /// The amount due.
        total: Money,
    },
    /// A free booking with a payment reference.
    #[error("these tickets are free; no payment reference is expected")]
    PaymentNotExpected,
    /// Not exactly one ticket per seat.
    #[error("{expected} seats need {expected} tickets (got {got})")]
    TicketCountMismatch {
        /// Seats.
        expected: u32,
        /// Tickets given.
        got: usize,
    },
    /// Two tickets with one code.
    #[error("ticket {ticket_id} repeats a code used by another ticket of this booking; generate a fresh code")]
    DuplicateTicketCode {
        /// The second ticket with the code.
        ticket_id: TicketId,
    },
    /// Two tickets with one id.
    #[error("ticket id {ticket_id} appears twice")]
    DuplicateTicketId {
        /// The repeated id.
        ticket_id: TicketId,
    },
    /// Price times seats does not fit.
    #[error("the total price is too large to represent")]
    AmountOverflow,
    /// Check-in by someone not working for the organizer.
    #[error("only the organizer of this listing and their staff can check tickets in")]
    NotStaffForListing,
    /// No ticket with this code in the booking.
    #[error("no ticket with this code in this booking")]
    UnknownTicketCode,
    /// The ticket's booking was cancelled.
    #[error("this ticket was cancelled at {at}; do not admit")]
    TicketCancelled {
        /// When.
        at: DateTime<Utc>,
    },
    /// Second admission.
    #[error("this ticket was already admitted at {at} by {by}")]
    AlreadyCheckedIn {
        /// First admission.
        at: DateTime<Utc>,
        /// Who admitted it.
        by: UserId,
    },
    /// Undoing a check-in that did not happen.
    #[error("ticket {ticket_id} is not checked in")]
    NotCheckedIn {
        /// The ticket.
        ticket_id: TicketId,
    },
    /// Cancelling "because the listing was cancelled" while it was not.
    #[error("listing {listing_id} is not cancelled")]
    ListingNotCancelled {
        /// The listing.
        listing_id: ListingId,
    },
}
