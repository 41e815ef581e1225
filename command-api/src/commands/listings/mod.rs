//! Listing use cases: create, publish, close sales, change details, ticket types and
//! capacity, cancel. Each goes through the listing's writer.

mod add_ticket_type;
mod cancel;
mod change_capacity;
mod close;
mod create;
mod publish;
mod rules;
mod update_details;

pub use add_ticket_type::add_ticket_type;
pub use cancel::{cancel, cancel_bookings_of};
pub use change_capacity::change_capacity;
pub use close::close;
pub use create::create;
pub use publish::publish;
pub use update_details::update_details;
