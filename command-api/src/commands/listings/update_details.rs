//! Replacing a listing's details as a whole.

use domain::listing::{ListingDetails, UpdateListingDetails};
use domain::{Actor, ListingId};

use super::rules::{self, Request};
use crate::commands::replies::ListingChanged;
use crate::commands::{metadata, CommandError};
use crate::state::AppState;

/// Replaces the listing's details (title, venue, times, sales window, per-booking limit).
pub async fn update_details(
    state: &AppState,
    actor: Actor,
    listing_id: ListingId,
    details: ListingDetails,
) -> Result<ListingChanged, CommandError> {
    let command = UpdateListingDetails {
        actor,
        details,
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
        .map_err(|e| rules::in_fields(e, Request::Details))?;
    Ok(changed)
}
