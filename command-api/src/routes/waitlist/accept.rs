//! `POST /listings/{listing_id}/waitlist/{entry_id}/accept`: accept an offer (a booking).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::commands::{self, replies::BookingCreated};
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::{ConfirmBody, EntryPath};
use crate::state::AppState;

/// Accepts a waitlist offer: the offered seats become a booking.
///
/// Charges the payment token first unless the seats are free.
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/waitlist/{entry_id}/accept",
    tag = "waitlist",
    request_body(
        content = ref("#/components/schemas/ConfirmBody"),
        description = "Optional: an empty body sends no payment token"
    ),
    params(
        ("listing_id" = Uuid, Path, description = "The listing"),
        ("entry_id" = Uuid, Path, description = "The waitlist entry"),
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
pub(super) async fn accept(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    EntryPath {
        listing_id,
        entry_id,
    }: EntryPath,
    key: IdempotencyKey,
    body: Option<ApiJson<ConfirmBody>>,
) -> Response {
    let body = body.map(|b| b.0).unwrap_or_default();
    let route = format!("accept_offer:{listing_id}:{entry_id}");
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
                commands::waitlist::accept(&state, actor, listing_id, entry_id, token).await?;
            Ok(booked)
        },
    )
    .await
}
