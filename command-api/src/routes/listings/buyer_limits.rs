//! `POST /listings/{listing_id}/buyer_limits`: set what one account may claim of the
//! listing and how fast it may hold.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::commands::{self, replies::ListingChanged};
use crate::error::Fields;
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::{parse_buyer_limits, BuyerLimitsBody, ListingPath};
use crate::state::AppState;

/// Set the per-buyer limits (the owner organizer or an admin). They replace the previous
/// ones as a whole; seats already claimed above a lowered limit stay.
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/buyer_limits",
    tag = "listings",
    request_body = BuyerLimitsBody,
    params(
        ("listing_id" = Uuid, Path, description = "The listing"),
        IdempotencyKeyHeader,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The limits are set", body = ListingChanged),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn set_buyer_limits(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    ListingPath { listing_id }: ListingPath,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<BuyerLimitsBody>,
) -> Response {
    let route = format!("set_buyer_limits:{listing_id}");
    idempotent::once(
        &state,
        actor.user_id,
        key,
        &route,
        &body,
        StatusCode::OK,
        async {
            let mut f = Fields::new();
            let limits = parse_buyer_limits(&mut f, "", &body);
            f.finish()?;
            let limits = limits.expect("no field errors");
            let changed =
                commands::listings::set_buyer_limits(&state, actor, listing_id, limits).await?;
            Ok(changed)
        },
    )
    .await
}
