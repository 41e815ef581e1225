//! Waitlist use cases: join when sold out, leave, accept an offer (a booking), decline it.

mod accept;
mod decline;
mod join;
mod leave;

pub use accept::accept;
pub use decline::decline;
pub use join::join;
pub use leave::leave;
