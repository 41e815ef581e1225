//! Booking use cases: cancel (seats return to the pool, a refund is recorded).

mod cancel;

pub use cancel::cancel;
