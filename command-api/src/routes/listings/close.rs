//! `POST /listings/{listing_id}/close`: close a listing's sales early.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::commands::{self, replies::ListingChanged};
use crate::extract::{AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::ListingPath;
use crate::state::AppState;

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
        (status = 200, description = "Sales are closed", body = ListingChanged),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn close(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    ListingPath { listing_id }: ListingPath,
    key: IdempotencyKey,
) -> Response {
    idempotent::once(
        &state,
        actor.user_id,
        key,
        "close_listing",
        &listing_id,
        StatusCode::OK,
        async {
            let changed = commands::listings::close(&state, actor, listing_id).await?;
            Ok(changed)
        },
    )
    .await
}
