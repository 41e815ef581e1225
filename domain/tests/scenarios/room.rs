//! The waiting room: joining before and after the opening, admissions at the rate, holds
//! only with a live admission, and unused admissions giving their place back.

use crate::common::*;
use chrono::TimeDelta;
use domain::listing::{
    self, AdmitFromWaitingRoom, ExpireAdmission, HoldSeats, JoinWaitingRoom, ListingError,
    ListingEvent, ListingState, OpenWaitingRoom, RoomSettings, SetWaitingRoom, Visit,
};
use domain::Actor;

fn settings(rate: u32) -> RoomSettings {
    RoomSettings {
        opens_at: t(60),
        admitted_per_minute: rate,
        admission_minutes: 5,
    }
}

fn room(rate: u32) -> Vec<ListingEvent> {
    let mut events = published();
    events.push(ListingEvent::WaitingRoomSet {
        settings: Some(settings(rate)),
        by: organizer().user_id,
        at: t(0),
    });
    events
}

fn join(who: Actor, at: i64) -> JoinWaitingRoom {
    JoinWaitingRoom {
        actor: who,
        seed: 42,
        now: t(at),
    }
}

fn hold(who: Actor, n: u128, at: i64) -> HoldSeats {
    HoldSeats {
        actor: who,
        hold_id: hold_id(n),
        ticket_type_id: stalls(),
        seats: seats(1),
        hold_for: hold_for(),
        now: t(at),
    }
}

/// Decides `command` on `events` and appends what it decided.
fn run(events: &mut Vec<ListingEvent>, command: impl Into<listing::ListingCommand>) {
    let decided = given(events.clone()).when(command).events();
    events.extend(decided);
}

fn state(events: &[ListingEvent]) -> ListingState {
    fold(events)
}

#[test]
fn only_the_organizer_sets_the_room_and_its_settings_are_checked() {
    given(published())
        .when(SetWaitingRoom {
            actor: other_organizer(),
            settings: Some(settings(10)),
            now: t(0),
        })
        .then_rejected(ListingError::NotYourListing {
            listing_id: listing_id(),
        });
    given(published())
        .when(SetWaitingRoom {
            actor: organizer(),
            settings: Some(settings(0)),
            now: t(0),
        })
        .then_rejected(ListingError::RoomSettingOutOfRange {
            name: "admitted_per_minute",
            requested: 0,
            min: 1,
            max: 100_000,
        });
    given(published())
        .when(SetWaitingRoom {
            actor: organizer(),
            settings: Some(settings(10)),
            now: t(0),
        })
        .then(vec![ListingEvent::WaitingRoomSet {
            settings: Some(settings(10)),
            by: organizer().user_id,
            at: t(0),
        }]);
}

#[test]
fn while_the_room_is_on_a_hold_needs_a_live_admission() {
    let mut events = room(1);
    given(events.clone())
        .when(hold(buyer(1), 1, 1))
        .then_rejected(ListingError::AdmissionRequired);
    run(&mut events, join(buyer(1), 1));
    run(&mut events, join(buyer(2), 2));
    given(events.clone())
        .when(hold(buyer(1), 1, 3))
        .then_rejected(ListingError::StillWaiting { place: None });
    run(
        &mut events,
        OpenWaitingRoom {
            seed: 7,
            now: t(60),
        },
    );
    // One admission at the opening instant, then one a minute.
    run(&mut events, AdmitFromWaitingRoom { now: t(60) });
    let admitted: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            ListingEvent::AdmissionGranted { buyer, .. } => Some(*buyer),
            _ => None,
        })
        .collect();
    assert_eq!(admitted.len(), 1);
    let first = admitted[0];
    let second = if first == buyer(1).user_id {
        buyer(2)
    } else {
        buyer(1)
    };
    let first = Actor::new(first, domain::Role::Customer);
    given(events.clone())
        .when(AdmitFromWaitingRoom { now: t(60) })
        .then_rejected(ListingError::NothingToAdmit { waiting: 1 });
    given(events.clone())
        .when(hold(second, 2, 60))
        .then_rejected(ListingError::StillWaiting { place: Some(0) });
    run(&mut events, hold(first, 1, 61));
    // The admission lapses: a hold after it is refused, an early expiry too.
    given(events.clone())
        .when(ExpireAdmission {
            buyer: first.user_id,
            now: t(62),
        })
        .then_rejected(ListingError::AdmissionNotYetExpired { expires_at: t(65) });
    run(
        &mut events,
        ExpireAdmission {
            buyer: first.user_id,
            now: t(65),
        },
    );
    assert_eq!(
        state(&events)
            .listing()
            .unwrap()
            .waiting_room()
            .visit(first.user_id),
        Some(Visit::Expired { used: true })
    );
    given(events.clone())
        .when(hold(first, 3, 66))
        .then_rejected(ListingError::AdmissionLapsed);
    // A minute after the opening the next buyer is let in.
    run(&mut events, AdmitFromWaitingRoom { now: t(61) });
    run(&mut events, hold(second, 2, 61));
}

