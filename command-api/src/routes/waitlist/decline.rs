//! `POST /listings/{listing_id}/waitlist/{entry_id}/decline`: decline an offer.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::commands::{self, replies::WaitlistEntryChanged};
use crate::extract::{AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::EntryPath;
use crate::state::AppState;

/// Declines a waitlist offer, passing its seats on to the next in line.
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/waitlist/{entry_id}/decline",
    tag = "waitlist",
    params(
        ("listing_id" = Uuid, Path, description = "The listing"),
        ("entry_id" = Uuid, Path, description = "The waitlist entry"),
        IdempotencyKeyHeader,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The offer is declined", body = WaitlistEntryChanged),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn decline(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    EntryPath {
        listing_id,
        entry_id,
    }: EntryPath,
    key: IdempotencyKey,
) -> Response {
    let route = format!("decline_offer:{listing_id}:{entry_id}");
    idempotent::once(
        &state,
        actor.user_id,
        key,
        &route,
        &(),
        StatusCode::OK,
        async {
            let changed = commands::waitlist::decline(&state, actor, listing_id, entry_id).await?;
            Ok(changed)
        },
    )
    .await
}
