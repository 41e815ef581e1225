//! The success bodies of the commands, as `routes::reply::Accepted` builds them: the ids
//! the command created or touched, plus the log `position` it wrote, so a client can ask
//! the read side to catch up with `?after=<position>`.

use chrono::{DateTime, Utc};
use utoipa::ToSchema;
use uuid::Uuid;

/// A listing was created as a draft.
#[derive(ToSchema)]
pub struct ListingCreated {
    /// The new listing.
    pub listing_id: Uuid,
    /// The new ticket types, in the order they were sent.
    pub ticket_type_ids: Vec<Uuid>,
    /// Log position of the write.
    pub position: i64,
}

/// A listing was published or its sales were closed.
#[derive(ToSchema)]
pub struct ListingChanged {
    /// The listing.
    pub listing_id: Uuid,
    /// Log position of the write.
    pub position: i64,
}

/// Seats are held for the caller until `expires_at`.
#[derive(ToSchema)]
pub struct HoldCreated {
    /// The new hold; confirm or release it with this id.
    pub hold_id: Uuid,
    /// When the seats return to the pool unless the hold is confirmed.
    pub expires_at: DateTime<Utc>,
    /// Log position of the write.
    pub position: i64,
}

/// A hold was released and its seats returned to the pool.
#[derive(ToSchema)]
pub struct HoldReleased {
    /// The released hold.
    pub hold_id: Uuid,
    /// Log position of the write.
    pub position: i64,
}

/// A hold (or an accepted waitlist offer) became a booking with one ticket per seat.
#[derive(ToSchema)]
pub struct BookingCreated {
    /// The new booking.
    pub booking_id: Uuid,
    /// One code per ticket, to be scanned at the door.
    pub ticket_codes: Vec<String>,
    /// Log position of the write.
    pub position: i64,
}

/// A booking was cancelled, or one of its tickets was checked in (or the check-in undone).
#[derive(ToSchema)]
pub struct BookingChanged {
    /// The booking.
    pub booking_id: Uuid,
    /// Log position of the write.
    pub position: i64,
}

/// The caller joined the waitlist of a ticket type.
#[derive(ToSchema)]
pub struct WaitlistJoined {
    /// The new waitlist entry.
    pub entry_id: Uuid,
    /// How many entries are waiting on the listing, this one included.
    pub waitlist_length: u64,
    /// Log position of the write.
    pub position: i64,
}

/// A waitlist entry was left, or its offer declined.
#[derive(ToSchema)]
pub struct WaitlistEntryChanged {
    /// The waitlist entry.
    pub entry_id: Uuid,
    /// Log position of the write.
    pub position: i64,
}

/// The process is up.
#[derive(ToSchema)]
pub struct Health {
    /// Always `ok`.
    #[schema(example = "ok")]
    pub status: String,
}

/// Whether the database answers.
#[derive(ToSchema)]
pub struct Readiness {
    /// `ready` or `unavailable`.
    #[schema(example = "ready")]
    pub status: String,
    /// The last position of the log (when ready).
    pub log_head: Option<i64>,
    /// Why the service is not ready (when unavailable).
    pub reason: Option<String>,
    /// Projection health when this process runs projections: `ready`, and per projection
    /// its checkpoint, lag (events, seconds), last error and verdict (`ok`,
    /// `catching_up`, `stuck`).
    #[schema(value_type = Option<Object>)]
    pub projections: Option<serde_json::Value>,
}