#[test]
fn a_join_at_or_after_the_opening_opens_the_room_first_and_goes_to_the_back() {
    let mut events = room(10);
    run(&mut events, join(buyer(1), 59));
    let decided = given(events.clone()).when(join(buyer(2), 60)).events();
    assert_eq!(
        decided,
        vec![
            ListingEvent::WaitingRoomOpened {
                seed: 42,
                at: t(60)
            },
            ListingEvent::WaitingRoomJoined {
                buyer: buyer(2).user_id,
                at: t(60),
            },
        ]
    );
    events.extend(decided);
    let listing = state(&events);
    let line: Vec<_> = listing
        .listing()
        .unwrap()
        .waiting_room()
        .line()
        .copied()
        .collect();
    assert_eq!(line, vec![buyer(1).user_id, buyer(2).user_id]);
    given(events)
        .when(join(buyer(2), 61))
        .then_rejected(ListingError::AlreadyInWaitingRoom {
            visit: Visit::Waiting { joined_at: t(60) },
        });
}

#[test]
fn an_admission_that_lapses_unused_lets_the_next_buyer_in_at_once() {
    let mut events = room(1);
    for n in 1..=3 {
        run(&mut events, join(buyer(n), n as i64));
    }
    run(
        &mut events,
        OpenWaitingRoom {
            seed: 9,
            now: t(60),
        },
    );
    run(&mut events, AdmitFromWaitingRoom { now: t(60) });
    let first = match events.last().unwrap() {
        ListingEvent::AdmissionGranted { buyer, .. } => *buyer,
        other => panic!("{other:?}"),
    };
    run(
        &mut events,
        ExpireAdmission {
            buyer: first,
            now: t(65),
        },
    );
    // Five minutes in, the rate alone would allow six; the unused one is given back too.
    let room = state(&events);
    let room = room.listing().unwrap().waiting_room();
    assert_eq!((room.admitted(), room.returned()), (1, 1));
    let decided = given(events)
        .when(AdmitFromWaitingRoom { now: t(65) })
        .events();
    assert_eq!(decided.len(), 2, "both who wait are let in");
}

#[test]
fn the_room_cannot_open_early_or_twice_and_its_opening_time_is_then_fixed() {
    let mut events = room(10);
    given(events.clone())
        .when(OpenWaitingRoom {
            seed: 1,
            now: t(59),
        })
        .then_rejected(ListingError::WaitingRoomNotOpenYet { opens_at: t(60) });
    given(events.clone())
        .when(OpenWaitingRoom {
            seed: 1 << 53,
            now: t(60),
        })
        .then_rejected(ListingError::SeedOutOfRange { seed: 1 << 53 });
    run(
        &mut events,
        OpenWaitingRoom {
            seed: 1,
            now: t(60),
        },
    );
    given(events.clone())
        .when(OpenWaitingRoom {
            seed: 1,
            now: t(61),
        })
        .then_rejected(ListingError::WaitingRoomAlreadyOpen { at: t(60) });
    let moved = RoomSettings {
        opens_at: t(90),
        ..settings(10)
    };
    given(events.clone())
        .when(SetWaitingRoom {
            actor: organizer(),
            settings: Some(moved),
            now: t(61),
        })
        .then_rejected(ListingError::WaitingRoomAlreadyOpen { at: t(60) });
    // Turning it off lets everyone hold.
    run(
        &mut events,
        SetWaitingRoom {
            actor: organizer(),
            settings: None,
            now: t(61),
        },
    );
    let _ = TimeDelta::zero();
    given(events)
        .when(hold(buyer(5), 5, 62))
        .then(vec![held(5, buyer(5), stalls(), 1, 62)]);
}

#[test]
fn the_room_tells_the_scheduler_when_to_open_admit_and_expire() {
    use domain::listing::DeadlineKind;
    let room_deadlines =
        |events: &[ListingEvent]| -> Vec<(chrono::DateTime<chrono::Utc>, DeadlineKind)> {
            state(events)
                .pending_deadlines()
                .into_iter()
                .filter(|d| !matches!(d.kind, DeadlineKind::SalesClose))
                .map(|d| (d.due_at, d.kind))
                .collect()
        };
    let mut events = room(1);
    run(&mut events, join(buyer(1), 1));
    run(&mut events, join(buyer(2), 2));
    assert_eq!(
        room_deadlines(&events),
        vec![(t(60), DeadlineKind::RoomOpens)]
    );
    let open = state(&events)
        .next_deadline()
        .unwrap()
        .command(t(60), offer_for(), 5);
    run(&mut events, open);
    assert_eq!(
        room_deadlines(&events),
        vec![(t(60), DeadlineKind::Admissions)]
    );
    run(&mut events, AdmitFromWaitingRoom { now: t(60) });
    let first = state(&events)
        .listing()
        .unwrap()
        .waiting_room()
        .admissions()
        .next()
        .unwrap()
        .1;
    assert_eq!(
        room_deadlines(&events),
        vec![
            (t(61), DeadlineKind::Admissions),
            (t(65), DeadlineKind::AdmissionExpiry { buyer: first }),
        ]
    );
}
