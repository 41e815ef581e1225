//! What a listing describes: venue, times, sales window and ticket types.

use crate::ids::TicketTypeId;
use crate::values::{CountryCode, LongText, Money, SeatCount, ShortText, TimeZoneName};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Most ticket types one listing may have.
pub const MAX_TICKET_TYPES: usize = 50;
/// Largest capacity of one ticket type (and of a listing's total capacity).
pub const MAX_TYPE_CAPACITY: u32 = 1_000_000;

/// Where a listing takes place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Venue {
    /// Name of the venue, e.g. "Olympia".
    pub name: ShortText,
    /// Street address.
    pub address: ShortText,
    /// City.
    pub city: ShortText,
    /// ISO 3166-1 alpha-2 country.
    pub country: CountryCode,
}

/// When tickets can be bought: from `opens_at` (inclusive) to `closes_at` (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesWindow {
    /// First instant seats can be held.
    pub opens_at: DateTime<Utc>,
    /// First instant seats can no longer be held.
    pub closes_at: DateTime<Utc>,
}

impl SalesWindow {
    /// Whether seats can be held at `now` according to the window alone.
    pub fn is_open_at(&self, now: DateTime<Utc>) -> bool {
        self.opens_at <= now && now < self.closes_at
    }
}

/// The descriptive part of a listing, replaced as a whole by an update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingDetails {
    /// Title shown to buyers.
    pub title: ShortText,
    /// Longer description; may be empty.
    pub description: LongText,
    /// Where it happens.
    pub venue: Venue,
    /// Free-form category such as "concert" or "workshop".
    pub category: ShortText,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends (after `starts_at`).
    pub ends_at: DateTime<Utc>,
    /// IANA zone the times are shown in.
    pub time_zone: TimeZoneName,
    /// When seats can be held.
    pub sales: SalesWindow,
    /// Most seats one hold, waitlist party or booking may have.
    pub max_tickets_per_booking: SeatCount,
}

/// A ticket type as proposed in a command: id minted by the caller, capacity in seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTicketType {
    /// New id for the type.
    pub id: TicketTypeId,
    /// Name unique within the listing, e.g. "Balcony".
    pub name: ShortText,
    /// Price of one seat; zero means free.
    pub price: Money,
    /// Seats of this type (1 to [`MAX_TYPE_CAPACITY`]).
    pub capacity: u32,
}

/// A ticket type in the folded state; its counters live in [`crate::listing::Inventory`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketType {
    /// The type's id.
    pub id: TicketTypeId,
    /// Its name.
    pub name: ShortText,
    /// Price of one seat.
    pub price: Money,
}
