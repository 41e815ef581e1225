//! `POST /checkins/undo`: undo an admission made by mistake.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::commands::{self, replies::BookingChanged};
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::CodeBody;
use crate::state::AppState;

/// Undoes a check-in made by mistake.
#[utoipa::path(
    post,
    path = "/checkins/undo",
    tag = "checkin",
    request_body = CodeBody,
    params(IdempotencyKeyHeader),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The admission is undone", body = BookingChanged),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 413, response = problems::PayloadTooLarge),
        (status = 415, response = problems::UnsupportedMediaType),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn undo(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<CodeBody>,
) -> Response {
    idempotent::once(
        &state,
        actor.user_id,
        key,
        "undo_check_in",
        &body,
        StatusCode::OK,
        async {
            let changed = commands::checkin::undo(&state, actor, body.code()?).await?;
            Ok(changed)
        },
    )
    .await
}
