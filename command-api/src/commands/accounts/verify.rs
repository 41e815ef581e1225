//! Verifying an account's e-mail address with the token of the e-mailed link.

use domain::account::VerifyEmail;
use domain::UserId;

use super::account;
use crate::auth::verification;
use crate::commands::replies::AccountChanged;
use crate::commands::CommandError;
use crate::state::AppState;
use crate::store;

/// Verifies the address of `user_id` if `token` (see [`verification`]) matches its id and
/// address; verifying twice is the domain's rejection.
pub async fn verify(
    state: &AppState,
    user_id: UserId,
    token: &str,
) -> Result<AccountChanged, CommandError> {
    let loaded = account::load(&state.log, user_id).await?;
    let account = loaded
        .state
        .account()
        .ok_or_else(|| CommandError::NotFound(format!("no account {user_id}")))?;
    if !verification::check(
        &state.keys,
        user_id.as_uuid(),
        account.email.as_str(),
        token,
    ) {
        return Err(CommandError::invalid(
            "token",
            "this verification link is not valid for this account; use the latest e-mail",
        ));
    }
    let now = state.clock.now();
    let meta = store::metadata(user_id);
    let position = account::run(&state.log, now, user_id, &meta, false, || {
        VerifyEmail { now }.into()
    })
    .await?;
    Ok(AccountChanged { user_id, position })
}
