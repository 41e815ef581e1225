//! Property tests of the waiting room: a fair order, at the set rate, nobody twice.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use domain::listing::{
    self, AdmissionProof, AdmitFromWaitingRoom, ExpireAdmission, HoldSeats, JoinWaitingRoom,
    ListingEvent, ListingState, OpenWaitingRoom, RoomSettings, SetWaitingRoom, Visit,
};
use domain::{Actor, HoldDuration, HoldId, Role, SeatCount, UserId};
use proptest::prelude::*;
use std::collections::BTreeSet;
use uuid::Uuid;

use crate::world::{self, organizer, ticket_type};

fn opens_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

fn buyer(n: u128) -> Actor {
    Actor::new(
        UserId::from_uuid(Uuid::from_u128(10_000 + n)),
        Role::Customer,
    )
}

/// A published listing (from the main properties' set-up) with its room on.
fn with_room(rate: u32, minutes: u32) -> ListingState {
    let mut state = world::published_listing([50, 50, 50]);
    let set = SetWaitingRoom {
        actor: organizer(),
        settings: Some(RoomSettings {
            opens_at: opens_at(),
            admitted_per_minute: rate,
            admission_minutes: minutes,
        }),
        now: opens_at() - TimeDelta::days(1),
    };
    for event in listing::decide(&state, set.into()).unwrap() {
        state.apply(&event);
    }
    state
}

fn apply(state: &mut ListingState, events: &[ListingEvent]) {
    for event in events {
        state.apply(event);
    }
}

/// Joins `buyers` in the given order at the given seconds before the opening, then opens.
fn joined_then_opened(buyers: &[(u128, u32)], seed: u64) -> ListingState {
    let mut state = with_room(60, 5);
    for (n, before) in buyers {
        let join = JoinWaitingRoom {
            actor: buyer(*n),
            seed: 0,
            now: opens_at() - TimeDelta::seconds(i64::from(*before) + 1),
        };
        let events = listing::decide(&state, join.into()).unwrap();
        apply(&mut state, &events);
    }
    let open = OpenWaitingRoom {
        seed,
        now: opens_at(),
    };
    let events = listing::decide(&state, open.into()).unwrap();
    apply(&mut state, &events);
    state
}

fn line(state: &ListingState) -> Vec<UserId> {
    state
        .listing()
        .unwrap()
        .waiting_room()
        .line()
        .copied()
        .collect()
}

#[derive(Debug, Clone)]
enum Step {
    Join(u8),
    Advance(u16),
    Admit,
    Expire(u8),
    Hold(u8, Proof),
}

/// What a buyer brings to a hold.
#[derive(Debug, Clone, Copy)]
enum Proof {
    /// No admission token.
    Nothing,
    /// The token of their own current admission (or, without one, of an admission that
    /// never was).
    Own,
    /// Their own admission's token with another grant time (an earlier admission's).
    Earlier,
    /// The token of another buyer's admission.
    Borrowed(u8),
}

fn proof() -> impl Strategy<Value = Proof> {
    prop_oneof![
        1 => Just(Proof::Nothing),
        4 => Just(Proof::Own),
        1 => Just(Proof::Earlier),
        1 => (0..40u8).prop_map(Proof::Borrowed),
    ]
}

