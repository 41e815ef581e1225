//! Hold use cases: hold seats, release them, confirm a hold into a booking.

mod confirm;
mod hold;
mod release;

pub use confirm::{confirm, confirm_into_booking};
pub use hold::hold;
pub use release::release;
