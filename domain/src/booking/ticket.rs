//! Tickets: one per seat, each with a caller-generated unguessable code.

use crate::ids::{TicketId, UserId};
use crate::values::TicketCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A ticket to issue, as passed in by the caller (id and CSPRNG code minted outside).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTicket {
    /// The new ticket's id.
    pub ticket_id: TicketId,
    /// Its admission code.
    pub code: TicketCode,
}

/// A ticket as recorded in `TicketsIssued`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedTicket {
    /// The ticket's id.
    pub ticket_id: TicketId,
    /// Its admission code.
    pub code: TicketCode,
}

/// Whether a ticket can still get someone in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TicketStatus {
    /// Not used yet.
    Valid,
    /// Admitted.
    CheckedIn {
        /// When.
        at: DateTime<Utc>,
        /// By which staff member.
        by: UserId,
    },
    /// Its booking was cancelled.
    Cancelled {
        /// When.
        at: DateTime<Utc>,
    },
}

/// A ticket in the folded booking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// The ticket's id.
    pub id: TicketId,
    /// Its admission code.
    pub code: TicketCode,
    /// Its status.
    pub status: TicketStatus,
}
