//! Given/when/then scenarios for every command and rejection of the domain.

mod accounts;
mod bookings;
mod cancellations;
mod check_in;
mod common;
mod deadlines;
mod holds;
mod limits;
mod listing_lifecycle;
mod listing_setup;
mod room;
mod serde_stability;
mod values;
mod waitlist;
