//! `POST /sessions/refresh`: trade a refresh token for a new session.

use axum::extract::State;

use crate::commands::{self, accounts::Session};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::openapi::problems;
use crate::routes::parse::RefreshBody;
use crate::routes::reply::Reply;
use crate::state::AppState;

/// Trades a refresh token for a new session with the account's current role.
///
/// Each refresh token works once; presenting a used one ends every session that grew
/// from the same log-in (401).
#[utoipa::path(
    post,
    path = "/sessions/refresh",
    tag = "sessions",
    request_body = RefreshBody,
    responses(
        (status = 200, description = "A new session; the old refresh token is spent", body = Session),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 415, response = problems::UnsupportedMediaType),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn refresh(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<RefreshBody>,
) -> Result<Reply<Session>, ApiError> {
    let session = commands::accounts::refresh(&state, &body.refresh_token).await?;
    Ok(Reply::ok(session))
}
