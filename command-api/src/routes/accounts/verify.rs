//! `POST /accounts/{user_id}/verify`: verify the account's e-mail address.

use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::commands::{self, replies::AccountChanged};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::openapi::problems;
use crate::routes::parse::UserPath;
use crate::routes::reply::Reply;
use crate::state::AppState;

/// The body of `POST /accounts/{user_id}/verify`: the token from the e-mailed link.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Verification {
    /// The token of the link e-mailed after registration.
    token: String,
}

/// Verifies the account's e-mail address with the token of the e-mailed link.
///
/// The token must match the account's id and address, else 422 naming `token`;
/// verifying twice is a 409.
#[utoipa::path(
    post,
    path = "/accounts/{user_id}/verify",
    tag = "accounts",
    params(("user_id" = Uuid, Path, description = "The account")),
    request_body = Verification,
    responses(
        (status = 200, description = "The address is verified", body = AccountChanged),
        (status = 400, response = problems::BadRequest),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 415, response = problems::UnsupportedMediaType),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn verify(
    State(state): State<AppState>,
    UserPath { user_id }: UserPath,
    ApiJson(body): ApiJson<Verification>,
) -> Result<Reply<AccountChanged>, ApiError> {
    let verified = commands::accounts::verify(&state, user_id, &body.token).await?;
    Ok(Reply::ok(verified))
}
