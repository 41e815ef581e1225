//! Bookings: cancel (by the buyer until the listing starts, or by the organizer); seats
//! return to the pool and a refund is recorded, in one transaction with the listing.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use domain::flows::{cancel_booking, CancelBooking};
use domain::{BookingAggregate, BookingId};
use eventlog::{ExpectedVersion, StreamAppend};
use utoipa::OpenApi;
use uuid::Uuid;

use super::holds::minutes;
use super::idempotent;
use super::listings::metadata;
use super::reply::{ids, Accepted};
use crate::error::ApiError;
use crate::extract::{AuthUser, IdempotencyKey};
use crate::openapi::{bodies, problems, IdempotencyKeyHeader};
use crate::state::AppState;
use crate::store;
use crate::writer::Planned;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/bookings/{booking_id}/cancel", post(cancel))
}

/// The operations of this file, for [`crate::openapi::ApiDoc`].
#[derive(OpenApi)]
#[openapi(paths(cancel))]
pub(crate) struct BookingsApi;

/// Cancels a booking (its buyer until the listing starts, or the organizer).
///
/// The seats return to the pool and a refund is recorded.
#[utoipa::path(
    post,
    path = "/bookings/{booking_id}/cancel",
    tag = "bookings",
    params(
        ("booking_id" = Uuid, Path, description = "The booking"),
        IdempotencyKeyHeader,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The booking is cancelled", body = bodies::BookingChanged),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
async fn cancel(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(booking): Path<String>,
    key: IdempotencyKey,
) -> Response {
    let route = format!("cancel_booking:{booking}");
    idempotent::once(&state, actor.user_id, key, &route, &(), async {
        let booking_id = Uuid::parse_str(&booking)
            .map(BookingId::from)
            .map_err(|_| ApiError::NotFound(format!("no booking {booking}")))?;
        let stream = store::stream_id(booking_id.stream_id());
        let loaded = store::load::<BookingAggregate>(&state.log, &stream).await?;
        let listing_id = loaded
            .state
            .booking()
            .map(|b| b.listing_id)
            .ok_or_else(|| ApiError::NotFound(format!("no booking {booking}")))?;
        let offer_for = minutes(state.config.offer_minutes)?;
        let now = state.clock.now();
        let meta = metadata(&actor);
        let booking_meta = meta.clone();
        let committed = state
            .writers
            .submit(listing_id, meta, move |current| {
                let decision = cancel_booking(
                    current,
                    &loaded.state,
                    CancelBooking {
                        actor,
                        offer_for,
                        now,
                    },
                )?;
                let events = store::to_log(&decision.booking, &booking_meta)?;
                let booking = StreamAppend::new(
                    stream.clone(),
                    ExpectedVersion::Exact(loaded.version),
                    events,
                );
                Ok(Planned {
                    listing: decision.listing,
                    others: vec![booking],
                    reply: (),
                })
            })
            .await?;
        Ok(Accepted::new(
            false,
            ids!("booking_id" => booking),
            committed.position,
        ))
    })
    .await
}
