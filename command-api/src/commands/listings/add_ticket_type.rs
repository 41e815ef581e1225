//! Adding a ticket type to a listing.

use domain::listing::{AddTicketType, NewTicketType};
use domain::{Actor, ListingId};

use super::rules::{self, Request};
use crate::commands::replies::TicketTypeAdded;
use crate::commands::{metadata, CommandError};
use crate::state::AppState;

/// Adds `ticket_type` (its id minted by the caller) to the listing.
pub async fn add_ticket_type(
    state: &AppState,
    actor: Actor,
    listing_id: ListingId,
    ticket_type: NewTicketType,
) -> Result<TicketTypeAdded, CommandError> {
    let ticket_type_id = ticket_type.id;
    let command = AddTicketType {
        actor,
        ticket_type,
        now: state.clock.now(),
    };
    let answer = move |position| TicketTypeAdded {
        listing_id,
        ticket_type_id,
        position,
    };
    let changed = state
        .writers
        .decide_answering(listing_id, metadata(&actor), command.into(), answer)
        .await?
        .map_err(|e| rules::in_fields(e, Request::TicketType))?;
    Ok(changed)
}
