//! How long a hold or a waitlist offer lasts: a policy value passed in commands.

use super::ValueError;
use chrono::TimeDelta;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A hold or offer lifetime between one minute and seven days, whole seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct HoldDuration(i64);

impl HoldDuration {
    /// Shortest allowed duration in seconds.
    pub const MIN_SECONDS: i64 = 60;
    /// Longest allowed duration in seconds (seven days: longer is surely a unit mistake).
    pub const MAX_SECONDS: i64 = 7 * 24 * 60 * 60;

    /// Parses a duration given in whole seconds.
    pub fn from_seconds(seconds: i64) -> Result<Self, ValueError> {
        if (Self::MIN_SECONDS..=Self::MAX_SECONDS).contains(&seconds) {
            Ok(Self(seconds))
        } else {
            Err(ValueError::DurationOutOfRange {
                seconds,
                min_seconds: Self::MIN_SECONDS,
                max_seconds: Self::MAX_SECONDS,
            })
        }
    }

    /// Parses a duration given in minutes.
    pub fn from_minutes(minutes: i64) -> Result<Self, ValueError> {
        Self::from_seconds(minutes.saturating_mul(60))
    }

    /// The duration in seconds.
    pub const fn seconds(self) -> i64 {
        self.0
    }

    /// The duration as a chrono delta.
    pub fn as_delta(self) -> TimeDelta {
        TimeDelta::seconds(self.0)
    }
}

impl TryFrom<i64> for HoldDuration {
    type Error = ValueError;

    fn try_from(seconds: i64) -> Result<Self, Self::Error> {
        Self::from_seconds(seconds)
    }
}

impl TryFrom<TimeDelta> for HoldDuration {
    type Error = ValueError;

    fn try_from(delta: TimeDelta) -> Result<Self, Self::Error> {
        if delta.subsec_nanos() != 0 {
            // Sub-second precision would be silently dropped; reject like any other misfit.
            return Err(ValueError::DurationOutOfRange {
                seconds: delta.num_seconds(),
                min_seconds: Self::MIN_SECONDS,
                max_seconds: Self::MAX_SECONDS,
            });
        }
        Self::from_seconds(delta.num_seconds())
    }
}

impl From<HoldDuration> for i64 {
    fn from(duration: HoldDuration) -> i64 {
        duration.0
    }
}

impl fmt::Display for HoldDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}s", self.0)
    }
}
