//! `POST /listings/{listing_id}/holds`: hold seats until the hold expires (through the
//! waiting room, with its admission token).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::{SeatCount, TicketTypeId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::commands::{self, replies::HoldCreated};
use crate::error::ApiError;
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::ListingPath;
use crate::state::AppState;

/// The body of `POST /listings/{id}/holds`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct HoldBody {
    /// One of the listing's ticket types.
    ticket_type_id: Uuid,
    /// How many seats (1 to the listing's maximum per booking).
    #[serde(deserialize_with = "http_kit::extract::int32")]
    #[schema(minimum = 1, maximum = 100)]
    seats: u32,
    /// While the listing's waiting room is on: the `admission_token` the caller's place
    /// in the room shows once they are let in (`GET /listings/{id}/waiting_room/me`), valid
    /// for this listing and account until the admission lapses. Ignored when the room is
    /// off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    admission_token: Option<String>,
}

/// Holds seats of one ticket type for the caller until the hold expires.
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/holds",
    tag = "holds",
    request_body = HoldBody,
    params(
        ("listing_id" = Uuid, Path, description = "The listing"),
        IdempotencyKeyHeader,
    ),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The seats are held", body = HoldCreated),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 413, response = problems::PayloadTooLarge),
        (status = 415, response = problems::UnsupportedMediaType),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn hold(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    ListingPath { listing_id }: ListingPath,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<HoldBody>,
) -> Response {
    let route = format!("hold:{listing_id}");
    idempotent::once(
        &state,
        actor.user_id,
        key,
        &route,
        &body,
        StatusCode::CREATED,
        async {
            let seats = SeatCount::new(body.seats).map_err(|e| ApiError::field("seats", e))?;
            let ticket_type_id = TicketTypeId::from(body.ticket_type_id);
            let token = body.admission_token.as_deref();
            let held =
                commands::holds::hold(&state, actor, listing_id, ticket_type_id, seats, token)
                    .await?;
            Ok(held)
        },
    )
    .await
}
