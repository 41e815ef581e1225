//! Holding seats of one ticket type until the hold expires.

use domain::listing::HoldSeats;
use domain::{Actor, HoldId, ListingId, SeatCount, TicketTypeId};
use uuid::Uuid;

use crate::commands::replies::HoldCreated;
use crate::commands::{metadata, minutes, CommandError};
use crate::state::AppState;

/// Holds `seats` of `ticket_type_id` for the actor for the configured hold time.
pub async fn hold(
    state: &AppState,
    actor: Actor,
    listing_id: ListingId,
    ticket_type_id: TicketTypeId,
    seats: SeatCount,
) -> Result<HoldCreated, CommandError> {
    let hold_for = minutes(state.config.hold_minutes)?;
    let hold_id = HoldId::from(Uuid::now_v7());
    let now = state.clock.now();
    let command = HoldSeats {
        actor,
        hold_id,
        ticket_type_id,
        seats,
        hold_for,
        now,
    };
    let expires_at = (now + hold_for.as_delta()).to_rfc3339();
    let answer = move |position| HoldCreated {
        hold_id,
        expires_at: expires_at.clone(),
        position,
    };
    let held = state
        .writers
        .decide_answering(listing_id, metadata(&actor), command.into(), answer)
        .await??;
    Ok(held)
}
