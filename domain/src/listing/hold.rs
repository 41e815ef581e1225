//! Active holds (including waitlist offers) and what became of finished ones.

use crate::ids::{BookingId, HoldId, TicketTypeId, UserId, WaitlistEntryId};
use crate::values::SeatCount;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Seats of one ticket type kept for one buyer until a deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    /// The hold's id.
    pub id: HoldId,
    /// Which ticket type the seats are of.
    pub ticket_type_id: TicketTypeId,
    /// Who may confirm it.
    pub buyer: UserId,
    /// How many seats.
    pub seats: SeatCount,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it lapses unless confirmed.
    pub expires_at: DateTime<Utc>,
    /// The waitlist entry this hold was offered to, if it is an offer.
    pub offer_entry_id: Option<WaitlistEntryId>,
}

impl Hold {
    /// Whether this hold is a waitlist offer.
    pub fn is_offer(&self) -> bool {
        self.offer_entry_id.is_some()
    }
}

/// How a hold stopped being active; kept so late commands get a precise rejection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum HoldOutcome {
    /// It became a booking.
    Confirmed {
        /// The booking it became.
        booking_id: BookingId,
        /// When.
        at: DateTime<Utc>,
    },
    /// The buyer let it go.
    Released {
        /// When.
        at: DateTime<Utc>,
    },
    /// Its deadline passed.
    Expired {
        /// When the expiry was recorded.
        at: DateTime<Utc>,
    },
    /// The buyer declined the waitlist offer.
    Declined {
        /// When.
        at: DateTime<Utc>,
    },
    /// The listing was cancelled while it was active.
    Withdrawn {
        /// When.
        at: DateTime<Utc>,
    },
}

impl HoldOutcome {
    /// When the hold finished.
    pub fn at(&self) -> DateTime<Utc> {
        match *self {
            Self::Confirmed { at, .. }
            | Self::Released { at }
            | Self::Expired { at }
            | Self::Declined { at }
            | Self::Withdrawn { at } => at,
        }
    }
}

impl fmt::Display for HoldOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Confirmed { booking_id, at } => {
                write!(
                    f,
                    "it was already confirmed as booking {booking_id} at {at}"
                )
            }
            Self::Released { at } => write!(f, "it was released at {at}"),
            Self::Expired { at } => write!(f, "it expired (recorded at {at})"),
            Self::Declined { at } => write!(f, "the offer was declined at {at}"),
            Self::Withdrawn { at } => {
                write!(f, "it was withdrawn when the listing was cancelled at {at}")
            }
        }
    }
}
