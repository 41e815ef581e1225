//! Setting the per-buyer limits: seats per account and holds per minute.

use domain::listing::{BuyerLimits, SetBuyerLimits};
use domain::{Actor, ListingId};

use super::rules::{self, Request};
use crate::commands::replies::ListingChanged;
use crate::commands::{metadata, CommandError};
use crate::state::AppState;

/// Replaces the listing's per-buyer limits; claims above a lowered limit stay, later
/// holds and waitlist joins are judged by the new one.
pub async fn set_buyer_limits(
    state: &AppState,
    actor: Actor,
    listing_id: ListingId,
    limits: BuyerLimits,
) -> Result<ListingChanged, CommandError> {
    let command = SetBuyerLimits {
        actor,
        limits,
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
        .map_err(|e| rules::in_fields(e, Request::BuyerLimits))?;
    Ok(changed)
}
