//! The booking aggregate (stream `booking-<uuid>`): tickets, cancellation, refund, check-in.

mod command;
mod decide;
mod error;
mod event;
mod state;
mod ticket;

pub use command::{BookingCommand, CheckIn, UndoCheckIn};
pub use decide::decide;
pub(crate) use decide::{cancel, open, BookingTerms, Canceller};
pub use error::BookingError;
pub use event::{BookingEvent, CancellationReason};
pub use state::{evolve, Booking, BookingCancellation, BookingState, BookingStatus};
pub use ticket::{IssuedTicket, NewTicket, Ticket, TicketStatus};
