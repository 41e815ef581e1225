//! Publishing a draft listing.

use domain::listing::PublishListing;
use domain::{Actor, ListingId};

use crate::commands::replies::ListingChanged;
use crate::commands::{metadata, CommandError};
use crate::state::AppState;

/// Publishes a draft listing (its organizer).
pub async fn publish(
    state: &AppState,
    actor: Actor,
    listing_id: ListingId,
) -> Result<ListingChanged, CommandError> {
    let command = PublishListing {
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
