//! `POST /listings/{listing_id}/waitlist`: join the waitlist of a sold-out ticket type.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::{SeatCount, TicketTypeId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::commands::{self, replies::WaitlistJoined};
use crate::error::ApiError;
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::ListingPath;
use crate::state::AppState;

/// The body of `POST /listings/{id}/waitlist`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct JoinBody {
    /// The sold-out ticket type.
    ticket_type_id: Uuid,
    /// Seats wanted together (1 to 100).
    #[serde(deserialize_with = "http_kit::extract::int32")]
    #[schema(minimum = 1, maximum = 100)]
    party_size: u32,
}

/// Joins the waitlist of a sold-out ticket type.
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/waitlist",
    tag = "waitlist",
    request_body = JoinBody,
    params(
        ("listing_id" = Uuid, Path, description = "The listing"),
        IdempotencyKeyHeader,
    ),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The caller is on the waitlist", body = WaitlistJoined),
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
pub(super) async fn join(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    ListingPath { listing_id }: ListingPath,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<JoinBody>,
) -> Response {
    let route = format!("join_waitlist:{listing_id}");
    idempotent::once(
        &state,
        actor.user_id,
        key,
        &route,
        &body,
        StatusCode::CREATED,
        async {
            let party_size =
                SeatCount::new(body.party_size).map_err(|e| ApiError::field("party_size", e))?;
            let ticket_type_id = TicketTypeId::from(body.ticket_type_id);
            let joined =
                commands::waitlist::join(&state, actor, listing_id, ticket_type_id, party_size)
                    .await?;
            Ok(joined)
        },
    )
    .await
}
