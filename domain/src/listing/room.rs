//! The waiting room of a high-demand sale: who joined, in what order they are let in, and
//! who holds an admission.
//!
//! Everyone who joins before the room opens is ordered at the opening by a rank drawn
//! from the opening's random seed and their account id alone, so arriving early gains
//! nothing over arriving on time and the order does not depend on join times at all.
//! Later arrivals queue behind them in arrival order. Admissions follow that order at the
//! organizer's rate; an admission unused at its expiry gives its place in the rate back.
//! Every step is an event of the listing stream, so each process folds one queue and the
//! order can be recomputed afterwards from the log (the seed is in the opening event).

use super::event::ListingEvent;
use crate::ids::UserId;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The most buyers a room may admit per minute.
pub const MAX_ADMITTED_PER_MINUTE: u32 = 100_000;
/// The longest an admission may last, in minutes.
pub const MAX_ADMISSION_MINUTES: u32 = 60;

/// How an organizer runs a listing's waiting room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomSettings {
    /// When the room opens: arrivals before it are ordered at random at this instant.
    pub opens_at: DateTime<Utc>,
    /// Buyers let in per minute.
    pub admitted_per_minute: u32,
    /// How long an admission lets its buyer hold seats, in minutes.
    pub admission_minutes: u32,
}

/// Where one buyer is in the room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Visit {
    /// In line.
    Waiting {
        /// When they joined.
        joined_at: DateTime<Utc>,
    },
    /// Let in until `expires_at`.
    Admitted {
        /// When the admission was granted: with the buyer, it names this admission, so a
        /// proof of an earlier one (before the room was turned off and on) is told apart.
        granted_at: DateTime<Utc>,
        /// When the admission lapses.
        expires_at: DateTime<Utc>,
        /// Whether they held seats with it.
        used: bool,
    },
    /// Their admission lapsed.
    Expired {
        /// Whether they held seats with it.
        used: bool,
    },
}

/// A listing's waiting room, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingRoom {
    settings: Option<RoomSettings>,
    /// When it opened and the seed that ordered the early arrivals.
    opened: Option<(DateTime<Utc>, u64)>,
    /// Before the opening: arrivals in join order. After it: the line, front first.
    line: VecDeque<UserId>,
    visits: BTreeMap<UserId, Visit>,
    /// Live admissions by when they lapse.
    expiries: BTreeSet<(DateTime<Utc>, UserId)>,
    admitted: u64,
    /// Admissions that lapsed unused: their places in the rate are given back.
    returned: u64,
}

