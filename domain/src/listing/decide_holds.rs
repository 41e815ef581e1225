//! Deciding holds: hold, release, expire, decline offers, and the listing side of bookings.

use super::command::{DeclineOffer, ExpireHold, HoldSeats, ReleaseHold};
use super::error::ListingError;
use super::event::{HoldReleaseReason, ListingEvent};
use super::guards::{active_hold, deadline, ensure_selling, ticket_type};
use super::hold::Hold;
use super::offers::with_offers;
use super::state::{Listing, ListingStatus};
use crate::actor::Actor;
use crate::ids::{BookingId, HoldId, TicketTypeId, UserId, WaitlistEntryId};
use crate::values::{HoldDuration, SeatCount};
use chrono::{DateTime, Utc};

pub(super) fn hold(listing: &Listing, c: HoldSeats) -> Result<Vec<ListingEvent>, ListingError> {
    ensure_selling(listing, c.now)?;
    let ticket_type = ticket_type(listing, c.ticket_type_id)?;
    check_per_booking(listing, c.seats)?;
    let taken = listing.holds.contains_key(&c.hold_id)
        || listing.retired_holds.get(c.hold_id).is_some()
        // Offers reuse entry ids as hold ids, so a hold may not squat on one.
        || listing
            .waitlist
            .get(WaitlistEntryId::from_uuid(c.hold_id.as_uuid()))
            .is_some();
    if taken {
        return Err(ListingError::HoldIdAlreadyUsed { hold_id: c.hold_id });
    }
    super::decide_room::ensure_admitted(listing, c.actor.user_id, c.now)?;
    super::admission::ensure_proof(listing, c.actor.user_id, c.admission.as_ref(), c.now)?;
    let claim = listing.buyers.claim(c.actor.user_id);
    if let Some(hold_id) = claim.and_then(|claim| claim.open_holds.get(&c.ticket_type_id)) {
        return Err(ListingError::OpenHoldExists { hold_id: *hold_id });
    }
    check_buyer_seats(listing, c.actor.user_id, c.seats)?;
    let per_minute = listing.limits.holds_per_minute;
    if let Some((count, Some(frees_at))) = claim.map(|claim| claim.holds_in_window(c.now)) {
        if count >= per_minute {
            let wait = (frees_at - c.now).num_milliseconds().max(0) as u64;
            return Err(ListingError::HoldRateExceeded {
                per_minute,
                retry_after: wait.div_ceil(1000).max(1),
            });
        }
    }
    let free = listing.inventory.free(c.ticket_type_id);
    if free == 0 {
        return Err(ListingError::SoldOut {
            ticket_type: ticket_type.name.clone(),
        });
    }
    if c.seats.get() > free {
        return Err(ListingError::NotEnoughSeats {
            ticket_type: ticket_type.name.clone(),
            requested: c.seats.get(),
            free,
        });
    }
    Ok(vec![ListingEvent::SeatsHeld {
        hold_id: c.hold_id,
        ticket_type_id: c.ticket_type_id,
        buyer: c.actor.user_id,
        seats: c.seats,
        expires_at: deadline(c.now, c.hold_for)?,
        at: c.now,
    }])
}

pub(super) fn release(
    listing: &Listing,
    c: ReleaseHold,
) -> Result<Vec<ListingEvent>, ListingError> {
    let hold = own_hold(listing, &c.actor, c.hold_id)?;
    if hold.is_offer() {
        return Err(ListingError::HoldIsAnOffer { hold_id: c.hold_id });
    }
    let released = ListingEvent::HoldReleased {
        hold_id: hold.id,
        ticket_type_id: hold.ticket_type_id,
        buyer: hold.buyer,
        seats: hold.seats,
        reason: HoldReleaseReason::ReleasedByBuyer,
        by: c.actor.user_id,
        at: c.now,
    };
    with_offers(listing, released, c.offer_for, c.now)
}

