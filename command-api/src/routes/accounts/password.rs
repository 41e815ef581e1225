//! `POST /accounts/me/password`: change one's own password.

use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::commands::{self, replies::AccountChanged};
use crate::error::{ApiError, Fields};
use crate::extract::{ApiJson, AuthUser};
use crate::openapi::problems;
use crate::routes::parse::check_password;
use crate::routes::reply::Reply;
use crate::state::AppState;

/// The body of `POST /accounts/me/password`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewPassword {
    /// The password in use now.
    #[schema(format = Password)]
    current_password: String,
    /// At least 10 characters.
    #[schema(format = Password, min_length = 10, max_length = 1000)]
    new_password: String,
}

/// Changes the caller's password; every session of the account ends at its next refresh.
///
/// 422 names `current_password` when it is wrong (counted as a failed log-in) or
/// `new_password` when it is too weak.
#[utoipa::path(
    post,
    path = "/accounts/me/password",
    tag = "accounts",
    request_body = NewPassword,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The password is changed", body = AccountChanged),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 409, response = problems::Conflict),
        (status = 415, response = problems::UnsupportedMediaType),
        (status = 422, response = problems::Unprocessable),
        (status = 429, response = problems::TooManyRequests),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn change(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    ApiJson(body): ApiJson<NewPassword>,
) -> Result<Reply<AccountChanged>, ApiError> {
    let mut f = Fields::new();
    check_password(&mut f, "new_password", &body.new_password);
    f.finish()?;
    let changed = commands::accounts::change_password(
        &state,
        actor,
        body.current_password,
        body.new_password,
    )
    .await?;
    Ok(Reply::ok(changed))
}
