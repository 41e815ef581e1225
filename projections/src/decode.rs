//! Stored events as domain facts. Unknown event types (written by a newer version) are
//! skipped; a known type whose payload does not parse is an error, so the projection
//! stops there and says so instead of silently skipping a fact.

use domain::account::AccountEvent;
use domain::booking::BookingEvent;
use domain::listing::ListingEvent;
use domain::{BookingId, ListingId, UserId};
use eventlog::StoredEvent;
use serde::Deserialize as _;

/// A stored event decoded into its aggregate's event enum, with the aggregate's id.
#[derive(Debug, Clone)]
pub enum Fact {
    /// An event of stream `listing-<uuid>`.
    Listing(ListingId, ListingEvent),
    /// An event of stream `booking-<uuid>`.
    Booking(BookingId, BookingEvent),
    /// An event of stream `user-<uuid>`.
    Account(UserId, AccountEvent),
    /// Anything a projection has no use for.
    Other,
}

/// Why an event could not be decoded.
#[derive(Debug, thiserror::Error)]
#[error("event at position {position} ({event_type} in {stream}) does not decode: {reason}")]
pub struct DecodeError {
    /// Where it is.
    pub position: i64,
    /// Its stream.
    pub stream: String,
    /// Its type.
    pub event_type: String,
    /// What serde said.
    pub reason: String,
}

/// Decodes one stored event.
pub fn decode(event: &StoredEvent) -> Result<Fact, DecodeError> {
    let stream = event.stream_id.as_str();
    let fail = |reason: String| DecodeError {
        position: event.position,
        stream: stream.to_owned(),
        event_type: event.event_type.clone(),
        reason,
    };
    let Some((prefix, id)) = stream.split_once('-') else {
        return Ok(Fact::Other);
    };
    let known = match prefix {
        "listing" => ListingEvent::TYPES.contains(&event.event_type.as_str()),
        "booking" => BookingEvent::TYPES.contains(&event.event_type.as_str()),
        "user" => AccountEvent::TYPES.contains(&event.event_type.as_str()),
        _ => false,
    };
    if !known {
        return Ok(Fact::Other);
    }
    let uuid: uuid::Uuid = id.parse().map_err(|e| fail(format!("stream id: {e}")))?;
    // Deserialized from the borrowed payload: cloning it first (a deep copy of every
    // map and string) cost as much as the deserializing itself.
    let payload = &event.payload;
    Ok(match prefix {
        "listing" => Fact::Listing(
            uuid.into(),
            ListingEvent::deserialize(payload).map_err(|e| fail(e.to_string()))?,
        ),
        "booking" => Fact::Booking(
            uuid.into(),
            BookingEvent::deserialize(payload).map_err(|e| fail(e.to_string()))?,
        ),
        _ => Fact::Account(
            uuid.into(),
            AccountEvent::deserialize(payload).map_err(|e| fail(e.to_string()))?,
        ),
    })
}

/// Decodes a batch, in order.
pub fn decode_all(events: &[StoredEvent]) -> Result<Vec<(i64, Fact)>, DecodeError> {
    events
        .iter()
        .map(|e| decode(e).map(|fact| (e.position, fact)))
        .collect()
}
