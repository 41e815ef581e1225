//! Identifier newtypes over UUIDs; callers mint them (UUIDv7) so the domain stays pure.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps a UUID minted by the caller (UUIDv7 recommended).
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The wrapped UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(raw).map(Self)
            }
        }
    };
}

macro_rules! stream_id {
    ($name:ident, $prefix:literal) => {
        impl $name {
            /// Prefix of the event stream this id names.
            pub const STREAM_PREFIX: &'static str = $prefix;

            /// The event stream of this aggregate instance, e.g. `listing-<uuid>`.
            pub fn stream_id(&self) -> String {
                format!("{}-{}", $prefix, self.0)
            }
        }
    };
}

id_type!(
    /// Identifies a listing (the thing people book); names stream `listing-<uuid>`.
    ListingId
);
id_type!(
    /// Identifies a booking; names stream `booking-<uuid>`.
    BookingId
);
id_type!(
    /// Identifies a user account; names stream `user-<uuid>`.
    UserId
);
id_type!(
    /// Identifies a hold (or a waitlist offer, which is a hold) on a listing.
    HoldId
);
id_type!(
    /// Identifies one ticket inside a booking.
    TicketId
);
id_type!(
    /// Identifies a ticket type (e.g. "Balcony") of a listing.
    TicketTypeId
);
id_type!(
    /// Identifies a place in a ticket type's waitlist.
    WaitlistEntryId
);

stream_id!(ListingId, "listing");
stream_id!(BookingId, "booking");
stream_id!(UserId, "user");

impl HoldId {
    /// The hold id of the offer made to a waitlist entry.
    ///
    /// An entry receives at most one offer, so reusing its UUID needs no fresh id in the
    /// command that happens to release seats, and keeps offers traceable to their entry.
    pub const fn for_offer(entry: WaitlistEntryId) -> Self {
        Self(entry.as_uuid())
    }
}
