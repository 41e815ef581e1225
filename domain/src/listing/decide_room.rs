//! Deciding the waiting room: set it, join it, open it, admit from it, expire admissions.

use super::command::{
    AdmitFromWaitingRoom, ExpireAdmission, JoinWaitingRoom, OpenWaitingRoom, SetWaitingRoom,
};
use super::error::ListingError;
use super::event::ListingEvent;
use super::guards::{ensure_manager, ensure_not_cancelled};
use super::room::{RoomSettings, Visit, MAX_ADMISSION_MINUTES, MAX_ADMITTED_PER_MINUTE};
use super::state::{Listing, ListingStatus};
use chrono::{DateTime, TimeDelta, Utc};

/// Seeds stay below 2^53 so every JSON reader of the log keeps them exact.
const SEED_LIMIT: u64 = 1 << 53;

pub(super) fn set(listing: &Listing, c: SetWaitingRoom) -> Result<Vec<ListingEvent>, ListingError> {
    ensure_manager(listing, &c.actor)?;
    ensure_not_cancelled(listing)?;
    if let Some(settings) = &c.settings {
        validate(settings)?;
        if let (Some(current), Some(opened_at)) =
            (listing.room.settings(), listing.room.opened_at())
        {
            if current.opens_at != settings.opens_at {
                return Err(ListingError::WaitingRoomAlreadyOpen { at: opened_at });
            }
        }
    }
    if c.settings == listing.room.settings() {
        return Err(ListingError::NothingToUpdate);
    }
    Ok(vec![ListingEvent::WaitingRoomSet {
        settings: c.settings,
        by: c.actor.user_id,
        at: c.now,
    }])
}

fn validate(settings: &RoomSettings) -> Result<(), ListingError> {
    let ranges = [
        (
            "admitted_per_minute",
            settings.admitted_per_minute,
            MAX_ADMITTED_PER_MINUTE,
        ),
        (
            "admission_minutes",
            settings.admission_minutes,
            MAX_ADMISSION_MINUTES,
        ),
    ];
    for (name, requested, max) in ranges {
        if !(1..=max).contains(&requested) {
            return Err(ListingError::RoomSettingOutOfRange {
                name,
                requested,
                min: 1,
                max,
            });
        }
    }
    Ok(())
}

/// A buyer joins; the first command at or after the opening opens the room first, so
/// nobody who joins after the opening instant counts as early.
pub(super) fn join(
    listing: &Listing,
    c: JoinWaitingRoom,
) -> Result<Vec<ListingEvent>, ListingError> {
    ensure_not_cancelled(listing)?;
    let room = &listing.room;
    let Some(settings) = room.settings() else {
        return Err(ListingError::NoWaitingRoom);
    };
    match listing.status {
        ListingStatus::Published => {}
        ListingStatus::Draft => return Err(ListingError::NotPublished),
        ListingStatus::SalesClosed | ListingStatus::Cancelled => {
            return Err(ListingError::SalesClosed {
                at: listing.sales_closed_at.unwrap_or(c.now),
            })
        }
    }
    if c.now >= listing.details.sales.closes_at {
        return Err(ListingError::SalesClosed {
            at: listing.details.sales.closes_at,
        });
    }
    if let Some(visit) = room.visit(c.actor.user_id) {
        return Err(ListingError::AlreadyInWaitingRoom { visit });
    }
    let mut events = Vec::with_capacity(2);
    if room.opened_at().is_none() && c.now >= settings.opens_at {
        events.push(opened(c.seed, c.now)?);
    }
    events.push(ListingEvent::WaitingRoomJoined {
        buyer: c.actor.user_id,
        at: c.now,
    });
    Ok(events)
}

pub(super) fn open(
    listing: &Listing,
    c: OpenWaitingRoom,
) -> Result<Vec<ListingEvent>, ListingError> {
    let room = &listing.room;
    let Some(settings) = room.settings() else {
        return Err(ListingError::NoWaitingRoom);
    };
    if let Some(at) = room.opened_at() {
        return Err(ListingError::WaitingRoomAlreadyOpen { at });
    }
    if c.now < settings.opens_at {
        return Err(ListingError::WaitingRoomNotOpenYet {
            opens_at: settings.opens_at,
        });
    }
    Ok(vec![opened(c.seed, c.now)?])
}

fn opened(seed: u64, now: DateTime<Utc>) -> Result<ListingEvent, ListingError> {
    if seed >= SEED_LIMIT {
        return Err(ListingError::SeedOutOfRange { seed });
    }
    Ok(ListingEvent::WaitingRoomOpened { seed, at: now })
}

/// Admits the front of the line, as many as the rate allows at `now`.
pub(super) fn admit(
    listing: &Listing,
    c: AdmitFromWaitingRoom,
) -> Result<Vec<ListingEvent>, ListingError> {
    ensure_not_cancelled(listing)?;
    let room = &listing.room;
    let Some(settings) = room.settings() else {
        return Err(ListingError::NoWaitingRoom);
    };
    if room.opened_at().is_none() {
        return Err(ListingError::WaitingRoomNotOpenYet {
            opens_at: settings.opens_at,
        });
    }
    let allowance = usize::try_from(room.allowance(c.now)).unwrap_or(usize::MAX);
    let expires_at = c
        .now
        .checked_add_signed(TimeDelta::minutes(i64::from(settings.admission_minutes)))
        .ok_or(ListingError::TimeOutOfRange)?;
    let events: Vec<ListingEvent> = room
        .line()
        .take(allowance)
        .map(|buyer| ListingEvent::AdmissionGranted {
            buyer: *buyer,
            expires_at,
            at: c.now,
        })
        .collect();
    if events.is_empty() {
        return Err(ListingError::NothingToAdmit {
            waiting: room.waiting(),
        });
    }
    Ok(events)
}

pub(super) fn expire(
    listing: &Listing,
    c: ExpireAdmission,
) -> Result<Vec<ListingEvent>, ListingError> {
    match listing.room.visit(c.buyer) {
        Some(Visit::Admitted {
            expires_at, used, ..
        }) if c.now >= expires_at => Ok(vec![ListingEvent::AdmissionExpired {
            buyer: c.buyer,
            used,
            at: c.now,
        }]),
        Some(Visit::Admitted { expires_at, .. }) => {
            Err(ListingError::AdmissionNotYetExpired { expires_at })
        }
        _ => Err(ListingError::NoAdmission),
    }
}

/// While the room is on, holds and waitlist joins need a live admission.
pub(super) fn ensure_admitted(
    listing: &Listing,
    buyer: crate::ids::UserId,
    now: DateTime<Utc>,
) -> Result<(), ListingError> {
    let room = &listing.room;
    if room.admits(buyer, now) {
        return Ok(());
    }
    Err(match room.visit(buyer) {
        Some(Visit::Admitted { .. } | Visit::Expired { .. }) => ListingError::AdmissionLapsed,
        Some(Visit::Waiting { .. }) => ListingError::StillWaiting {
            place: room.place(buyer),
        },
        None => ListingError::AdmissionRequired,
    })
}
