//! [`directory_change`]: what an event teaches the notifier about people, listings and
//! bookings.

use domain::account::AccountEvent;
use domain::booking::BookingEvent;
use domain::listing::ListingEvent;
use eventlog::StoredEvent;

use super::notification::listing_of;
use super::types::DirectoryChange;

/// What `event` adds to or changes in the notifier's directory.
pub fn directory_change(event: &StoredEvent) -> Option<DirectoryChange> {
    match event.stream_id.category() {
        "user" => match serde_json::from_value(event.payload.clone()).ok()? {
            AccountEvent::AccountRegistered {
                user_id,
                email,
                display_name,
                ..
            } => Some(DirectoryChange::User {
                user_id,
                email: email.as_str().to_owned(),
                display_name: display_name.as_str().to_owned(),
            }),
            _ => None,
        },
        "listing" => match serde_json::from_value(event.payload.clone()).ok()? {
            ListingEvent::ListingDrafted {
                listing_id,
                details,
                ..
            } => Some(DirectoryChange::Listing {
                listing_id,
                title: details.title.as_str().to_owned(),
            }),
            ListingEvent::ListingDetailsUpdated { details, .. } => Some(DirectoryChange::Listing {
                listing_id: listing_of(event)?,
                title: details.title.as_str().to_owned(),
            }),
            _ => None,
        },
        "booking" => match serde_json::from_value(event.payload.clone()).ok()? {
            BookingEvent::BookingConfirmed {
                booking_id,
                listing_id,
                buyer,
                ..
            } => Some(DirectoryChange::Booking {
                booking_id,
                listing_id,
                buyer,
            }),
            BookingEvent::BookingCancelled { booking_id, .. } => {
                Some(DirectoryChange::BookingCancelled { booking_id })
            }
            _ => None,
        },
        _ => None,
    }
}
