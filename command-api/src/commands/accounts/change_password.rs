//! Changing one's own password: the current one must be proven, and every refresh token
//! of the account is revoked with the change, so whoever had the old password is locked
//! out at their next refresh.

use domain::account::ChangePassword;
use domain::{Actor, PasswordHash};

use super::account;
use crate::auth::password;
use crate::auth::rate_limit::AccountKey;
use crate::commands::replies::AccountChanged;
use crate::commands::{limited, CommandError};
use crate::state::AppState;
use crate::store;

/// Changes the actor's password from `current` (wrong: counted as a failed log-in) to
/// `new` (already checked against the password policy).
pub async fn change_password(
    state: &AppState,
    actor: Actor,
    current: String,
    new: String,
) -> Result<AccountChanged, CommandError> {
    let now = state.clock.now();
    let loaded = account::load(&state.log, actor.user_id).await?;
    let account = loaded
        .state
        .account()
        .ok_or_else(|| CommandError::Unauthorized("this account no longer exists".into()))?;
    // A stolen access token must not become a way to guess the password: its wrong
    // guesses pause like log-ins (keyed by the account alone: only its token gets here).
    let key = AccountKey::of_email(account.email.as_str());
    state.limiter.attempt(&key, None, now).map_err(limited)?;
    let phc = account.password_hash.as_str().to_owned();
    if !password::verify(current, phc).await {
        return Err(CommandError::invalid(
            "current_password",
            "this is not the current password",
        ));
    }
    state.limiter.succeeded(&key, None, now);
    let hash = password::hash(new).await?;
    let password_hash = PasswordHash::parse(&hash).map_err(anyhow::Error::from)?;
    let meta = store::metadata(actor.user_id);
    let position = account::run(&state.log, now, actor.user_id, &meta, true, || {
        ChangePassword {
            actor,
            password_hash: password_hash.clone(),
            now,
        }
        .into()
    })
    .await?;
    tracing::info!(user.id = %actor.user_id, "password changed");
    Ok(AccountChanged {
        user_id: actor.user_id,
        position,
    })
}
