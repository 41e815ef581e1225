//! `POST /listings/{listing_id}/holds/{hold_id}/confirm`: confirm a hold into a booking.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::commands::{self, replies::BookingCreated};
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::{ConfirmBody, HoldPath};
use crate::state::AppState;

/// Confirms a hold into a booking with one ticket per seat.
///
/// Charges the payment token first unless the seats are free.
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/holds/{hold_id}/confirm",
    tag = "holds",
    request_body(
        content = ref("#/components/schemas/ConfirmBody"),
        description = "Optional: an empty body sends no payment token"
    ),
    params(
        ("listing_id" = Uuid, Path, description = "The listing"),
        ("hold_id" = Uuid, Path, description = "The hold"),
        IdempotencyKeyHeader,
    ),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The booking and its ticket codes", body = BookingCreated),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 402, response = problems::PaymentRequired),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 413, response = problems::PayloadTooLarge),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
        (status = 504, response = problems::GatewayTimeout),
    )
)]
pub(super) async fn confirm(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    HoldPath {
        listing_id,
        hold_id,
    }: HoldPath,
    key: IdempotencyKey,
    body: Option<ApiJson<ConfirmBody>>,
) -> Response {
    let body = body.map(|b| b.0).unwrap_or_default();
    let route = format!("confirm:{listing_id}:{hold_id}");
    idempotent::once(
        &state,
        actor.user_id,
        key,
        &route,
        &body,
        StatusCode::CREATED,
        async {
            let token = body.payment_token.clone();
            let booked =
                commands::holds::confirm(&state, actor, listing_id, hold_id, token).await?;
            Ok(booked)
        },
    )
    .await
}
