//! Listing use cases: create, publish, close sales, change details, ticket types,
//! capacity and per-buyer limits, cancel. Each goes through the listing's writer.

mod add_ticket_type;
mod buyer_limits;
mod cancel;
mod change_capacity;
mod close;
mod create;
mod publish;
pub(crate) mod rules;
mod update_details;

pub use add_ticket_type::add_ticket_type;
pub use buyer_limits::set_buyer_limits;
pub use cancel::{cancel, cancel_bookings_of};
pub use change_capacity::change_capacity;
pub use close::close;
pub use create::{create, NewListing};
pub use publish::publish;
pub use update_details::update_details;
