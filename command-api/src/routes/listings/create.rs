//! `POST /listings`: create a draft listing with its ticket types (organizers only).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use domain::listing::NewTicketType;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::commands::listings::NewListing as Listing;
use crate::commands::{self, replies::ListingCreated};
use crate::error::{ApiError, Fields};
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::{
    parse_buyer_limits, parse_details, parse_ticket_type, BuyerLimitsBody, DetailsRef, SalesBody,
    TicketTypeBody, VenueBody,
};
use crate::state::AppState;

/// The body of `POST /listings`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewListing {
    /// Shown to buyers; 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    title: String,
    /// Longer text; may be empty.
    #[serde(default)]
    description: String,
    venue: VenueBody,
    /// E.g. `concert`.
    #[schema(min_length = 1, max_length = 200)]
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
    #[serde(deserialize_with = "http_kit::extract::int32")]
    #[schema(minimum = 1, maximum = 100)]
    max_tickets_per_booking: u32,
    /// At least one.
    ticket_types: Vec<TicketTypeBody>,
    /// Optional cap on seats across all ticket types (1 to 1,000,000).
    #[serde(default, deserialize_with = "http_kit::extract::int32_opt")]
    #[schema(minimum = 1, maximum = 1_000_000)]
    total_capacity: Option<u32>,
    /// Per-buyer limits; absent: at most `max_tickets_per_booking` seats per account and
    /// 5 holds per account per minute.
    #[serde(default)]
    buyer_limits: Option<BuyerLimitsBody>,
}

impl NewListing {
    /// Parses every field, reporting all the wrong ones at once.
    fn parse(&self) -> Result<Listing, ApiError> {
        let mut f = Fields::new();
        let details = parse_details(
            &mut f,
            DetailsRef {
                title: &self.title,
                description: &self.description,
                venue: &self.venue,
                category: &self.category,
                starts_at: self.starts_at,
                ends_at: self.ends_at,
                time_zone: &self.time_zone,
                sales: &self.sales,
                max_tickets_per_booking: self.max_tickets_per_booking,
            },
        );
        let types: Vec<NewTicketType> = self
            .ticket_types
            .iter()
            .enumerate()
            .filter_map(|(i, t)| parse_ticket_type(&mut f, &format!("ticket_types[{i}]"), t))
            .collect();
        if self.ticket_types.is_empty() {
            f.push("ticket_types", "add at least one ticket type");
        }
        let buyer_limits = self
            .buyer_limits
            .as_ref()
            .map(|b| parse_buyer_limits(&mut f, "buyer_limits.", b));
        f.finish()?;
        Ok(Listing {
            details: details.expect("no field errors"),
            ticket_types: types,
            total_capacity: self.total_capacity,
            buyer_limits: buyer_limits.map(|b| b.expect("no field errors")),
        })
    }
}

/// Creates a draft listing with at least one ticket type (organizers only).
#[utoipa::path(
    post,
    path = "/listings",
    tag = "listings",
    request_body = NewListing,
    params(IdempotencyKeyHeader),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The draft listing and its ticket types", body = ListingCreated),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 409, response = problems::Conflict),
        (status = 413, response = problems::PayloadTooLarge),
        (status = 415, response = problems::UnsupportedMediaType),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn create(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<NewListing>,
) -> Response {
    idempotent::once(
        &state,
        actor.user_id,
        key,
        "create_listing",
        &body,
        StatusCode::CREATED,
        async {
            let created = commands::listings::create(&state, actor, body.parse()?).await?;
            Ok(created)
        },
    )
    .await
}
