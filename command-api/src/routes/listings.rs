//! Listings: create (draft), publish, close sales.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use chrono::{DateTime, Utc};
use domain::listing::{
    CloseSales, CreateListing, ListingDetails, NewTicketType, PublishListing, SalesWindow, Venue,
};
use domain::{
    Actor, CountryCode, Currency, ListingId, LongText, Money, SeatCount, ShortText, TicketTypeId,
    TimeZoneName,
};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

use super::idempotent;
use super::reply::{ids, Accepted};
use crate::error::{ApiError, Fields};
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{bodies, problems, IdempotencyKeyHeader};
use crate::state::AppState;
use crate::store;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/listings", post(create))
        .route("/listings/{listing_id}/publish", post(publish))
        .route("/listings/{listing_id}/close", post(close))
}

/// The operations of this file, for [`crate::openapi::ApiDoc`].
#[derive(OpenApi)]
#[openapi(paths(create, publish, close))]
pub(crate) struct ListingsApi;

/// The body of `POST /listings`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewListing {
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
    /// At least one.
    ticket_types: Vec<TicketTypeBody>,
    /// Optional cap on seats across all ticket types.
    #[serde(default)]
    total_capacity: Option<u32>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VenueBody {
    name: String,
    address: String,
    city: String,
    /// ISO 3166-1 alpha-2 code, e.g. `FR`.
    country: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SalesBody {
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TicketTypeBody {
    name: String,
    price: PriceBody,
    /// Seats of this type.
    capacity: u32,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PriceBody {
    /// Price per seat in minor units (cents); 0 means free.
    amount: i64,
    /// ISO 4217 code, e.g. `EUR`.
    currency: String,
}

impl NewListing {
    /// Parses every field, reporting all the wrong ones at once.
    fn parse(&self) -> Result<(ListingDetails, Vec<NewTicketType>), ApiError> {
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
        f.finish()?;
        Ok((details.expect("no field errors"), types))
    }
}

/// The detail fields of a listing request, borrowed, whichever body they came in.
pub(crate) struct DetailsRef<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub venue: &'a VenueBody,
    pub category: &'a str,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: &'a str,
    pub sales: &'a SalesBody,
    pub max_tickets_per_booking: u32,
}

/// Parses listing details, recording each wrong field in `f`.
pub(crate) fn parse_details(f: &mut Fields, d: DetailsRef<'_>) -> Option<ListingDetails> {
    let title = f.check("title", ShortText::parse(d.title));
    let description = if d.description.is_empty() {
        Some(LongText::default())
    } else {
        f.check("description", LongText::parse(d.description))
    };
    let venue_name = f.check("venue.name", ShortText::parse(&d.venue.name));
    let address = f.check("venue.address", ShortText::parse(&d.venue.address));
    let city = f.check("venue.city", ShortText::parse(&d.venue.city));
    let country = f.check("venue.country", CountryCode::parse(&d.venue.country));
    let category = f.check("category", ShortText::parse(d.category));
    let time_zone = f.check("time_zone", TimeZoneName::parse(d.time_zone));
    let max = f.check(
        "max_tickets_per_booking",
        SeatCount::new(d.max_tickets_per_booking),
    );
    Some(ListingDetails {
        title: title?,
        description: description?,
        venue: Venue {
            name: venue_name?,
            address: address?,
            city: city?,
            country: country?,
        },
        category: category?,
        starts_at: d.starts_at,
        ends_at: d.ends_at,
        time_zone: time_zone?,
        sales: SalesWindow {
            opens_at: d.sales.opens_at,
            closes_at: d.sales.closes_at,
        },
        max_tickets_per_booking: max?,
    })
}

/// Parses one ticket type (a fresh id is minted), recording wrong fields under `prefix`.
pub(crate) fn parse_ticket_type(
    f: &mut Fields,
    prefix: &str,
    t: &TicketTypeBody,
) -> Option<NewTicketType> {
    let name = f.check(&format!("{prefix}.name"), ShortText::parse(&t.name));
    let currency = f.check(
        &format!("{prefix}.price.currency"),
        Currency::parse(&t.price.currency),
    );
    let price = currency.and_then(|c| {
        f.check(
            &format!("{prefix}.price.amount"),
            Money::new(t.price.amount, c),
        )
    });
    Some(NewTicketType {
        id: TicketTypeId::from(Uuid::now_v7()),
        name: name?,
        price: price?,
        capacity: t.capacity,
    })
}

/// Parses a listing id from the path.
pub(crate) fn listing_id(raw: &str) -> Result<ListingId, ApiError> {
    Uuid::parse_str(raw)
        .map(ListingId::from)
        .map_err(|_| ApiError::NotFound(format!("no listing {raw}")))
}

/// Event metadata for a command by `actor`.
pub(crate) fn metadata(actor: &Actor) -> eventlog::Metadata {
    store::metadata(actor.user_id)
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
        (status = 201, description = "The draft listing and its ticket types", body = bodies::ListingCreated),
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
async fn create(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<NewListing>,
) -> Response {
    idempotent::once(&state, actor.user_id, key, "create_listing", &body, async {
        let (details, ticket_types) = body.parse()?;
        let listing_id = ListingId::from(Uuid::now_v7());
        let type_ids: Vec<String> = ticket_types.iter().map(|t| t.id.to_string()).collect();
        let now = state.clock.now();
        let total_capacity = body.total_capacity;
        let position = state
            .writers
            .decide(
                listing_id,
                metadata(&actor),
                (CreateListing {
                    actor,
                    listing_id,
                    details: details.clone(),
                    ticket_types: ticket_types.clone(),
                    total_capacity,
                    now,
                })
                .into(),
            )
            .await?;
        Ok(Accepted::new(
            true,
            ids!("listing_id" => listing_id.to_string(), "ticket_type_ids" => type_ids),
            position,
        ))
    })
    .await
}

/// Publishes a draft listing (its organizer).
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/publish",
    tag = "listings",
    params(
        ("listing_id" = Uuid, Path, description = "The listing"),
        IdempotencyKeyHeader,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The listing is published", body = bodies::ListingChanged),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
async fn publish(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(listing_id): Path<String>,
    key: IdempotencyKey,
) -> Response {
    idempotent::once(
        &state,
        actor.user_id,
        key,
        "publish_listing",
        &listing_id,
        async {
            let id = self::listing_id(&listing_id)?;
            let now = state.clock.now();
            let position = state
                .writers
                .decide(id, metadata(&actor), (PublishListing { actor, now }).into())
                .await?;
            Ok(Accepted::new(
                false,
                ids!("listing_id" => listing_id),
                position,
            ))
        },
    )
    .await
}

/// Closes the sales of a listing early, by hand (its organizer).
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/close",
    tag = "listings",
    params(
        ("listing_id" = Uuid, Path, description = "The listing"),
        IdempotencyKeyHeader,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Sales are closed", body = bodies::ListingChanged),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
async fn close(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(listing_id): Path<String>,
    key: IdempotencyKey,
) -> Response {
    idempotent::once(
        &state,
        actor.user_id,
        key,
        "close_listing",
        &listing_id,
        async {
            let id = self::listing_id(&listing_id)?;
            let now = state.clock.now();
            let position = state
                .writers
                .decide(id, metadata(&actor), (CloseSales { actor, now }).into())
                .await?;
            Ok(Accepted::new(
                false,
                ids!("listing_id" => listing_id),
                position,
            ))
        },
    )
    .await
}
