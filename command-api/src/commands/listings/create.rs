//! Creating a draft listing with its ticket types (organizers only).

use domain::listing::{BuyerLimits, CreateListing, ListingDetails, NewTicketType};
use domain::{Actor, ListingId};
use uuid::Uuid;

use super::rules::{self, Request};
use crate::commands::replies::ListingCreated;
use crate::commands::{metadata, CommandError};
use crate::state::AppState;

/// What a new listing is made of.
#[derive(Debug, Clone)]
pub struct NewListing {
    /// Its details.
    pub details: ListingDetails,
    /// Its ticket types (one or more).
    pub ticket_types: Vec<NewTicketType>,
    /// An optional cap on all seats.
    pub total_capacity: Option<u32>,
    /// Per-buyer limits other than the defaults.
    pub buyer_limits: Option<BuyerLimits>,
}

/// Creates a draft listing with its ticket types, an optional cap on all seats and
/// optional per-buyer limits.
pub async fn create(
    state: &AppState,
    actor: Actor,
    new: NewListing,
) -> Result<ListingCreated, CommandError> {
    let NewListing {
        details,
        ticket_types,
        total_capacity,
        buyer_limits,
    } = new;
    let listing_id = ListingId::from(Uuid::now_v7());
    let ticket_type_ids: Vec<_> = ticket_types.iter().map(|t| t.id).collect();
    // Kept for naming a refused ticket type by its place in the request.
    let requested = ticket_types.clone();
    let command = CreateListing {
        actor,
        listing_id,
        details,
        ticket_types,
        total_capacity,
        buyer_limits,
        now: state.clock.now(),
    };
    let answer = move |position| ListingCreated {
        listing_id,
        ticket_type_ids: ticket_type_ids.clone(),
        position,
    };
    let changed = state
        .writers
        .decide_answering(listing_id, metadata(&actor), command.into(), answer)
        .await?
        .map_err(|e| rules::in_fields(e, Request::Create(&requested)))?;
    Ok(changed)
}
