//! The guards every listing sub-decider shares: who may manage, whether it sells, and
//! lookups that fail with the most precise rejection.

use super::details::TicketType;
use super::error::ListingError;
use super::hold::Hold;
use super::state::{Listing, ListingStatus};
use crate::actor::Actor;
use crate::ids::{HoldId, TicketTypeId};
use crate::values::HoldDuration;
use chrono::{DateTime, Utc};

/// The owner organizer or an admin may manage a listing.
pub(crate) fn ensure_manager(listing: &Listing, actor: &Actor) -> Result<(), ListingError> {
    if actor.is_admin() || actor.is_organizer(listing.organizer_id) {
        Ok(())
    } else {
        Err(ListingError::NotYourListing {
            listing_id: listing.id,
        })
    }
}

pub(crate) fn ensure_not_cancelled(listing: &Listing) -> Result<(), ListingError> {
    match &listing.cancellation {
        Some(cancellation) => Err(ListingError::ListingIsCancelled {
            at: cancellation.at,
        }),
        None => Ok(()),
    }
}

/// Seats can be held (and waitlists joined) only while published and inside the window.
pub(crate) fn ensure_selling(listing: &Listing, now: DateTime<Utc>) -> Result<(), ListingError> {
    ensure_not_cancelled(listing)?;
    let sales = listing.details.sales;
    match listing.status {
        ListingStatus::Draft => Err(ListingError::NotPublished),
        ListingStatus::SalesClosed | ListingStatus::Cancelled => Err(ListingError::SalesClosed {
            at: listing.sales_closed_at.unwrap_or(sales.closes_at),
        }),
        ListingStatus::Published if now < sales.opens_at => Err(ListingError::SalesNotOpenYet {
            opens_at: sales.opens_at,
        }),
        ListingStatus::Published if now >= sales.closes_at => Err(ListingError::SalesClosed {
            at: sales.closes_at,
        }),
        ListingStatus::Published => Ok(()),
    }
}

pub(crate) fn ticket_type(
    listing: &Listing,
    ticket_type_id: TicketTypeId,
) -> Result<&TicketType, ListingError> {
    listing
        .ticket_types
        .get(&ticket_type_id)
        .ok_or(ListingError::UnknownTicketType { ticket_type_id })
}

/// An active hold, or the most precise reason why it is not one.
pub(crate) fn active_hold(listing: &Listing, hold_id: HoldId) -> Result<&Hold, ListingError> {
    if let Some(hold) = listing.holds.get(&hold_id) {
        return Ok(hold);
    }
    match listing.retired_holds.get(hold_id) {
        Some(outcome) => Err(ListingError::HoldNotActive { hold_id, outcome }),
        None => Err(ListingError::UnknownHold { hold_id }),
    }
}

pub(crate) fn deadline(
    now: DateTime<Utc>,
    duration: HoldDuration,
) -> Result<DateTime<Utc>, ListingError> {
    now.checked_add_signed(duration.as_delta())
        .ok_or(ListingError::TimeOutOfRange)
}
