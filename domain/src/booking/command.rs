//! Booking commands decided by the booking alone: door check-in and its undo.
//!
//! Confirming and cancelling bookings also change the listing, so they are flows in
//! [`crate::flows`] that return events for both streams.

use crate::actor::Actor;
use crate::values::TicketCode;
use chrono::{DateTime, Utc};

/// Admit the ticket with this code (staff of the listing's organizer, or the organizer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckIn {
    /// The staff member at the door.
    pub actor: Actor,
    /// The code as scanned or typed.
    pub code: TicketCode,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Undo a check-in made by mistake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoCheckIn {
    /// The staff member.
    pub actor: Actor,
    /// The ticket's code.
    pub code: TicketCode,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Every command a booking decides alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookingCommand {
    /// See [`CheckIn`].
    CheckIn(CheckIn),
    /// See [`UndoCheckIn`].
    UndoCheckIn(UndoCheckIn),
}

impl From<CheckIn> for BookingCommand {
    fn from(command: CheckIn) -> Self {
        BookingCommand::CheckIn(command)
    }
}

impl From<UndoCheckIn> for BookingCommand {
    fn from(command: UndoCheckIn) -> Self {
        BookingCommand::UndoCheckIn(command)
    }
}
