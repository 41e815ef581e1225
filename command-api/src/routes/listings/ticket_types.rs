//! `POST /listings/{listing_id}/ticket_types`: add a ticket type to a listing.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::commands::{self, replies::TicketTypeAdded};
use crate::error::Fields;
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::{parse_ticket_type, ListingPath, TicketTypeBody};
use crate::state::AppState;

/// Add a ticket type to a listing.
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/ticket_types",
    tag = "listings",
    request_body = TicketTypeBody,
    params(("listing_id" = Uuid, Path, description = "The listing"), IdempotencyKeyHeader),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new ticket type", body = TicketTypeAdded),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
    )
)]
pub(super) async fn add_ticket_type(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    ListingPath { listing_id }: ListingPath,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<TicketTypeBody>,
) -> Response {
    let route = format!("add_ticket_type:{listing_id}");
    idempotent::once(
        &state,
        actor.user_id,
        key,
        &route,
        &body,
        StatusCode::CREATED,
        async {
            let mut f = Fields::new();
            let ticket_type = parse_ticket_type(&mut f, "body", &body);
            f.finish()?;
            let ticket_type = ticket_type.expect("no field errors");
            let added =
                commands::listings::add_ticket_type(&state, actor, listing_id, ticket_type).await?;
            Ok(added)
        },
    )
    .await
}
