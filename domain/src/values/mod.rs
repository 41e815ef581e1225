//! Value types parsed once at the edge; none of them can be built invalid.

#[macro_use]
mod macros;
mod duration;
mod email;
mod error;
mod money;
mod seats;
mod secret;
mod text;
mod ticket_code;
mod time_zone;

pub use duration::HoldDuration;
pub use email::Email;
pub use error::ValueError;
pub use money::{Currency, Money};
pub use seats::SeatCount;
pub use secret::{PasswordHash, PaymentReference};
pub use text::{CountryCode, LongText, ShortText, LONG_TEXT_MAX, SHORT_TEXT_MAX};
pub use ticket_code::TicketCode;
pub use time_zone::TimeZoneName;
