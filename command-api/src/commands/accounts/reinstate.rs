//! Lifting a suspension (admins only).

use domain::account::ReinstateAccount;
use domain::{Actor, UserId};

use super::account;
use crate::commands::replies::AccountChanged;
use crate::commands::CommandError;
use crate::state::AppState;
use crate::store;

/// Reinstates `user_id`.
pub async fn reinstate(
    state: &AppState,
    actor: Actor,
    user_id: UserId,
) -> Result<AccountChanged, CommandError> {
    let now = state.clock.now();
    let meta = store::metadata(actor.user_id);
    let position = account::run(&state.log, now, user_id, &meta, false, || {
        ReinstateAccount { actor, now }.into()
    })
    .await?;
    account::take_effect(state).await;
    Ok(AccountChanged { user_id, position })
}
