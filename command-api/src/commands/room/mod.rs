//! The waiting room of a high-demand sale: the organizer turns it on (or off), buyers join
//! it. The scheduler opens it, admits from it and expires admissions through the listing's
//! deadlines (`commands::deadlines`); holds check admissions in the domain.

use domain::listing::{JoinWaitingRoom, RoomSettings, SetWaitingRoom};
use domain::{Actor, ListingId};

use crate::commands::listings::rules::{self, Request};
use crate::commands::replies::{ListingChanged, WaitingRoomJoined};
use crate::commands::{metadata, CommandError};
use crate::state::AppState;
use crate::writer::Planned;

/// A random seed for ordering a room's early arrivals: from the OS generator, below
/// 2^53 as the domain asks (JSON readers of the log keep it exact).
pub(crate) fn fresh_seed() -> u64 {
    rand::random::<u64>() >> 11
}

/// Turns the waiting room on with `settings`, changes them, or turns it off (`None`).
pub async fn set_waiting_room(
    state: &AppState,
    actor: Actor,
    listing_id: ListingId,
    settings: Option<RoomSettings>,
) -> Result<ListingChanged, CommandError> {
    let command = SetWaitingRoom {
        actor,
        settings,
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
        .map_err(|e| rules::in_fields(e, Request::WaitingRoom))?;
    Ok(changed)
}

/// Puts the actor in the listing's waiting room; answers how many are ahead of them
/// once it has opened (before, the order is drawn at the opening).
pub async fn join_waiting_room(
    state: &AppState,
    actor: Actor,
    listing_id: ListingId,
) -> Result<WaitingRoomJoined, CommandError> {
    let now = state.clock.now();
    // Used only if this join opens the room.
    let seed = fresh_seed();
    let answer = move |(ahead, waiting, opens_at), position| WaitingRoomJoined {
        listing_id,
        ahead,
        waiting,
        opens_at,
        position,
    };
    let joined = state
        .writers
        .submit_answering(
            listing_id,
            metadata(&actor),
            move |current| {
                let command = JoinWaitingRoom { actor, seed, now };
                let events = domain::listing::decide(current, command.into())?;
                let room = current.listing().map(|l| l.waiting_room());
                let waiting = room.map_or(0, |r| r.waiting()) as u64;
                // Opened (before or by this join): everyone in line now is ahead.
                let opened = events
                    .iter()
                    .any(|e| matches!(e, domain::listing::ListingEvent::WaitingRoomOpened { .. }))
                    || room.and_then(|r| r.opened_at()).is_some();
                let opens_at = room.and_then(|r| r.settings()).map(|s| s.opens_at);
                Ok::<_, CommandError>(Planned::listing(
                    events,
                    (opened.then_some(waiting), waiting + 1, opens_at),
                ))
            },
            answer,
        )
        .await??;
    Ok(joined)
}
