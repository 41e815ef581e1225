//! Releasing a hold before it expires; its seats return to the pool (or the waitlist).

use domain::listing::ReleaseHold;
use domain::{Actor, HoldId, ListingId};

use crate::commands::replies::HoldReleased;
use crate::commands::{metadata, minutes, CommandError};
use crate::state::AppState;

/// Releases the actor's hold `hold_id`.
pub async fn release(
    state: &AppState,
    actor: Actor,
    listing_id: ListingId,
    hold_id: HoldId,
) -> Result<HoldReleased, CommandError> {
    let command = ReleaseHold {
        actor,
        hold_id,
        offer_for: minutes(state.config.offer_minutes)?,
        now: state.clock.now(),
    };
    let answer = move |position| HoldReleased { hold_id, position };
    let changed = state
        .writers
        .decide_answering(listing_id, metadata(&actor), command.into(), answer)
        .await??;
    Ok(changed)
}
