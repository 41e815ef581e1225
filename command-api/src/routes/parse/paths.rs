//! Typed path extractors: each names the ids of one route's path, parsed once; a
//! malformed id names nothing, so it is a 404 like an unknown one.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use domain::{BookingId, HoldId, ListingId, TicketTypeId, UserId, WaitlistEntryId};
use uuid::Uuid;

use crate::error::ApiError;

/// The id called `name` in `raw`, or a 404 saying there is no such `what`.
fn id<T: From<Uuid>>(raw: &HashMap<String, String>, name: &str, what: &str) -> Result<T, ApiError> {
    let value = raw.get(name).map_or("", String::as_str);
    Uuid::parse_str(value)
        .map(T::from)
        .map_err(|_| ApiError::NotFound(format!("no {what} {value}")))
}

/// Declares a path struct whose fields are ids, each parsed from the segment of its name.
macro_rules! path_ids {
    ($(#[doc = $doc:literal])* $name:ident { $($field:ident: $ty:ty => $what:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy)]
        pub(crate) struct $name {
            $(pub $field: $ty,)+
        }

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = ApiError;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
                let Path(raw) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
                    .await
                    .map_err(|e| ApiError::Internal(anyhow::anyhow!("path parameters: {e}")))?;
                Ok(Self { $($field: id(&raw, stringify!($field), $what)?,)+ })
            }
        }
    };
}

path_ids! {
    /// `/listings/{listing_id}`.
    ListingPath { listing_id: ListingId => "listing" }
}

path_ids! {
    /// `/listings/{listing_id}/holds/{hold_id}`.
    HoldPath { listing_id: ListingId => "listing", hold_id: HoldId => "hold" }
}

path_ids! {
    /// `/listings/{listing_id}/waitlist/{entry_id}`.
    EntryPath { listing_id: ListingId => "listing", entry_id: WaitlistEntryId => "waitlist entry" }
}

path_ids! {
    /// `/listings/{listing_id}/ticket_types/{ticket_type_id}`.
    TicketTypePath { listing_id: ListingId => "listing", ticket_type_id: TicketTypeId => "ticket type" }
}

path_ids! {
    /// `/bookings/{booking_id}`.
    BookingPath { booking_id: BookingId => "booking" }
}

path_ids! {
    /// `/accounts/{user_id}`.
    UserPath { user_id: UserId => "account" }
}
