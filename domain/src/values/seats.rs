//! A number of seats in one request: at least one, at most [`SeatCount::MAX`].

use super::ValueError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A number of seats requested at once (a hold, a party on the waitlist, a booking).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct SeatCount(u32);

impl SeatCount {
    /// Largest number of seats one request may ask for; listings may allow fewer.
    pub const MAX: u32 = 100;
    /// One seat.
    pub const ONE: SeatCount = SeatCount(1);

    /// Parses a count in `1..=MAX`.
    pub fn new(value: u32) -> Result<Self, ValueError> {
        if (1..=Self::MAX).contains(&value) {
            Ok(Self(value))
        } else {
            Err(ValueError::SeatCountOutOfRange {
                value: value.into(),
                max: Self::MAX,
            })
        }
    }

    /// The count.
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for SeatCount {
    type Error = ValueError;

    fn try_from(value: u32) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<SeatCount> for u32 {
    fn from(seats: SeatCount) -> u32 {
        seats.0
    }
}

impl fmt::Display for SeatCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
