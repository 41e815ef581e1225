//! Closing a listing's sales early, by hand.

use domain::listing::CloseSales;
use domain::{Actor, ListingId};

use crate::commands::replies::ListingChanged;
use crate::commands::{metadata, CommandError};
use crate::state::AppState;

/// Closes the sales of a listing early, by hand (its organizer).
pub async fn close(
    state: &AppState,
    actor: Actor,
    listing_id: ListingId,
) -> Result<ListingChanged, CommandError> {
    let command = CloseSales {
        actor,
        now: state.clock.now(),
    };
    let answer = move |position| ListingChanged {
        listing_id,
        position,
    };
    let changed = state
        .writers
        .decide_answering(listing_id, metadata(&actor), command.into(), answer)
        .await??;
    Ok(changed)
}
