//! `POST /checkins`: admit a ticket by its code.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::commands::{self, replies::BookingChanged};
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::CodeBody;
use crate::state::AppState;

/// Admits the ticket with this code (staff of the listing's organizer, or the organizer).
#[utoipa::path(
    post,
    path = "/checkins",
    tag = "checkin",
    request_body = CodeBody,
    params(IdempotencyKeyHeader),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The ticket is admitted", body = BookingChanged),
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
pub(super) async fn admit(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<CodeBody>,
) -> Response {
    idempotent::once(
        &state,
        actor.user_id,
        key,
        "check_in",
        &body,
        StatusCode::OK,
        async {
            let changed = commands::checkin::admit(&state, actor, body.code()?).await?;
            Ok(changed)
        },
    )
    .await
}