pub(super) fn expire(listing: &Listing, c: ExpireHold) -> Result<Vec<ListingEvent>, ListingError> {
    let hold = active_hold(listing, c.hold_id)?;
    if c.now < hold.expires_at {
        return Err(ListingError::HoldNotYetExpired {
            hold_id: hold.id,
            expires_at: hold.expires_at,
            now: c.now,
        });
    }
    let expired = match hold.offer_entry_id {
        Some(entry_id) => ListingEvent::WaitlistOfferExpired {
            hold_id: hold.id,
            entry_id,
            ticket_type_id: hold.ticket_type_id,
            buyer: hold.buyer,
            seats: hold.seats,
            at: c.now,
        },
        None => ListingEvent::HoldExpired {
            hold_id: hold.id,
            ticket_type_id: hold.ticket_type_id,
            buyer: hold.buyer,
            seats: hold.seats,
            at: c.now,
        },
    };
    with_offers(listing, expired, c.offer_for, c.now)
}

pub(super) fn decline(
    listing: &Listing,
    c: DeclineOffer,
) -> Result<Vec<ListingEvent>, ListingError> {
    let hold = own_hold(listing, &c.actor, c.hold_id)?;
    let Some(entry_id) = hold.offer_entry_id else {
        return Err(ListingError::NotAnOffer { hold_id: c.hold_id });
    };
    let declined = ListingEvent::WaitlistOfferDeclined {
        hold_id: hold.id,
        entry_id,
        ticket_type_id: hold.ticket_type_id,
        buyer: hold.buyer,
        seats: hold.seats,
        at: c.now,
    };
    with_offers(listing, declined, c.offer_for, c.now)
}

/// The listing's half of confirming a hold: the hold's seats become sold.
///
/// Holds made before sales closed stay confirmable until their own deadline.
pub(crate) fn confirm_hold<'a>(
    listing: &'a Listing,
    actor: &Actor,
    hold_id: HoldId,
    booking_id: BookingId,
    now: DateTime<Utc>,
) -> Result<(ListingEvent, &'a Hold), ListingError> {
    let hold = own_hold(listing, actor, hold_id)?;
    if now >= hold.expires_at {
        return Err(ListingError::HoldExpired {
            hold_id,
            expires_at: hold.expires_at,
        });
    }
    let unit_price = ticket_type(listing, hold.ticket_type_id)?.price;
    let confirmed = ListingEvent::HoldConfirmed {
        hold_id,
        booking_id,
        ticket_type_id: hold.ticket_type_id,
        buyer: hold.buyer,
        seats: hold.seats,
        offer_entry_id: hold.offer_entry_id,
        unit_price,
        at: now,
    };
    Ok((confirmed, hold))
}

/// The listing's half of cancelling a booking: its seats return and may go to the waitlist.
///
/// A cancelled listing has nothing to return seats to, so it yields no events.
pub(crate) fn return_seats(
    listing: &Listing,
    booking_id: BookingId,
    buyer: UserId,
    ticket_type_id: TicketTypeId,
    seats: SeatCount,
    offer_for: HoldDuration,
    now: DateTime<Utc>,
) -> Result<Vec<ListingEvent>, ListingError> {
    if listing.status == ListingStatus::Cancelled {
        return Ok(Vec::new());
    }
    ticket_type(listing, ticket_type_id)?;
    let returned = ListingEvent::SeatsReturned {
        booking_id,
        ticket_type_id,
        seats,
        buyer: Some(buyer),
        at: now,
    };
    with_offers(listing, returned, offer_for, now)
}

fn own_hold<'a>(
    listing: &'a Listing,
    actor: &Actor,
    hold_id: HoldId,
) -> Result<&'a Hold, ListingError> {
    let hold = active_hold(listing, hold_id)?;
    if hold.buyer != actor.user_id {
        return Err(ListingError::NotYourHold { hold_id });
    }
    Ok(hold)
}

/// Refuses `seats` more when they would take the buyer's claim past the listing's limit.
pub(super) fn check_buyer_seats(
    listing: &Listing,
    buyer: UserId,
    seats: SeatCount,
) -> Result<(), ListingError> {
    let max = listing.max_seats_per_buyer();
    let claimed = listing.buyers.claim(buyer).map_or(0, |claim| claim.seats);
    if claimed.saturating_add(seats.get()) > max {
        return Err(ListingError::BuyerSeatLimit {
            max,
            claimed,
            requested: seats.get(),
        });
    }
    Ok(())
}

pub(super) fn check_per_booking(listing: &Listing, seats: SeatCount) -> Result<(), ListingError> {
    let max = listing.details.max_tickets_per_booking.get();
    if seats.get() > max {
        return Err(ListingError::TooManySeatsPerBooking {
            requested: seats.get(),
            max,
        });
    }
    Ok(())
}
