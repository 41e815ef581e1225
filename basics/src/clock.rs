//! The application clock: the system clock in production, a hand-moved one in tests, so
//! hold expiry and token expiry are tested without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

/// A clock that is either the system's or moved by hand.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    manual: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self { manual: None }
    }

    /// A clock stopped at `at` until moved with [`Clock::advance`].
    pub fn manual(at: DateTime<Utc>) -> Self {
        Self {
            manual: Some(Arc::new(AtomicI64::new(at.timestamp_micros()))),
        }
    }

    /// The current time.
    pub fn now(&self) -> DateTime<Utc> {
        match &self.manual {
            None => Utc::now(),
            Some(micros) => {
                DateTime::from_timestamp_micros(micros.load(Ordering::SeqCst)).unwrap_or_default()
            }
        }
    }

    /// Moves a manual clock forward (no effect on the system clock).
    pub fn advance(&self, by: TimeDelta) {
        if let Some(micros) = &self.manual {
            micros.fetch_add(by.num_microseconds().unwrap_or(0), Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_advanced_and_its_clones_share_the_time() {
        let at = DateTime::from_timestamp(1_780_000_000, 0).unwrap();
        let clock = Clock::manual(at);
        let shared = clock.clone();
        assert_eq!(clock.now(), at);
        shared.advance(TimeDelta::minutes(10));
        assert_eq!(clock.now(), at + TimeDelta::minutes(10));
    }

    #[test]
    fn advancing_the_system_clock_changes_nothing() {
        let clock = Clock::system();
        clock.advance(TimeDelta::days(365));
        assert!(clock.now() < Utc::now() + TimeDelta::days(1));
    }
}