/// The token `buyer` would carry into a hold at `now` (see [`Proof`]).
fn carried(
    state: &ListingState,
    buyer: UserId,
    proof: Proof,
    now: DateTime<Utc>,
) -> Option<AdmissionProof> {
    let listing = state.listing().unwrap();
    let of = |who: UserId| {
        let (granted_at, expires_at) = match listing.waiting_room().visit(who) {
            Some(Visit::Admitted {
                granted_at,
                expires_at,
                ..
            }) => (granted_at, expires_at),
            _ => (now, now + TimeDelta::minutes(5)),
        };
        AdmissionProof {
            listing_id: listing.id(),
            buyer: who,
            granted_at,
            expires_at,
        }
    };
    match proof {
        Proof::Nothing => None,
        Proof::Own => Some(of(buyer)),
        Proof::Earlier => {
            let own = of(buyer);
            Some(AdmissionProof {
                granted_at: own.granted_at - TimeDelta::seconds(1),
                ..own
            })
        }
        Proof::Borrowed(n) => Some(of(self::buyer(n.into()).user_id)),
    }
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        5 => (0..40u8).prop_map(Step::Join),
        3 => (1..90u16).prop_map(Step::Advance),
        4 => Just(Step::Admit),
        2 => (0..40u8).prop_map(Step::Expire),
        3 => (0..40u8, proof()).prop_map(|(n, p)| Step::Hold(n, p)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// The pre-opening order is a permutation of the joiners and the same whatever the
    /// order and times they joined in.
    #[test]
    fn the_opening_order_is_a_permutation_independent_of_join_times(
        joiners in prop::collection::btree_set(0..10_000u128, 1..60),
        times in prop::collection::vec(0..86_400u32, 60),
        shuffle in any::<prop::sample::Index>(),
        seed in 0..(1u64 << 53),
    ) {
        let joiners: Vec<u128> = joiners.into_iter().collect();
        let first: Vec<(u128, u32)> = joiners.iter().zip(&times).map(|(n, t)| (*n, *t)).collect();
        let mut second = first.clone();
        let by = shuffle.index(second.len());
        second.rotate_left(by);
        second.reverse();
        for (i, pair) in second.iter_mut().enumerate() {
            pair.1 = times[(i * 7 + 3) % times.len()];
        }
        let a = line(&joined_then_opened(&first, seed));
        let b = line(&joined_then_opened(&second, seed));
        prop_assert_eq!(&a, &b);
        let set: BTreeSet<UserId> = a.iter().copied().collect();
        prop_assert_eq!(set.len(), a.len(), "nobody twice");
        let expected: BTreeSet<UserId> = joiners.iter().map(|n| buyer(*n).user_id).collect();
        prop_assert_eq!(set, expected);
    }

    /// Whatever the interleaving: nobody is admitted twice, admissions follow the line,
    /// the rate (plus admissions returned unused) is never exceeded, and only admitted
    /// buyers hold seats, each with the token of their own current admission.
    #[test]
    fn admissions_follow_the_line_at_the_rate_and_nobody_twice(
        rate in 1..20u32,
        minutes in 1..4u32,
        steps in prop::collection::vec(step(), 1..80),
        seed in 0..(1u64 << 53),
    ) {
        let mut state = with_room(rate, minutes);
        let mut now = opens_at() - TimeDelta::minutes(2);
        let mut admitted = Vec::new();
        let mut next_hold = 0u128;
        let mut brought = std::collections::BTreeMap::new();
        for step in steps {
            brought.clear();
            let command = match step {
                Step::Join(n) => JoinWaitingRoom { actor: buyer(n.into()), seed, now }.into(),
                Step::Advance(seconds) => {
                    now += TimeDelta::seconds(seconds.into());
                    continue;
                }
                Step::Admit => AdmitFromWaitingRoom { now }.into(),
                Step::Expire(n) => ExpireAdmission { buyer: buyer(n.into()).user_id, now }.into(),
                Step::Hold(n, proof) => {
                    next_hold += 1;
                    let who = buyer(n.into());
                    let admission = carried(&state, who.user_id, proof, now);
                    brought.insert(who.user_id, (proof, admission));
                    HoldSeats {
                        actor: who,
                        hold_id: HoldId::from_uuid(Uuid::from_u128(900_000 + next_hold)),
                        ticket_type_id: ticket_type(0),
                        seats: SeatCount::ONE,
                        hold_for: HoldDuration::from_minutes(10).unwrap(),
                        admission,
                        now,
                    }
                    .into()
                }
            };
            let before = state.clone();
            let Ok(events) = listing::decide(&state, command) else {
                continue;
            };
            let room = before.listing().unwrap().waiting_room();
            let front: Vec<UserId> = room.line().copied().collect();
            let mut granted = 0;
            for event in &events {
                match event {
                    ListingEvent::AdmissionGranted { buyer, .. } => {
                        prop_assert_eq!(Some(buyer), front.get(granted), "admitted out of line order");
                        prop_assert!(!admitted.contains(buyer), "admitted twice");
                        admitted.push(*buyer);
                        granted += 1;
                    }
                    ListingEvent::SeatsHeld { buyer, .. } => {
                        let visit = room.visit(*buyer);
                        let live = matches!(visit, Some(Visit::Admitted { expires_at, .. }) if now < expires_at);
                        prop_assert!(live, "held without a live admission: {visit:?}");
                        let (proof, token) = brought[buyer];
                        prop_assert!(
                            matches!(proof, Proof::Own) || matches!(proof, Proof::Borrowed(n) if self::buyer(n.into()).user_id == *buyer),
                            "held with {proof:?}: {token:?}"
                        );
                    }
                    _ => {}
                }
            }
            apply(&mut state, &events);
            let room = state.listing().unwrap().waiting_room();
            if let Some(opened_at) = room.opened_at() {
                let elapsed = (now - opened_at).num_milliseconds().max(0) as u64;
                let budget = 1 + elapsed * u64::from(rate) / 60_000;
                prop_assert!(
                    room.admitted() <= budget + room.returned(),
                    "{} admitted, budget {budget} + {} returned",
                    room.admitted(),
                    room.returned()
                );
            }
        }
    }
}
