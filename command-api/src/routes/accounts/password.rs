//! Changing one's own password: the current one must be proven, and every session of the
//! account ends at its next refresh (its refresh tokens are revoked with the change), so
//! whoever had the old password is locked out; the caller logs in again.

use axum::extract::State;
use domain::account::ChangePassword;
use domain::PasswordHash;
use serde::Deserialize;
use utoipa::ToSchema;

use super::shared::{self, check_password, AccountChanged};
use crate::auth::password;
use crate::auth::rate_limit::AccountKey;
use crate::error::{ApiError, Fields};
use crate::extract::{ApiJson, AuthUser};
use crate::openapi::problems;
use crate::routes::reply::{ids, Accepted};
use crate::state::AppState;
use crate::store;

/// The body of `POST /accounts/me/password`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NewPassword {
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
) -> Result<Accepted, ApiError> {
    let mut f = Fields::new();
    check_password(&mut f, "new_password", &body.new_password);
    f.finish()?;
    let now = state.clock.now();
    let loaded = shared::load(&state, actor.user_id).await?;
    let account = loaded
        .state
        .account()
        .ok_or_else(|| ApiError::Unauthorized("this account no longer exists".into()))?;
    // A stolen access token must not become a way to guess the password.
    let key = AccountKey::of_email(account.email.as_str());
    state.limiter.attempt_on(&key, now)?;
    let phc = account.password_hash.as_str().to_owned();
    if !password::verify(body.current_password, phc).await {
        return Err(ApiError::field(
            "current_password",
            "this is not the current password",
        ));
    }
    state.limiter.succeeded(&key);
    let hash = password::hash(body.new_password).await?;
    let password_hash = PasswordHash::parse(&hash).map_err(anyhow::Error::from)?;
    let position = shared::run(
        &state,
        actor.user_id,
        &store::metadata(actor.user_id),
        true,
        || {
            ChangePassword {
                actor,
                password_hash: password_hash.clone(),
                now,
            }
            .into()
        },
    )
    .await?;
    tracing::info!(user.id = %actor.user_id, "password changed");
    Ok(Accepted::new(
        false,
        ids!("user_id" => actor.user_id.to_string()),
        position,
    ))
}
