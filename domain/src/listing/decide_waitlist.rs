//! Deciding waitlist joins and leaves (offers are made in `offers`).

use super::command::{JoinWaitlist, LeaveWaitlist};
use super::decide_holds::{check_buyer_seats, check_per_booking};
use super::error::ListingError;
use super::event::ListingEvent;
use super::guards::{ensure_selling, ticket_type};
use super::state::Listing;
use crate::ids::HoldId;

pub(super) fn join(listing: &Listing, c: JoinWaitlist) -> Result<Vec<ListingEvent>, ListingError> {
    ensure_selling(listing, c.now)?;
    let ticket_type = ticket_type(listing, c.ticket_type_id)?;
    check_per_booking(listing, c.party_size)?;
    let party = c.party_size.get();
    let capacity = listing
        .inventory
        .stock(c.ticket_type_id)
        .map_or(0, |s| s.capacity);
    let capacity = listing
        .inventory
        .total_capacity()
        .map_or(capacity, |total| capacity.min(total));
    if party > capacity {
        return Err(ListingError::PartyLargerThanCapacity {
            ticket_type: ticket_type.name.clone(),
            capacity,
            party_size: party,
        });
    }
    let free = listing.inventory.free(c.ticket_type_id);
    if free >= party {
        return Err(ListingError::SeatsAvailable {
            ticket_type: ticket_type.name.clone(),
            free,
        });
    }
    if let Some(entry) = listing.waitlist.entry_of(c.ticket_type_id, c.actor.user_id) {
        return Err(ListingError::AlreadyOnWaitlist { entry_id: entry.id });
    }
    check_buyer_seats(listing, c.actor.user_id, c.party_size)?;
    super::decide_room::ensure_admitted(listing, c.actor.user_id, c.now)?;
    let offer_hold = HoldId::for_offer(c.entry_id);
    let id_taken = listing.waitlist.get(c.entry_id).is_some()
        || listing.holds.contains_key(&offer_hold)
        || listing.retired_holds.get(offer_hold).is_some();
    if id_taken {
        return Err(ListingError::WaitlistEntryIdAlreadyUsed {
            entry_id: c.entry_id,
        });
    }
    Ok(vec![ListingEvent::WaitlistJoined {
        entry_id: c.entry_id,
        ticket_type_id: c.ticket_type_id,
        buyer: c.actor.user_id,
        party_size: c.party_size,
        at: c.now,
    }])
}

pub(super) fn leave(
    listing: &Listing,
    c: LeaveWaitlist,
) -> Result<Vec<ListingEvent>, ListingError> {
    let Some(entry) = listing.waitlist.get(c.entry_id) else {
        let hold_id = HoldId::for_offer(c.entry_id);
        return Err(match listing.holds.get(&hold_id) {
            Some(hold) if hold.buyer != c.actor.user_id => ListingError::NotYourWaitlistEntry {
                entry_id: c.entry_id,
            },
            Some(_) => ListingError::EntryAlreadyOffered {
                entry_id: c.entry_id,
                hold_id,
            },
            None => ListingError::UnknownWaitlistEntry {
                entry_id: c.entry_id,
            },
        });
    };
    if entry.buyer != c.actor.user_id {
        return Err(ListingError::NotYourWaitlistEntry {
            entry_id: c.entry_id,
        });
    }
    // Leaving frees no seats, so it never triggers offers.
    Ok(vec![ListingEvent::WaitlistLeft {
        entry_id: entry.id,
        ticket_type_id: entry.ticket_type_id,
        buyer: entry.buyer,
        at: c.now,
    }])
}
