//! `POST /sessions/logout`: end a session.

use axum::extract::State;
use axum::http::StatusCode;

use crate::commands;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::openapi::problems;
use crate::routes::parse::RefreshBody;
use crate::state::AppState;

/// Logs out: the session of the refresh token (and every token rotated from it) ends.
///
/// An unknown or already ended token gets the same 204.
#[utoipa::path(
    post,
    path = "/sessions/logout",
    tag = "sessions",
    request_body = RefreshBody,
    responses(
        (status = 204, description = "The session has ended"),
        (status = 400, response = problems::BadRequest),
        (status = 415, response = problems::UnsupportedMediaType),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn log_out(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<RefreshBody>,
) -> Result<StatusCode, ApiError> {
    commands::accounts::log_out(&state, &body.refresh_token).await?;
    Ok(StatusCode::NO_CONTENT)
}
