//! The waiting room: joining before and after the opening, admissions at the rate, holds
//! only with a live admission, and unused admissions giving their place back.

use crate::common::*;
use chrono::TimeDelta;
use domain::listing::{
    self, AdmissionProof, AdmitFromWaitingRoom, ExpireAdmission, HoldSeats, JoinWaitingRoom,
    ListingError, ListingEvent, ListingState, OpenWaitingRoom, RoomSettings, SetWaitingRoom, Visit,
};
use domain::{Actor, ListingId};

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
        admission: None,
        now: t(at),
    }
}

/// The token of `who`'s current admission in `events`' room, as the application passes
/// it on once verified.
fn token_of(events: &[ListingEvent], who: Actor) -> AdmissionProof {
    match state(events)
        .listing()
        .unwrap()
        .waiting_room()
        .visit(who.user_id)
    {
        Some(Visit::Admitted {
            granted_at,
            expires_at,
            ..
        }) => AdmissionProof {
            listing_id: listing_id(),
            buyer: who.user_id,
            granted_at,
            expires_at,
        },
        other => panic!("{who:?} is not admitted: {other:?}"),
    }
}

/// A hold by `who` with the token of their current admission.
fn admitted_hold(events: &[ListingEvent], who: Actor, n: u128, at: i64) -> HoldSeats {
    HoldSeats {
        admission: Some(token_of(events, who)),
        ..hold(who, n, at)
    }
}

/// The room with `buyer(1)` let in at the opening (t(60), admitted until t(65)).
fn one_let_in() -> Vec<ListingEvent> {
    let mut events = room(1);
    run(&mut events, join(buyer(1), 1));
    run(
        &mut events,
        OpenWaitingRoom {
            seed: 7,
            now: t(60),
        },
    );
    run(&mut events, AdmitFromWaitingRoom { now: t(60) });
    events
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
    let first_hold = admitted_hold(&events, first, 1, 61);
    run(&mut events, first_hold);
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
    let second_hold = admitted_hold(&events, second, 2, 61);
    run(&mut events, second_hold);
}

#[test]
fn an_admitted_buyer_holds_only_with_the_token_of_their_own_live_admission() {
    let events = one_let_in();
    let token = token_of(&events, buyer(1));
    assert_eq!(
        (token.granted_at, token.expires_at),
        (t(60), t(65)),
        "the admission is named by its grant and its expiry"
    );
    let with = |admission: AdmissionProof| HoldSeats {
        admission: Some(admission),
        ..hold(buyer(1), 1, 61)
    };
    given(events.clone())
        .when(hold(buyer(1), 1, 61))
        .then_rejected(ListingError::AdmissionTokenRequired);
    given(events.clone())
        .when(with(AdmissionProof {
            listing_id: ListingId::from_uuid(uuid::Uuid::from_u128(999)),
            ..token
        }))
        .then_rejected(ListingError::AdmissionForAnotherListing);
    given(events.clone())
        .when(with(AdmissionProof {
            buyer: buyer(2).user_id,
            ..token
        }))
        .then_rejected(ListingError::AdmissionOfAnotherAccount);
    given(events.clone())
        .when(with(AdmissionProof {
            expires_at: t(61),
            ..token
        }))
        .then_rejected(ListingError::AdmissionTokenExpired { expires_at: t(61) });
    given(events.clone())
        .when(with(AdmissionProof {
            granted_at: t(59),
            ..token
        }))
        .then_rejected(ListingError::AdmissionSuperseded);
    given(events)
        .when(with(token))
        .then(vec![held(1, buyer(1), stalls(), 1, 61)]);
}

#[test]
fn a_token_of_an_earlier_admission_holds_nothing_after_the_room_starts_over() {
    let mut events = one_let_in();
    let earlier = token_of(&events, buyer(1));
    // The organizer turns the room off and on again; the buyer joins and is let in anew.
    for settings in [None, Some(settings(1))] {
        run(
            &mut events,
            SetWaitingRoom {
                actor: organizer(),
                settings,
                now: t(61),
            },
        );
    }
    run(&mut events, join(buyer(1), 62));
    run(&mut events, AdmitFromWaitingRoom { now: t(62) });
    let current = token_of(&events, buyer(1));
    assert_ne!(earlier, current);
    // The earlier token has not expired yet (t(65)), but it names another admission.
    given(events.clone())
        .when(HoldSeats {
            admission: Some(earlier),
            ..hold(buyer(1), 1, 63)
        })
        .then_rejected(ListingError::AdmissionSuperseded);
    given(events)
        .when(HoldSeats {
            admission: Some(current),
            ..hold(buyer(1), 1, 63)
        })
        .then(vec![held(1, buyer(1), stalls(), 1, 63)]);
}

#[test]
fn while_the_buyer_is_still_in_line_the_line_is_what_the_refusal_says_token_or_not() {
    let mut events = one_let_in();
    run(&mut events, join(buyer(2), 61));
    let borrowed = token_of(&events, buyer(1));
    given(events)
        .when(HoldSeats {
            admission: Some(AdmissionProof {
                buyer: buyer(2).user_id,
                ..borrowed
            }),
            ..hold(buyer(2), 2, 61)
        })
        .then_rejected(ListingError::StillWaiting { place: Some(0) });
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
    given(events.clone())
        .when(hold(buyer(5), 5, 62))
        .then(vec![held(5, buyer(5), stalls(), 1, 62)]);
    // With the room off, whatever token comes along is ignored.
    let stray = AdmissionProof {
        listing_id: ListingId::from_uuid(uuid::Uuid::from_u128(999)),
        buyer: buyer(6).user_id,
        granted_at: t(1),
        expires_at: t(2),
    };
    given(events)
        .when(HoldSeats {
            admission: Some(stray),
            ..hold(buyer(5), 5, 62)
        })
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
