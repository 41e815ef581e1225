//! Suspending an account (admins only, never their own): the user can no longer log in,
//! and their refresh tokens are revoked with it.

use domain::account::SuspendAccount;
use domain::{Actor, ShortText, UserId};

use super::account;
use crate::commands::replies::AccountChanged;
use crate::commands::CommandError;
use crate::state::AppState;
use crate::store;

/// Suspends `user_id` for `reason`.
pub async fn suspend(
    state: &AppState,
    actor: Actor,
    user_id: UserId,
    reason: ShortText,
) -> Result<AccountChanged, CommandError> {
    let now = state.clock.now();
    let meta = store::metadata(actor.user_id);
    let position = account::run(&state.log, now, user_id, &meta, true, || {
        SuspendAccount {
            actor,
            reason: reason.clone(),
            now,
        }
        .into()
    })
    .await?;
    account::take_effect(state).await;
    Ok(AccountChanged { user_id, position })
}
