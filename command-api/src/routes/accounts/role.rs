//! `POST /accounts/{user_id}/role`: give an account another role (admins only).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::commands::accounts::{ensure_admin, RoleBody};
use crate::commands::{self, replies::AccountChanged};
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::{parse_role, UserPath};
use crate::state::AppState;

/// The body of `POST /accounts/{user_id}/role`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoleChange {
    /// The new role.
    role: RoleBody,
}

/// Gives an account another role (admins only, never their own).
///
/// The new role reaches the user's access token at its next refresh.
#[utoipa::path(
    post,
    path = "/accounts/{user_id}/role",
    tag = "accounts",
    params(("user_id" = Uuid, Path, description = "The account"), IdempotencyKeyHeader),
    request_body = RoleChange,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The role is changed", body = AccountChanged),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 415, response = problems::UnsupportedMediaType),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn change_role(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    UserPath { user_id }: UserPath,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<RoleChange>,
) -> Response {
    let route = format!("change_role:{user_id}");
    idempotent::once(
        &state,
        actor.user_id,
        key,
        &route,
        &body,
        StatusCode::OK,
        async {
            // Before parsing, so a non-admin learns nothing about roles or accounts.
            ensure_admin(&actor)?;
            let role = parse_role(&body.role)?;
            let changed = commands::accounts::change_role_now(&state, actor, user_id, role).await?;
            Ok(changed)
        },
    )
    .await
}
