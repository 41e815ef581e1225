//! Waitlist offers: who gets released seats, decided in the same decision that freed them.

use super::error::ListingError;
use super::event::ListingEvent;
use super::guards::deadline;
use super::state::{Listing, ListingStatus};
use crate::ids::HoldId;
use crate::values::HoldDuration;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

/// Offers to make once `primary` events are applied: repeatedly the oldest waiting entry
/// (across ticket types) whose party fits its type's free seats, until none fits.
///
/// Entries whose party does not fit are skipped, not blocking: a party of four does not
/// keep a single returned seat from the next person who wants one.
pub(crate) fn after(
    listing: &Listing,
    primary: &[ListingEvent],
    offer_for: HoldDuration,
    now: DateTime<Utc>,
) -> Result<Vec<ListingEvent>, ListingError> {
    let selling =
        listing.status == ListingStatus::Published && listing.details.sales.is_open_at(now);
    if !selling || listing.waitlist.is_empty() {
        return Ok(Vec::new());
    }
    // The inventory is a handful of counters; cloning it avoids touching the real state.
    let mut inventory = listing.inventory.clone();
    for event in primary {
        inventory.apply(event);
    }
    let expires_at = deadline(now, offer_for)?;
    let mut taken = BTreeSet::new();
    let mut offers = Vec::new();
    loop {
        let next = listing
            .ticket_types
            .keys()
            .filter_map(|ticket_type_id| {
                let free = inventory.free(*ticket_type_id);
                (free > 0)
                    .then(|| {
                        listing
                            .waitlist
                            .oldest_fitting(*ticket_type_id, free, &taken)
                    })
                    .flatten()
            })
            .min_by_key(|entry| entry.sequence);
        let Some(entry) = next else {
            break;
        };
        let offer = ListingEvent::WaitlistOfferMade {
            hold_id: HoldId::for_offer(entry.id),
            entry_id: entry.id,
            ticket_type_id: entry.ticket_type_id,
            buyer: entry.buyer,
            seats: entry.party_size,
            expires_at,
            at: now,
        };
        inventory.apply(&offer);
        taken.insert(entry.sequence);
        offers.push(offer);
    }
    Ok(offers)
}

/// The primary event followed by the waitlist offers it makes possible.
pub(super) fn with_offers(
    listing: &Listing,
    primary: ListingEvent,
    offer_for: HoldDuration,
    now: DateTime<Utc>,
) -> Result<Vec<ListingEvent>, ListingError> {
    let mut events = vec![primary];
    let offers = after(listing, &events, offer_for, now)?;
    events.extend(offers);
    Ok(events)
}
