//! Booking events: confirmation, tickets, cancellation, refund and check-ins.

use super::ticket::IssuedTicket;
use crate::event::DomainEvent;
use crate::ids::{BookingId, HoldId, ListingId, TicketId, TicketTypeId, UserId};
use crate::values::{Money, PaymentReference, SeatCount, ShortText};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Who or what cancelled a booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancellationReason {
    /// The buyer, before the listing started.
    Buyer,
    /// The listing's organizer.
    Organizer,
    /// An admin.
    Admin,
    /// The whole listing was cancelled.
    ListingCancelled,
}

/// Something that happened to a booking. Serialized forms are forever: add, never change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BookingEvent {
    /// A hold was confirmed and became this booking.
    BookingConfirmed {
        /// The booking.
        booking_id: BookingId,
        /// The listing booked.
        listing_id: ListingId,
        /// The listing's organizer (whose staff check tickets in).
        organizer_id: UserId,
        /// Who bought.
        buyer: UserId,
        /// The hold it came from.
        hold_id: HoldId,
        /// Which ticket type.
        ticket_type_id: TicketTypeId,
        /// The ticket type's name at confirmation.
        ticket_type_name: ShortText,
        /// How many seats.
        seats: SeatCount,
        /// Price of one seat.
        unit_price: Money,
        /// What was paid.
        total: Money,
        /// The payment provider's reference; `None` for free tickets.
        payment_reference: Option<PaymentReference>,
        /// When.
        at: DateTime<Utc>,
    },
    /// One ticket per seat was issued.
    TicketsIssued {
        /// The booking.
        booking_id: BookingId,
        /// The tickets.
        tickets: Vec<IssuedTicket>,
        /// When.
        at: DateTime<Utc>,
    },
    /// The booking was cancelled; all its tickets are void.
    BookingCancelled {
        /// The booking.
        booking_id: BookingId,
        /// Who or what cancelled it.
        reason: CancellationReason,
        /// Who acted.
        by: UserId,
        /// When.
        at: DateTime<Utc>,
    },
    /// A refund of what was paid is owed to the buyer.
    RefundRecorded {
        /// The booking.
        booking_id: BookingId,
        /// Amount to refund.
        amount: Money,
        /// The payment to refund against.
        payment_reference: Option<PaymentReference>,
        /// When.
        at: DateTime<Utc>,
    },
    /// A ticket was admitted at the door.
    TicketCheckedIn {
        /// The booking.
        booking_id: BookingId,
        /// The ticket.
        ticket_id: TicketId,
        /// The staff member.
        by: UserId,
        /// When.
        at: DateTime<Utc>,
    },
    /// A check-in was undone.
    TicketCheckInUndone {
        /// The booking.
        booking_id: BookingId,
        /// The ticket.
        ticket_id: TicketId,
        /// The staff member.
        by: UserId,
        /// When.
        at: DateTime<Utc>,
    },
}

impl BookingEvent {
    /// Version of these payloads in the event envelope.
    pub const SCHEMA_VERSION: u32 = 1;

    /// Every `type` tag this enum can produce, in declaration order.
    pub const TYPES: [&'static str; 6] = [
        "booking_confirmed",
        "tickets_issued",
        "booking_cancelled",
        "refund_recorded",
        "ticket_checked_in",
        "ticket_check_in_undone",
    ];

    /// When it happened (the `now` of the command that decided it).
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::BookingConfirmed { at, .. }
            | Self::TicketsIssued { at, .. }
            | Self::BookingCancelled { at, .. }
            | Self::RefundRecorded { at, .. }
            | Self::TicketCheckedIn { at, .. }
            | Self::TicketCheckInUndone { at, .. } => *at,
        }
    }

    /// The stable `type` tag of this event.
    pub fn event_type(&self) -> &'static str {
        let index = match self {
            Self::BookingConfirmed { .. } => 0,
            Self::TicketsIssued { .. } => 1,
            Self::BookingCancelled { .. } => 2,
            Self::RefundRecorded { .. } => 3,
            Self::TicketCheckedIn { .. } => 4,
            Self::TicketCheckInUndone { .. } => 5,
        };
        Self::TYPES[index]
    }
}

impl DomainEvent for BookingEvent {
    const SCHEMA_VERSION: u32 = BookingEvent::SCHEMA_VERSION;
    const STREAM_PREFIX: &'static str = BookingId::STREAM_PREFIX;

    fn event_type(&self) -> &'static str {
        BookingEvent::event_type(self)
    }
}