/// The rank of `buyer` among the early arrivals of a room opened with `seed`: a mix of
/// the seed and the account id only (splitmix64 rounds), so it is the same whenever
/// and in whatever order they joined.
pub fn rank(seed: u64, buyer: UserId) -> u64 {
    let (high, low) = buyer.as_uuid().as_u64_pair();
    mix(mix(seed ^ high) ^ low)
}

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl WaitingRoom {
    /// The settings, when the room is on.
    pub fn settings(&self) -> Option<RoomSettings> {
        self.settings
    }

    /// When the room opened, if it has.
    pub fn opened_at(&self) -> Option<DateTime<Utc>> {
        self.opened.map(|(at, _)| at)
    }

    /// The seed that ordered the early arrivals, once opened.
    pub fn seed(&self) -> Option<u64> {
        self.opened.map(|(_, seed)| seed)
    }

    /// Live admissions, soonest to lapse first.
    pub fn admissions(&self) -> impl Iterator<Item = &(DateTime<Utc>, UserId)> {
        self.expiries.iter()
    }

    /// Where `buyer` is, if they ever joined.
    pub fn visit(&self, buyer: UserId) -> Option<Visit> {
        self.visits.get(&buyer).copied()
    }

    /// The line, front first (before the opening: in join order, not yet ordered).
    pub fn line(&self) -> impl Iterator<Item = &UserId> {
        self.line.iter()
    }

    /// How many are waiting.
    pub fn waiting(&self) -> usize {
        self.line.len()
    }

    /// Admissions granted so far.
    pub fn admitted(&self) -> u64 {
        self.admitted
    }

    /// Admissions that lapsed unused.
    pub fn returned(&self) -> u64 {
        self.returned
    }

    /// `buyer`'s place in line (0: next), while waiting after the opening.
    pub fn place(&self, buyer: UserId) -> Option<usize> {
        self.opened?;
        self.line.iter().position(|b| *b == buyer)
    }

    /// Whether `buyer` may hold seats at `now`: always when the room is off.
    pub fn admits(&self, buyer: UserId, now: DateTime<Utc>) -> bool {
        self.settings.is_none()
            || matches!(self.visits.get(&buyer), Some(Visit::Admitted { expires_at, .. }) if now < *expires_at)
    }

    /// How many more buyers may be let in at `now`: the rate's allowance since the
    /// opening (one at the opening instant, then `admitted_per_minute` a minute), plus
    /// every admission returned unused, minus those already granted.
    pub fn allowance(&self, now: DateTime<Utc>) -> u64 {
        let (Some(settings), Some((opened_at, _))) = (self.settings, self.opened) else {
            return 0;
        };
        let elapsed = (now - opened_at).num_milliseconds().max(0) as u128;
        let by_rate = elapsed * u128::from(settings.admitted_per_minute) / 60_000;
        let budget = (1 + by_rate).min(u128::from(u64::MAX)) as u64;
        budget
            .saturating_add(self.returned)
            .saturating_sub(self.admitted)
    }

    /// When the rate next allows an admission (in the past when it allows one now), while
    /// someone waits.
    pub fn next_admission_at(&self) -> Option<DateTime<Utc>> {
        let settings = self.settings?;
        let (opened_at, _) = self.opened?;
        if self.line.is_empty() {
            return None;
        }
        // The allowance is positive once floor(elapsed * rate / 60 s) reaches
        // admitted - returned.
        let needed = self.admitted.saturating_sub(self.returned);
        let ms = (u128::from(needed) * 60_000).div_ceil(u128::from(settings.admitted_per_minute));
        Some(opened_at + TimeDelta::milliseconds(ms.min(i64::MAX as u128) as i64))
    }

    /// Applies one event; called for every listing event.
    pub(crate) fn apply(&mut self, event: &ListingEvent) {
        use ListingEvent as E;
        match event {
            E::WaitingRoomSet { settings, .. } => {
                self.settings = *settings;
                if settings.is_none() {
                    *self = Self::default();
                }
            }
            E::WaitingRoomJoined { buyer, at } => {
                self.line.push_back(*buyer);
                self.visits
                    .insert(*buyer, Visit::Waiting { joined_at: *at });
            }
            E::WaitingRoomOpened { seed, at } => {
                let mut early: Vec<UserId> = self.line.drain(..).collect();
                early.sort_by_key(|buyer| (rank(*seed, *buyer), *buyer));
                self.line = early.into();
                self.opened = Some((*at, *seed));
            }
            E::AdmissionGranted {
                buyer,
                expires_at,
                at,
            } => {
                if let Some(front) = self.line.iter().position(|b| b == buyer) {
                    self.line.remove(front);
                }
                self.visits.insert(
                    *buyer,
                    Visit::Admitted {
                        granted_at: *at,
                        expires_at: *expires_at,
                        used: false,
                    },
                );
                self.expiries.insert((*expires_at, *buyer));
                self.admitted += 1;
            }
            E::AdmissionExpired { buyer, .. } => {
                if let Some(Visit::Admitted {
                    used, expires_at, ..
                }) = self.visits.get(buyer).copied()
                {
                    self.visits.insert(*buyer, Visit::Expired { used });
                    self.expiries.remove(&(expires_at, *buyer));
                    if !used {
                        self.returned += 1;
                    }
                }
            }
            E::SeatsHeld { buyer, .. } => {
                if let Some(Visit::Admitted { used, .. }) = self.visits.get_mut(buyer) {
                    *used = true;
                }
            }
            _ => {}
        }
    }
}
