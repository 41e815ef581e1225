//! Decisions that span two aggregates: they read both states and return events for both
//! streams, which the application appends in one atomic multi-stream transaction.

mod cancel;
mod confirm;
mod decision;

pub use cancel::{cancel_booking, cancel_booking_for_cancelled_listing, CancelBooking};
pub use confirm::{confirm_hold, ConfirmHold};
pub use decision::Decision;
