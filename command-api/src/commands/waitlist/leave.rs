//! Leaving the waitlist.

use domain::listing::LeaveWaitlist;
use domain::{Actor, ListingId, WaitlistEntryId};

use crate::commands::replies::WaitlistEntryChanged;
use crate::commands::{metadata, CommandError};
use crate::state::AppState;

/// Takes the actor's entry `entry_id` off the waitlist.
pub async fn leave(
    state: &AppState,
    actor: Actor,
    listing_id: ListingId,
    entry_id: WaitlistEntryId,
) -> Result<WaitlistEntryChanged, CommandError> {
    let command = LeaveWaitlist {
        actor,
        entry_id,
        now: state.clock.now(),
    };
    let answer = move |position| WaitlistEntryChanged { entry_id, position };
    let changed = state
        .writers
        .decide_answering(listing_id, metadata(&actor), command.into(), answer)
        .await??;
    Ok(changed)
}
