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
    let position = state
        .writers
        .decide(listing_id, metadata(&actor), command.into())
        .await??;
    Ok(ListingChanged {
        listing_id,
        position,
    })
}
