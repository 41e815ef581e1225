//! Declining a waitlist offer, passing its seats on to the next in line.

use domain::listing::DeclineOffer;
use domain::{Actor, HoldId, ListingId, WaitlistEntryId};

use crate::commands::replies::WaitlistEntryChanged;
use crate::commands::{metadata, minutes, CommandError};
use crate::state::AppState;

/// Declines the offer made to the actor's entry `entry_id`.
pub async fn decline(
    state: &AppState,
    actor: Actor,
    listing_id: ListingId,
    entry_id: WaitlistEntryId,
) -> Result<WaitlistEntryChanged, CommandError> {
    let command = DeclineOffer {
        actor,
        hold_id: HoldId::for_offer(entry_id),
        offer_for: minutes(state.config.offer_minutes)?,
        now: state.clock.now(),
    };
    let answer = move |position| WaitlistEntryChanged { entry_id, position };
    let changed = state
        .writers
        .decide_answering(listing_id, metadata(&actor), command.into(), answer)
        .await??;
    Ok(changed)
}
