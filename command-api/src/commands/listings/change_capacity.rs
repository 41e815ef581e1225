//! Changing a ticket type's capacity; freed seats go to the waitlist first.

use domain::listing::ChangeTicketTypeCapacity;
use domain::{Actor, ListingId, TicketTypeId};

use super::rules::{self, Request};
use crate::commands::replies::ListingChanged;
use crate::commands::{metadata, minutes, CommandError};
use crate::state::AppState;

/// Sets the capacity of one ticket type; never below the seats held or sold.
pub async fn change_capacity(
    state: &AppState,
    actor: Actor,
    listing_id: ListingId,
    ticket_type_id: TicketTypeId,
    capacity: u32,
) -> Result<ListingChanged, CommandError> {
    let command = ChangeTicketTypeCapacity {
        actor,
        ticket_type_id,
        capacity,
        offer_for: minutes(state.config.offer_minutes)?,
        now: state.clock.now(),
    };
    let answer = move |position| ListingChanged {
        listing_id,
        position,
    };
    let changed = state
        .writers
        .decide_answering(listing_id, metadata(&actor), command.into(), answer)
        .await?
        .map_err(|e| rules::in_fields(e, Request::Capacity))?;
    Ok(changed)
}
