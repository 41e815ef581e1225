//! Giving an account another role (admins only, never their own; the domain's rule). A
//! staff role must name an existing organizer.

use chrono::{DateTime, Utc};
use domain::account::{AccountError, ChangeRole};
use domain::{Actor, Role, UserId};
use eventlog::EventLog;

use super::account;
use crate::commands::replies::AccountChanged;
use crate::commands::CommandError;
use crate::state::AppState;
use crate::store;

/// Refuses a non-admin before anything about other accounts is looked up or parsed.
pub fn ensure_admin(actor: &Actor) -> Result<(), CommandError> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(AccountError::AdminOnly.into())
    }
}

/// Gives `user_id` the role `role` at `now`; the console's operator uses it too.
pub async fn change_role(
    log: &EventLog,
    now: DateTime<Utc>,
    actor: Actor,
    user_id: UserId,
    role: Role,
) -> Result<AccountChanged, CommandError> {
    ensure_admin(&actor)?;
    if let Role::Staff { organizer_id } = role {
        let loaded = account::load(log, organizer_id).await?;
        let is_organizer = loaded
            .state
            .account()
            .is_some_and(|a| a.role == Role::Organizer);
        if !is_organizer {
            return Err(CommandError::invalid(
                "role.organizer_id",
                "no organizer has this id",
            ));
        }
    }
    let meta = store::metadata(actor.user_id);
    let position = account::run(log, now, user_id, &meta, false, || {
        ChangeRole { actor, role, now }.into()
    })
    .await?;
    Ok(AccountChanged { user_id, position })
}

/// [`change_role`] from an API request: the new role holds for the account's next
/// request in this process before the answer (other processes follow the log).
pub async fn change_role_now(
    state: &AppState,
    actor: Actor,
    user_id: UserId,
    role: Role,
) -> Result<AccountChanged, CommandError> {
    let now = state.clock.now();
    let changed = change_role(&state.log, now, actor, user_id, role).await?;
    account::take_effect(state).await;
    Ok(changed)
}
