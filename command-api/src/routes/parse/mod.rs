//! Turning request parts into domain values, shared by the route files: typed path ids,
//! the listing body pieces, the password policy and roles. No route file imports
//! another's helpers; what two routes parse alike lives here.

mod code;
mod listing;
mod password;
mod paths;
mod payment;
mod role;
mod session;

pub(crate) use code::CodeBody;
pub(crate) use listing::{
    parse_buyer_limits, parse_details, parse_ticket_type, BuyerLimitsBody, DetailsRef, SalesBody,
    TicketTypeBody, VenueBody,
};
pub(crate) use password::check_password;
pub(crate) use paths::{BookingPath, EntryPath, HoldPath, ListingPath, TicketTypePath, UserPath};
pub(crate) use payment::ConfirmBody;
pub(crate) use role::parse_role;
pub(crate) use session::RefreshBody;
