//! `POST /listings/{listing_id}/cancel`: cancel a listing and every booking of it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::ShortText;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::commands::{self, replies::ListingChanged};
use crate::error::ApiError;
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::ListingPath;
use crate::state::AppState;

/// The body of `POST /listings/{id}/cancel`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CancelBody {
    /// Told to every ticket holder; 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    reason: String,
}

/// Cancel a listing: every hold is released and every booking cancelled and refunded.
#[utoipa::path(
    post,
    operation_id = "cancel_listing",
    path = "/listings/{listing_id}/cancel",
    tag = "listings",
    request_body = CancelBody,
    params(("listing_id" = Uuid, Path, description = "The listing"), IdempotencyKeyHeader),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The listing and its bookings are cancelled", body = ListingChanged),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
    )
)]
pub(super) async fn cancel(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    ListingPath { listing_id }: ListingPath,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<CancelBody>,
) -> Response {
    let route = format!("cancel_listing:{listing_id}");
    idempotent::once(
        &state,
        actor.user_id,
        key,
        &route,
        &body,
        StatusCode::OK,
        async {
            let reason =
                ShortText::parse(&body.reason).map_err(|e| ApiError::field("reason", e))?;
            let changed = commands::listings::cancel(&state, actor, listing_id, reason).await?;
            Ok(changed)
        },
    )
    .await
}
