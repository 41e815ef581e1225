//! `POST /accounts/{user_id}/reinstate`: lift a suspension (admins only).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::commands::{self, replies::AccountChanged};
use crate::extract::{AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::UserPath;
use crate::state::AppState;

/// Lifts a suspension (admins only); takes no body.
#[utoipa::path(
    post,
    path = "/accounts/{user_id}/reinstate",
    tag = "accounts",
    params(("user_id" = Uuid, Path, description = "The account"), IdempotencyKeyHeader),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account is active again", body = AccountChanged),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn reinstate(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    UserPath { user_id }: UserPath,
    key: IdempotencyKey,
) -> Response {
    let route = format!("reinstate:{user_id}");
    idempotent::once(
        &state,
        actor.user_id,
        key,
        &route,
        &(),
        StatusCode::OK,
        async {
            let reinstated = commands::accounts::reinstate(&state, actor, user_id).await?;
            Ok(reinstated)
        },
    )
    .await
}
