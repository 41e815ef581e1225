//! Cancelling a listing: the listing's own decision through its writer, then every
//! booking cancelled (and refunded) one by one with a plain decide-and-append.

use domain::flows::cancel_booking_for_cancelled_listing;
use domain::listing::CancelListing;
use domain::{Actor, BookingAggregate, BookingId, ListingId, ShortText};
use uuid::Uuid;

use crate::commands::replies::ListingChanged;
use crate::commands::{metadata, CommandError};
use crate::db::{fetch_all, PoolConn};
use crate::state::AppState;
use crate::store;

/// Cancels the listing: every hold is released and every booking cancelled and refunded.
pub async fn cancel(
    state: &AppState,
    actor: Actor,
    listing_id: ListingId,
    reason: ShortText,
) -> Result<ListingChanged, CommandError> {
    let command = CancelListing {
        actor,
        reason,
        now: state.clock.now(),
    };
    let position = state
        .writers
        .decide(listing_id, metadata(&actor), command.into())
        .await??;
    let position = position.max(cancel_bookings_of(state, listing_id).await?);
    Ok(ListingChanged {
        listing_id,
        position,
    })
}

/// Cancels (with refund) every booking of a cancelled listing that is not cancelled yet.
/// Safe to run again: bookings already cancelled are skipped. Returns the last position.
pub async fn cancel_bookings_of(state: &AppState, listing: ListingId) -> Result<i64, CommandError> {
    let listing_stream = store::stream_id(listing.stream_id());
    let listing_state = store::load::<domain::ListingAggregate>(&state.log, &listing_stream)
        .await?
        .state;
    state.recorder.flush().await;
    let mut conn = PoolConn::acquire(&state.log).await?;
    let bookings = fetch_all!(
        conn.db(),
        (String,),
        "SELECT booking_id FROM listing_bookings WHERE listing_id = $1",
        listing.to_string()
    )?;
    drop(conn);
    let now = state.clock.now();
    let meta = store::metadata("listing-cancellation");
    let mut last = 0;
    for (booking,) in bookings {
        let Ok(id) = Uuid::parse_str(&booking).map(BookingId::from) else {
            continue;
        };
        let stream = store::stream_id(id.stream_id());
        let position = store::decide_and_append::<BookingAggregate, CommandError>(
            &state.log,
            &stream,
            &meta,
            // Already cancelled, or not cancellable: nothing to do.
            |booking| {
                Ok(
                    cancel_booking_for_cancelled_listing(&listing_state, booking, now)
                        .unwrap_or_default(),
                )
            },
        )
        .await??;
        last = last.max(position);
    }
    Ok(last)
}
