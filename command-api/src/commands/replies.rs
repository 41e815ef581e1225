//! What committed commands answer: the ids they created or touched, plus the log
//! `position` they wrote, so a client can ask the read side to catch up with
//! `?after=<position>`. These are the bodies the handlers serialise and the schemas the
//! OpenAPI document shows, one type for both.

use chrono::{DateTime, Utc};
use domain::{BookingId, HoldId, ListingId, TicketTypeId, UserId, WaitlistEntryId};
use serde::Serialize;
use utoipa::ToSchema;

/// A listing was created as a draft.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListingCreated {
    /// The new listing.
    #[schema(value_type = Uuid)]
    pub listing_id: ListingId,
    /// The new ticket types, in the order they were sent.
    #[schema(value_type = Vec<Uuid>)]
    pub ticket_type_ids: Vec<TicketTypeId>,
    /// Log position of the write.
    pub position: i64,
}

/// A listing was changed: published, closed, edited or cancelled.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ListingChanged {
    /// The listing.
    #[schema(value_type = Uuid)]
    pub listing_id: ListingId,
    /// Log position of the write.
    pub position: i64,
}

/// A buyer joined a listing's waiting room.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WaitingRoomJoined {
    /// The listing.
    #[schema(value_type = Uuid)]
    pub listing_id: ListingId,
    /// How many are ahead in line, once the room has opened; before, `null`: the order
    /// of everyone who joins before the opening is drawn at random when it opens.
    pub ahead: Option<u64>,
    /// How many are in the room's line now, the caller included.
    pub waiting: u64,
    /// When the room opens.
    pub opens_at: Option<DateTime<Utc>>,
    /// Log position of the write.
    pub position: i64,
}

/// A ticket type was added to a listing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketTypeAdded {
    /// The listing.
    #[schema(value_type = Uuid)]
    pub listing_id: ListingId,
    /// The new ticket type.
    #[schema(value_type = Uuid)]
    pub ticket_type_id: TicketTypeId,
    /// Log position of the write.
    pub position: i64,
}

/// Seats are held for the caller until `expires_at`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HoldCreated {
    /// The new hold; confirm or release it with this id.
    #[schema(value_type = Uuid)]
    pub hold_id: HoldId,
    /// When the seats return to the pool unless the hold is confirmed (RFC 3339).
    #[schema(format = DateTime)]
    pub expires_at: String,
    /// Log position of the write.
    pub position: i64,
}

/// A hold was released and its seats returned to the pool.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HoldReleased {
    /// The released hold.
    #[schema(value_type = Uuid)]
    pub hold_id: HoldId,
    /// Log position of the write.
    pub position: i64,
}

/// A hold (or an accepted waitlist offer) became a booking with one ticket per seat.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BookingCreated {
    /// The new booking.
    #[schema(value_type = Uuid)]
    pub booking_id: BookingId,
    /// One code per ticket, to be scanned at the door.
    pub ticket_codes: Vec<String>,
    /// Log position of the write.
    pub position: i64,
}

/// A booking was cancelled, or one of its tickets was checked in (or the check-in undone).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BookingChanged {
    /// The booking.
    #[schema(value_type = Uuid)]
    pub booking_id: BookingId,
    /// Log position of the write.
    pub position: i64,
}

/// The caller joined the waitlist of a ticket type.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WaitlistJoined {
    /// The new waitlist entry.
    #[schema(value_type = Uuid)]
    pub entry_id: WaitlistEntryId,
    /// How many entries are waiting on the listing, this one included.
    pub waitlist_length: u64,
    /// Log position of the write.
    pub position: i64,
}

/// A waitlist entry was left, or its offer declined.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WaitlistEntryChanged {
    /// The waitlist entry.
    #[schema(value_type = Uuid)]
    pub entry_id: WaitlistEntryId,
    /// Log position of the write.
    pub position: i64,
}

/// An account was registered or changed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountChanged {
    /// The account.
    #[schema(value_type = Uuid)]
    pub user_id: UserId,
    /// Log position of the write.
    pub position: i64,
}
