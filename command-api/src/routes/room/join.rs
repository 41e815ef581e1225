//! `POST /listings/{listing_id}/waiting_room/join`: join the waiting room.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::commands::{self, replies::WaitingRoomJoined};
use crate::extract::{AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::ListingPath;
use crate::state::AppState;

/// Join the listing's waiting room. Before the opening every joiner is equal: the order
/// is drawn at random when it opens; later joiners queue in arrival order. Once let in,
/// the buyer may hold seats until the admission lapses.
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/waiting_room/join",
    tag = "waiting room",
    params(
        ("listing_id" = Uuid, Path, description = "The listing"),
        IdempotencyKeyHeader,
    ),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "In the room", body = WaitingRoomJoined),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn join_waiting_room(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    ListingPath { listing_id }: ListingPath,
    key: IdempotencyKey,
) -> Response {
    let route = format!("join_waiting_room:{listing_id}");
    idempotent::once(
        &state,
        actor.user_id,
        key,
        &route,
        &(),
        StatusCode::CREATED,
        async {
            let joined = commands::room::join_waiting_room(&state, actor, listing_id).await?;
            Ok(joined)
        },
    )
    .await
}
