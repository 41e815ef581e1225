//! Cancelling a booking, by its buyer until the listing starts or by the organizer: the
//! listing and the booking change in one append through the listing's writer.

use domain::flows::{cancel_booking, CancelBooking};
use domain::{Actor, BookingAggregate, BookingId};
use eventlog::{ExpectedVersion, StreamAppend};

use crate::commands::replies::BookingChanged;
use crate::commands::{metadata, minutes, CommandError};
use crate::state::AppState;
use crate::store;
use crate::writer::Planned;

/// Cancels `booking_id`; its seats return to the pool and a refund is recorded.
pub async fn cancel(
    state: &AppState,
    actor: Actor,
    booking_id: BookingId,
) -> Result<BookingChanged, CommandError> {
    let stream = store::stream_id(booking_id.stream_id());
    let loaded = store::load::<BookingAggregate>(&state.log, &stream).await?;
    let listing_id = loaded
        .state
        .booking()
        .map(|b| b.listing_id)
        .ok_or_else(|| CommandError::NotFound(format!("no booking {booking_id}")))?;
    let offer_for = minutes(state.config.offer_minutes)?;
    let now = state.clock.now();
    let meta = metadata(&actor);
    let booking_meta = meta.clone();
    let answer = move |(), position| BookingChanged {
        booking_id,
        position,
    };
    let cancelled = state
        .writers
        .submit_answering(
            listing_id,
            meta,
            move |current| {
                let command = CancelBooking {
                    actor,
                    offer_for,
                    now,
                };
                let decision = cancel_booking(current, &loaded.state, command)?;
                let events = store::to_log(&decision.booking, &booking_meta)?;
                let booking = StreamAppend::new(
                    stream.clone(),
                    ExpectedVersion::Exact(loaded.version),
                    events,
                );
                Ok::<_, CommandError>(Planned {
                    listing: decision.listing,
                    others: vec![booking],
                    reply: (),
                })
            },
            answer,
        )
        .await??;
    Ok(cancelled)
}
