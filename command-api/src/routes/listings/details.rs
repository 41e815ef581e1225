//! `POST /listings/{listing_id}/details`: replace a listing's details as a whole.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::commands::{self, replies::ListingChanged};
use crate::error::Fields;
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::{parse_details, DetailsRef, ListingPath, SalesBody, VenueBody};
use crate::state::AppState;

/// The body of `POST /listings/{id}/details`: every detail, replaced as a whole.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DetailsBody {
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
        (status = 200, description = "The details are updated", body = ListingChanged),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
    )
)]
pub(super) async fn update_details(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    ListingPath { listing_id }: ListingPath,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<DetailsBody>,
) -> Response {
    let route = format!("update_details:{listing_id}");
    idempotent::once(
        &state,
        actor.user_id,
        key,
        &route,
        &body,
        StatusCode::OK,
        async {
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
            let changed =
                commands::listings::update_details(&state, actor, listing_id, details).await?;
            Ok(changed)
        },
    )
    .await
}
