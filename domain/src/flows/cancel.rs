//! Cancelling a booking: void tickets and refund on the booking, seats back on the listing.

use super::decision::Decision;
use crate::actor::Actor;
use crate::booking::{self, Booking, BookingError, BookingEvent, BookingState, Canceller};
use crate::error::DomainError;
use crate::listing::{self, Listing, ListingError, ListingState, ListingStatus};
use crate::values::HoldDuration;
use chrono::{DateTime, Utc};

/// Cancel a booking: its buyer (until the listing starts), the organizer, or an admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelBooking {
    /// Who cancels.
    pub actor: Actor,
    /// How long waitlist offers made from the returned seats last.
    pub offer_for: HoldDuration,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Decides a cancellation against the booking and its listing.
///
/// Booking: `BookingCancelled` (+ `RefundRecorded` when something was paid). Listing:
/// `SeatsReturned` followed by any `WaitlistOfferMade` the seats allow; nothing when the
/// listing itself is cancelled.
pub fn cancel_booking(
    listing: &ListingState,
    booking: &BookingState,
    command: CancelBooking,
) -> Result<Decision, DomainError> {
    let (listing, booking) = pair(listing, booking)?;
    let booking_events = booking::cancel(
        booking,
        Canceller::Actor {
            actor: &command.actor,
            starts_at: listing.details().starts_at,
        },
        command.now,
    )?;
    let listing_events = listing::return_seats(
        listing,
        booking.id,
        booking.buyer,
        booking.ticket_type_id,
        booking.seats,
        command.offer_for,
        command.now,
    )?;
    Ok(Decision {
        listing: listing_events,
        booking: booking_events,
    })
}

/// Cancels one booking because its listing was cancelled, with a full refund.
///
/// The application runs this for every booking of a listing after `ListingCancelled`;
/// a booking already cancelled answers `AlreadyCancelled`, so reruns are safe to skip.
pub fn cancel_booking_for_cancelled_listing(
    listing: &ListingState,
    booking: &BookingState,
    now: DateTime<Utc>,
) -> Result<Vec<BookingEvent>, DomainError> {
    let (listing, booking) = pair(listing, booking)?;
    let Some(cancellation) = listing.cancellation() else {
        return Err(BookingError::ListingNotCancelled {
            listing_id: listing.id(),
        }
        .into());
    };
    debug_assert_eq!(listing.status(), ListingStatus::Cancelled);
    Ok(booking::cancel(
        booking,
        Canceller::ListingCancelled {
            by: cancellation.by,
        },
        now,
    )?)
}

fn pair<'a>(
    listing: &'a ListingState,
    booking: &'a BookingState,
) -> Result<(&'a Listing, &'a Booking), DomainError> {
    let booking = booking.booking().ok_or(BookingError::BookingNotFound)?;
    let listing = listing.listing().ok_or(ListingError::ListingNotFound)?;
    if booking.listing_id != listing.id() {
        return Err(BookingError::ListingMismatch {
            booking_listing: booking.listing_id,
            given_listing: listing.id(),
        }
        .into());
    }
    Ok((listing, booking))
}
