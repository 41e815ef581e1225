//! The application layer: one function per use case. Each takes parsed domain values,
//! the acting user and the app's state, decides through the domain, chooses how it
//! reaches the log (the listing's hot writer, a plain decide-and-append, or a log
//! transaction), owns its side effects (payments, lookup rows), and answers a typed
//! reply or a [`CommandError`]. HTTP routes, the scheduler and the console all call these.

pub mod accounts;
pub mod bookings;
pub mod checkin;
pub mod deadlines;
mod error;
pub mod holds;
pub mod listings;
pub mod replies;
pub mod room;
pub mod waitlist;

use domain::{Actor, HoldDuration};
use eventlog::Metadata;

pub(crate) use error::limited;
pub use error::CommandError;

/// Event metadata for a command by `actor`.
pub(crate) fn metadata(actor: &Actor) -> Metadata {
    crate::store::metadata(actor.user_id)
}

/// A configured number of minutes as a hold or offer duration.
pub(crate) fn minutes(m: u32) -> Result<HoldDuration, CommandError> {
    HoldDuration::from_minutes(i64::from(m)).map_err(|e| CommandError::Unexpected(e.into()))
}
