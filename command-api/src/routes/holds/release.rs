//! `POST /listings/{listing_id}/holds/{hold_id}/release`: release a hold early.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::commands::{self, replies::HoldReleased};
use crate::extract::{AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::HoldPath;
use crate::state::AppState;

/// Releases a hold before it expires; its seats return to the pool.
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/holds/{hold_id}/release",
    tag = "holds",
    params(
        ("listing_id" = Uuid, Path, description = "The listing"),
        ("hold_id" = Uuid, Path, description = "The hold"),
        IdempotencyKeyHeader,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The hold is released", body = HoldReleased),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn release(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    HoldPath {
        listing_id,
        hold_id,
    }: HoldPath,
    key: IdempotencyKey,
) -> Response {
    let route = format!("release:{listing_id}:{hold_id}");
    idempotent::once(
        &state,
        actor.user_id,
        key,
        &route,
        &(),
        StatusCode::OK,
        async {
            let released = commands::holds::release(&state, actor, listing_id, hold_id).await?;
            Ok(released)
        },
    )
    .await
}
