//! Holding seats of one ticket type until the hold expires; while the listing's waiting
//! room is on, with the admission token the room gave the buyer.

use chrono::{DateTime, Utc};
use domain::listing::{decide, AdmissionProof, HoldSeats, ListingError, ListingState};
use domain::{Actor, HoldId, ListingId, SeatCount, TicketTypeId};
use http_kit::admission::{AdmissionTokenError, FIELD};
use uuid::Uuid;

use crate::commands::replies::HoldCreated;
use crate::commands::{metadata, minutes, CommandError};
use crate::state::AppState;
use crate::writer::Planned;

/// Holds `seats` of `ticket_type_id` for the actor for the configured hold time.
/// `admission_token` is the waiting room's token: checked here (signature, listing,
/// account, expiry) and, as the admission it proves, by the domain against the room's
/// state; it is ignored while the room is off.
pub async fn hold(
    state: &AppState,
    actor: Actor,
    listing_id: ListingId,
    ticket_type_id: TicketTypeId,
    seats: SeatCount,
    admission_token: Option<&str>,
) -> Result<HoldCreated, CommandError> {
    let hold_for = minutes(state.config.hold_minutes)?;
    let hold_id = HoldId::from(Uuid::now_v7());
    let now = state.clock.now();
    let admission = admission_token.map(|token| verify(state, token, listing_id, actor, now));
    let command = HoldSeats {
        actor,
        hold_id,
        ticket_type_id,
        seats,
        hold_for,
        admission: admission
            .as_ref()
            .and_then(|sent| sent.as_ref().ok().copied()),
        now,
    };
    let expires_at = (now + hold_for.as_delta()).to_rfc3339();
    let answer = move |(), position| HoldCreated {
        hold_id,
        expires_at: expires_at.clone(),
        position,
    };
    let decision = move |current: &ListingState| {
        let room_on = current
            .listing()
            .is_some_and(|listing| listing.waiting_room().settings().is_some());
        // While the room is on, a token that was sent and does not hold is the answer; a
        // missing one is the domain's to ask for once the buyer is let in.
        if let (true, Some(Err(refusal))) = (room_on, &admission) {
            return Err(CommandError::from(refusal.clone()));
        }
        let events = decide(current, command.clone().into())?;
        Ok(Planned::listing(events, ()))
    };
    let held = state
        .writers
        .submit_answering(listing_id, metadata(&actor), decision, answer)
        .await??;
    Ok(held)
}

/// Why a sent admission token does not admit this hold.
#[derive(Debug, Clone)]
enum Refusal {
    /// Not one this service signed.
    Unverifiable(AdmissionTokenError),
    /// Signed, but for another listing or account, or lapsed.
    Rejected(ListingError),
}

impl From<Refusal> for CommandError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Unverifiable(error) => CommandError::invalid(FIELD, error),
            Refusal::Rejected(error) => error.into(),
        }
    }
}

/// The admission `token` proves, when it was signed with this service's secret for
/// `listing_id` and `actor` and has not lapsed at `now`.
fn verify(
    state: &AppState,
    token: &str,
    listing_id: ListingId,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<AdmissionProof, Refusal> {
    let proof = state
        .keys
        .verify_admission(token, now)
        .map_err(Refusal::Unverifiable)?;
    let refused = if proof.listing_id != listing_id {
        ListingError::AdmissionForAnotherListing
    } else if proof.buyer != actor.user_id {
        ListingError::AdmissionOfAnotherAccount
    } else if proof.lapsed(now) {
        ListingError::AdmissionTokenExpired {
            expires_at: proof.expires_at,
        }
    } else {
        return Ok(proof);
    };
    Err(Refusal::Rejected(refused))
}
