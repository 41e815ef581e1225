//! The result of a two-stream decision.

use crate::booking::BookingEvent;
use crate::listing::ListingEvent;

/// Events for the listing stream and the booking stream, to append atomically together,
/// each with the expected version its state was folded at.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decision {
    /// Events for `listing-<uuid>` (may be empty).
    pub listing: Vec<ListingEvent>,
    /// Events for `booking-<uuid>`.
    pub booking: Vec<BookingEvent>,
}
