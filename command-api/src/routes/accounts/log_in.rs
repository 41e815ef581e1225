//! `POST /sessions`: log in.

use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::rate_limit::ClientAddress;
use crate::commands::{self, accounts::Session};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::openapi::problems;
use crate::routes::reply::Reply;
use crate::state::AppState;

/// The body of `POST /sessions`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Credentials {
    /// The address the account registered with.
    #[schema(example = "ada@example.com")]
    email: String,
    /// The account's password.
    #[schema(format = Password)]
    password: String,
}

/// Logs in: 401 for any wrong e-mail or password, 403 for a suspended account.
///
/// Failed log-ins are limited (429 with `Retry-After`): per account and client address
/// with growing pauses after the first few, and per client address.
#[utoipa::path(
    post,
    path = "/sessions",
    tag = "sessions",
    request_body = Credentials,
    responses(
        (status = 200, description = "A new session", body = Session),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 415, response = problems::UnsupportedMediaType),
        (status = 422, response = problems::Unprocessable),
        (status = 429, response = problems::TooManyRequests),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn log_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<Reply<Session>, ApiError> {
    let session = commands::accounts::log_in(&state, address, &body.email, body.password).await?;
    Ok(Reply::ok(session))
}
