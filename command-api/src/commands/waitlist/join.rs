//! Joining the waitlist of a sold-out ticket type.

use domain::listing::JoinWaitlist;
use domain::{Actor, ListingId, SeatCount, TicketTypeId, WaitlistEntryId};
use uuid::Uuid;

use crate::commands::replies::WaitlistJoined;
use crate::commands::{metadata, CommandError};
use crate::state::AppState;
use crate::writer::Planned;

/// Puts the actor on the waitlist for `party_size` seats of `ticket_type_id`.
pub async fn join(
    state: &AppState,
    actor: Actor,
    listing_id: ListingId,
    ticket_type_id: TicketTypeId,
    party_size: SeatCount,
) -> Result<WaitlistJoined, CommandError> {
    let entry_id = WaitlistEntryId::from(Uuid::now_v7());
    let now = state.clock.now();
    let answer = move |waitlist_length, position| WaitlistJoined {
        entry_id,
        waitlist_length,
        position,
    };
    let joined = state
        .writers
        .submit_answering(
            listing_id,
            metadata(&actor),
            move |current| {
                let command = JoinWaitlist {
                    actor,
                    entry_id,
                    ticket_type_id,
                    party_size,
                    now,
                };
                let events = domain::listing::decide(current, command.into())?;
                let waiting = current.listing().map_or(0, |l| l.waitlist().len()) + 1;
                Ok::<_, CommandError>(Planned::listing(events, waiting as u64))
            },
            answer,
        )
        .await??;
    Ok(joined)
}
