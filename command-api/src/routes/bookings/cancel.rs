//! `POST /bookings/{booking_id}/cancel`: cancel a booking.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::commands::{self, replies::BookingChanged};
use crate::extract::{AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::BookingPath;
use crate::state::AppState;

/// Cancels a booking (its buyer until the listing starts, or the organizer).
///
/// The seats return to the pool and a refund is recorded.
#[utoipa::path(
    post,
    operation_id = "cancel_booking",
    path = "/bookings/{booking_id}/cancel",
    tag = "bookings",
    params(
        ("booking_id" = Uuid, Path, description = "The booking"),
        IdempotencyKeyHeader,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The booking is cancelled", body = BookingChanged),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn cancel(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    BookingPath { booking_id }: BookingPath,
    key: IdempotencyKey,
) -> Response {
    let route = format!("cancel_booking:{booking_id}");
    idempotent::once(
        &state,
        actor.user_id,
        key,
        &route,
        &(),
        StatusCode::OK,
        async {
            let cancelled = commands::bookings::cancel(&state, actor, booking_id).await?;
            Ok(cancelled)
        },
    )
    .await
}
