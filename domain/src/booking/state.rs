//! The folded booking state and `evolve`.

use super::event::{BookingEvent, CancellationReason};
use super::ticket::{Ticket, TicketStatus};
use crate::ids::{BookingId, HoldId, ListingId, TicketId, TicketTypeId, UserId};
use crate::values::{Money, PaymentReference, SeatCount, ShortText, TicketCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Whether a booking still stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    /// Paid (or free) and valid.
    Confirmed,
    /// Cancelled; tickets are void.
    Cancelled,
}

/// Who cancelled a booking, why and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingCancellation {
    /// Who or what cancelled it.
    pub reason: CancellationReason,
    /// Who acted.
    pub by: UserId,
    /// When.
    pub at: DateTime<Utc>,
}

/// A confirmed booking with its tickets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    /// The booking's id.
    pub id: BookingId,
    /// The listing booked.
    pub listing_id: ListingId,
    /// The listing's organizer.
    pub organizer_id: UserId,
    /// Who bought.
    pub buyer: UserId,
    /// The hold it came from.
    pub hold_id: HoldId,
    /// Which ticket type.
    pub ticket_type_id: TicketTypeId,
    /// The ticket type's name at confirmation.
    pub ticket_type_name: ShortText,
    /// How many seats.
    pub seats: SeatCount,
    /// Price of one seat.
    pub unit_price: Money,
    /// What was paid.
    pub total: Money,
    /// The payment provider's reference, for paid bookings.
    pub payment_reference: Option<PaymentReference>,
    /// When it was confirmed.
    pub confirmed_at: DateTime<Utc>,
    /// One ticket per seat, in issue order.
    pub tickets: Vec<Ticket>,
    /// Whether it still stands.
    pub status: BookingStatus,
    /// Who cancelled it, if anyone.
    pub cancellation: Option<BookingCancellation>,
    /// The refund recorded on cancellation, if anything was paid.
    pub refund: Option<Money>,
}

impl Booking {
    /// The ticket with this code, if it belongs to this booking.
    pub fn ticket_by_code(&self, code: &TicketCode) -> Option<&Ticket> {
        self.tickets.iter().find(|t| &t.code == code)
    }

    /// How many tickets have been admitted.
    pub fn checked_in_count(&self) -> usize {
        self.tickets
            .iter()
            .filter(|t| matches!(t.status, TicketStatus::CheckedIn { .. }))
            .count()
    }
}

/// The folded state of one booking stream; empty until `BookingConfirmed`.
///
/// Serializable so the application can snapshot it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BookingState {
    booking: Option<Booking>,
}

impl BookingState {
    /// The booking, once confirmed.
    pub fn booking(&self) -> Option<&Booking> {
        self.booking.as_ref()
    }

    /// Folds events onto the empty state.
    pub fn fold<'a>(events: impl IntoIterator<Item = &'a BookingEvent>) -> Self {
        events.into_iter().fold(Self::default(), evolve)
    }

    /// Applies one event in place.
    pub fn apply(&mut self, event: &BookingEvent) {
        use BookingEvent as E;
        if let E::BookingConfirmed {
            booking_id,
            listing_id,
            organizer_id,
            buyer,
            hold_id,
            ticket_type_id,
            ticket_type_name,
            seats,
            unit_price,
            total,
            payment_reference,
            at,
        } = event
        {
            self.booking = Some(Booking {
                id: *booking_id,
                listing_id: *listing_id,
                organizer_id: *organizer_id,
                buyer: *buyer,
                hold_id: *hold_id,
                ticket_type_id: *ticket_type_id,
                ticket_type_name: ticket_type_name.clone(),
                seats: *seats,
                unit_price: *unit_price,
                total: *total,
                payment_reference: payment_reference.clone(),
                confirmed_at: *at,
                tickets: Vec::new(),
                status: BookingStatus::Confirmed,
                cancellation: None,
                refund: None,
            });
            return;
        }
        let Some(booking) = self.booking.as_mut() else {
            return;
        };
        match event {
            E::BookingConfirmed { .. } => {}
            E::TicketsIssued { tickets, .. } => {
                booking.tickets.extend(tickets.iter().map(|t| Ticket {
                    id: t.ticket_id,
                    code: t.code.clone(),
                    status: TicketStatus::Valid,
                }));
            }
            E::BookingCancelled { reason, by, at, .. } => {
                booking.status = BookingStatus::Cancelled;
                booking.cancellation = Some(BookingCancellation {
                    reason: *reason,
                    by: *by,
                    at: *at,
                });
                for ticket in &mut booking.tickets {
                    ticket.status = TicketStatus::Cancelled { at: *at };
                }
            }
            E::RefundRecorded { amount, .. } => booking.refund = Some(*amount),
            E::TicketCheckedIn {
                ticket_id, by, at, ..
            } => set_status(
                booking,
                *ticket_id,
                TicketStatus::CheckedIn { at: *at, by: *by },
            ),
            E::TicketCheckInUndone { ticket_id, .. } => {
                set_status(booking, *ticket_id, TicketStatus::Valid)
            }
        }
    }
}

/// Applies one event to a state; never fails and checks no rules.
pub fn evolve(mut state: BookingState, event: &BookingEvent) -> BookingState {
    state.apply(event);
    state
}

fn set_status(booking: &mut Booking, ticket_id: TicketId, status: TicketStatus) {
    if let Some(ticket) = booking.tickets.iter_mut().find(|t| t.id == ticket_id) {
        ticket.status = status;
    }
}
