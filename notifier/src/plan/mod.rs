//! The pure part: which messages an event causes ([`notification_for`]) and what it
//! teaches the notifier's small directory of people, listings and bookings
//! ([`directory_change`]). No I/O, no clock: the same event always gives the same answer.

mod directory;
mod notification;
mod types;

pub use directory::directory_change;
pub use notification::notification_for;
pub use types::{Audience, DirectoryChange, Facts, Intent, Plan, Template};

#[cfg(test)]
mod tests;
