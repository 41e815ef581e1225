//! `POST /listings/{listing_id}/ticket_types/{ticket_type_id}/capacity`: change a ticket
//! type's capacity.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::commands::{self, replies::ListingChanged};
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::TicketTypePath;
use crate::state::AppState;

/// The body of `POST .../capacity`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CapacityBody {
    /// The new capacity (up to 1,000,000); never below the seats already held or sold.
    #[serde(deserialize_with = "http_kit::extract::int32")]
    #[schema(minimum = 0, maximum = 1_000_000)]
    capacity: u32,
}

/// Change a ticket type's capacity (freed seats go to the waitlist first).
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/ticket_types/{ticket_type_id}/capacity",
    tag = "listings",
    request_body = CapacityBody,
    params(
        ("listing_id" = Uuid, Path, description = "The listing"),
        ("ticket_type_id" = Uuid, Path, description = "The ticket type"),
        IdempotencyKeyHeader,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The capacity is changed", body = ListingChanged),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
    )
)]
pub(super) async fn change_capacity(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    path: TicketTypePath,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<CapacityBody>,
) -> Response {
    let TicketTypePath {
        listing_id,
        ticket_type_id,
    } = path;
    let route = format!("change_capacity:{listing_id}:{ticket_type_id}");
    idempotent::once(
        &state,
        actor.user_id,
        key,
        &route,
        &body,
        StatusCode::OK,
        async {
            let changed = commands::listings::change_capacity(
                &state,
                actor,
                listing_id,
                ticket_type_id,
                body.capacity,
            )
            .await?;
            Ok(changed)
        },
    )
    .await
}
