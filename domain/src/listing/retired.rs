//! Recently finished holds, remembered for a day so late commands get a precise answer.

use super::hold::HoldOutcome;
use crate::ids::HoldId;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// How long (in event time) a finished hold is remembered: long enough for a scheduler's
/// late expiry or a buyer's retry to be told "confirmed as booking X", short enough that a
/// listing's state does not grow with every booking it ever took.
pub const RETIRED_HOLD_RETENTION_SECONDS: i64 = 24 * 60 * 60;

/// One finished hold and what became of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetiredHold {
    /// The hold.
    pub hold_id: HoldId,
    /// What became of it.
    pub outcome: HoldOutcome,
}

/// Finished holds in retirement order, indexed by id; snapshots hold only the list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(from = "Vec<RetiredHold>", into = "Vec<RetiredHold>")]
pub struct RetiredHolds {
    order: VecDeque<RetiredHold>,
    index: BTreeMap<HoldId, HoldOutcome>,
}

impl RetiredHolds {
    /// What became of a recently finished hold.
    pub fn get(&self, hold_id: HoldId) -> Option<HoldOutcome> {
        self.index.get(&hold_id).copied()
    }

    /// Number of holds remembered.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether no finished hold is remembered.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    pub(crate) fn insert(&mut self, hold_id: HoldId, outcome: HoldOutcome) {
        self.index.insert(hold_id, outcome);
        self.order.push_back(RetiredHold { hold_id, outcome });
    }

    /// Forgets holds finished more than the retention before `now` (an event's time).
    pub(crate) fn prune(&mut self, now: DateTime<Utc>) {
        let retention = TimeDelta::seconds(RETIRED_HOLD_RETENTION_SECONDS);
        while let Some(oldest) = self.order.front() {
            if oldest.outcome.at() + retention >= now {
                break;
            }
            self.index.remove(&oldest.hold_id);
            self.order.pop_front();
        }
    }
}

impl From<Vec<RetiredHold>> for RetiredHolds {
    fn from(list: Vec<RetiredHold>) -> Self {
        let mut retired = RetiredHolds::default();
        for entry in list {
            retired.insert(entry.hold_id, entry.outcome);
        }
        retired
    }
}

impl From<RetiredHolds> for Vec<RetiredHold> {
    fn from(retired: RetiredHolds) -> Self {
        retired.order.into()
    }
}
