//! Changing a listing after it is drafted: details, ticket types and capacity, and
//! cancellation, which also cancels (and refunds) every booking of the listing.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use chrono::{DateTime, Utc};
use domain::flows::cancel_booking_for_cancelled_listing;
use domain::listing::{
    AddTicketType, CancelListing, ChangeTicketTypeCapacity, UpdateListingDetails,
};
use domain::{BookingAggregate, BookingId, ListingId, ShortText, TicketTypeId};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

use super::holds::minutes;
use super::idempotent;
use super::listings::{
    listing_id, metadata, parse_details, parse_ticket_type, DetailsRef, SalesBody, TicketTypeBody,
    VenueBody,
};
use super::reply::{ids, Accepted};
use crate::db::{fetch_all, PoolConn};
use crate::error::{ApiError, Fields};
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{bodies, problems, IdempotencyKeyHeader};
use crate::state::AppState;
use crate::store;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/listings/{listing_id}/details", post(update_details))
        .route("/listings/{listing_id}/ticket_types", post(add_ticket_type))
        .route(
            "/listings/{listing_id}/ticket_types/{ticket_type_id}/capacity",
            post(change_capacity),
        )
        .route("/listings/{listing_id}/cancel", post(cancel))
}

/// The operations of this file, for [`crate::openapi::ApiDoc`].
#[derive(OpenApi)]
#[openapi(paths(update_details, add_ticket_type, change_capacity, cancel))]
pub(crate) struct ListingChangesApi;

/// The body of `POST /listings/{id}/details`: every detail, replaced as a whole.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DetailsBody {
    /// Shown to buyers; 1 to 200 characters.
    title: String,
    /// Longer text; may be empty.
    #[serde(default)]
    description: String,
    venue: VenueBody,
    /// E.g. `concert`.
    category: String,
    /// When the event begins.
    starts_at: DateTime<Utc>,
    /// When the event ends.
    ends_at: DateTime<Utc>,
    /// IANA name of the venue's time zone, e.g. `Europe/Paris`.
    time_zone: String,
    /// When tickets may be bought.
    sales: SalesBody,
    /// Most seats one hold may take (1 to 100).
    max_tickets_per_booking: u32,
}

/// The body of `POST .../capacity`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CapacityBody {
    /// The new capacity; never below the seats already held or sold.
    capacity: u32,
}

/// The body of `POST /listings/{id}/cancel`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CancelBody {
    /// Told to every ticket holder; 1 to 200 characters.
    reason: String,
}

/// Replace a listing's details (title, venue, times, sales window, per-booking limit).
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/details",
    tag = "listings",
    request_body = DetailsBody,
    params(("listing_id" = Uuid, Path, description = "The listing"), IdempotencyKeyHeader),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The details are updated", body = bodies::ListingChanged),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
    )
)]
async fn update_details(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(listing): Path<String>,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<DetailsBody>,
) -> Response {
    let route = format!("update_details:{listing}");
    idempotent::once(&state, actor.user_id, key, &route, &body, async {
        let id = listing_id(&listing)?;
        let mut f = Fields::new();
        let details = parse_details(
            &mut f,
            DetailsRef {
                title: &body.title,
                description: &body.description,
                venue: &body.venue,
                category: &body.category,
                starts_at: body.starts_at,
                ends_at: body.ends_at,
                time_zone: &body.time_zone,
                sales: &body.sales,
                max_tickets_per_booking: body.max_tickets_per_booking,
            },
        );
        f.finish()?;
        let details = details.expect("no field errors");
        let now = state.clock.now();
        let command = UpdateListingDetails {
            actor,
            details,
            now,
        };
        let position = state
            .writers
            .decide(id, metadata(&actor), command.into())
            .await?;
        Ok(Accepted::new(
            false,
            ids!("listing_id" => listing),
            position,
        ))
    })
    .await
}

/// Add a ticket type to a listing.
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/ticket_types",
    tag = "listings",
    request_body = TicketTypeBody,
    params(("listing_id" = Uuid, Path, description = "The listing"), IdempotencyKeyHeader),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new ticket type", body = bodies::ListingChanged),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
    )
)]
async fn add_ticket_type(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(listing): Path<String>,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<TicketTypeBody>,
) -> Response {
    let route = format!("add_ticket_type:{listing}");
    idempotent::once(&state, actor.user_id, key, &route, &body, async {
        let id = listing_id(&listing)?;
        let mut f = Fields::new();
        let ticket_type = parse_ticket_type(&mut f, "body", &body);
        f.finish()?;
        let ticket_type = ticket_type.expect("no field errors");
        let type_id = ticket_type.id;
        let now = state.clock.now();
        let command = AddTicketType {
            actor,
            ticket_type,
            now,
        };
        let position = state
            .writers
            .decide(id, metadata(&actor), command.into())
            .await?;
        Ok(Accepted::new(
            true,
            ids!("listing_id" => listing, "ticket_type_id" => type_id.to_string()),
            position,
        ))
    })
    .await
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
        (status = 200, description = "The capacity is changed", body = bodies::ListingChanged),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
    )
)]
async fn change_capacity(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path((listing, ticket_type)): Path<(String, String)>,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<CapacityBody>,
) -> Response {
    let route = format!("change_capacity:{listing}:{ticket_type}");
    idempotent::once(&state, actor.user_id, key, &route, &body, async {
        let id = listing_id(&listing)?;
        let ticket_type_id = Uuid::parse_str(&ticket_type)
            .map(TicketTypeId::from)
            .map_err(|_| ApiError::NotFound(format!("no ticket type {ticket_type}")))?;
        let command = ChangeTicketTypeCapacity {
            actor,
            ticket_type_id,
            capacity: body.capacity,
            offer_for: minutes(state.config.offer_minutes)?,
            now: state.clock.now(),
        };
        let position = state
            .writers
            .decide(id, metadata(&actor), command.into())
            .await?;
        Ok(Accepted::new(
            false,
            ids!("listing_id" => listing),
            position,
        ))
    })
    .await
}

/// Cancel a listing: every hold is released and every booking cancelled and refunded.
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/cancel",
    tag = "listings",
    request_body = CancelBody,
    params(("listing_id" = Uuid, Path, description = "The listing"), IdempotencyKeyHeader),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The listing and its bookings are cancelled", body = bodies::ListingChanged),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
    )
)]
async fn cancel(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(listing): Path<String>,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<CancelBody>,
) -> Response {
    let route = format!("cancel_listing:{listing}");
    idempotent::once(&state, actor.user_id, key, &route, &body, async {
        let id = listing_id(&listing)?;
        let reason = ShortText::parse(&body.reason).map_err(|e| ApiError::field("reason", e))?;
        let command = CancelListing {
            actor,
            reason,
            now: state.clock.now(),
        };
        let mut position = state
            .writers
            .decide(id, metadata(&actor), command.into())
            .await?;
        position = position.max(cancel_bookings_of(&state, id).await?);
        Ok(Accepted::new(
            false,
            ids!("listing_id" => listing),
            position,
        ))
    })
    .await
}

/// Cancels (with refund) every booking of a cancelled listing that is not cancelled yet.
/// Safe to run again: bookings already cancelled are skipped. Returns the last position.
pub(crate) async fn cancel_bookings_of(
    state: &AppState,
    listing: ListingId,
) -> Result<i64, ApiError> {
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
        let position = store::decide_and_append::<BookingAggregate>(
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
        .await?;
        last = last.max(position);
    }
    Ok(last)
}
