//! `POST /accounts/{user_id}/suspend`: suspend an account (admins only).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::ShortText;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::commands::{self, replies::AccountChanged};
use crate::error::Fields;
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::UserPath;
use crate::state::AppState;

/// The body of `POST /accounts/{user_id}/suspend`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Suspension {
    /// Why, for other admins; 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    reason: String,
}

/// Suspends an account (admins only, never their own).
///
/// The user can no longer log in, and their refresh tokens are revoked with it, so their
/// sessions end within one access-token lifetime.
#[utoipa::path(
    post,
    path = "/accounts/{user_id}/suspend",
    tag = "accounts",
    params(("user_id" = Uuid, Path, description = "The account"), IdempotencyKeyHeader),
    request_body = Suspension,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account is suspended", body = AccountChanged),
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
pub(super) async fn suspend(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    UserPath { user_id }: UserPath,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<Suspension>,
) -> Response {
    let route = format!("suspend:{user_id}");
    idempotent::once(
        &state,
        actor.user_id,
        key,
        &route,
        &body,
        StatusCode::OK,
        async {
            let mut f = Fields::new();
            let reason = f.check("reason", ShortText::parse(&body.reason));
            f.finish()?;
            let reason = reason.expect("checked");
            let suspended = commands::accounts::suspend(&state, actor, user_id, reason).await?;
            Ok(suspended)
        },
    )
    .await
}
