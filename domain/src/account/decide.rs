//! `decide` for accounts.

use super::command::{
    AccountCommand, ChangePassword, ChangeRole, Register, ReinstateAccount, SuspendAccount,
    VerifyEmail,
};
use super::error::AccountError;
use super::event::AccountEvent;
use super::state::{Account, AccountState};
use crate::actor::Actor;

/// Decides an account command against the folded state.
pub fn decide(
    state: &AccountState,
    command: AccountCommand,
) -> Result<Vec<AccountEvent>, AccountError> {
    if let AccountCommand::Register(c) = command {
        return register(state, c);
    }
    let account = state.account().ok_or(AccountError::AccountNotFound)?;
    match command {
        AccountCommand::Register(_) => Err(AccountError::AlreadyRegistered {
            user_id: account.id,
        }),
        AccountCommand::VerifyEmail(c) => verify_email(account, c),
        AccountCommand::ChangeRole(c) => change_role(account, c),
        AccountCommand::ChangePassword(c) => change_password(account, c),
        AccountCommand::Suspend(c) => suspend(account, c),
        AccountCommand::Reinstate(c) => reinstate(account, c),
    }
}

fn register(state: &AccountState, c: Register) -> Result<Vec<AccountEvent>, AccountError> {
    if let Some(account) = state.account() {
        return Err(AccountError::AlreadyRegistered {
            user_id: account.id,
        });
    }
    Ok(vec![AccountEvent::AccountRegistered {
        user_id: c.user_id,
        email: c.email,
        display_name: c.display_name,
        role: c.kind.into(),
        password_hash: c.password_hash,
        at: c.now,
    }])
}

fn verify_email(account: &Account, c: VerifyEmail) -> Result<Vec<AccountEvent>, AccountError> {
    if let Some(at) = account.email_verified_at {
        return Err(AccountError::AlreadyVerified { at });
    }
    Ok(vec![AccountEvent::EmailVerified {
        email: account.email.clone(),
        at: c.now,
    }])
}

fn change_role(account: &Account, c: ChangeRole) -> Result<Vec<AccountEvent>, AccountError> {
    ensure_admin_on_other(account, &c.actor)?;
    if account.role == c.role {
        return Err(AccountError::RoleUnchanged { role: c.role });
    }
    Ok(vec![AccountEvent::RoleChanged {
        from: account.role,
        to: c.role,
        by: c.actor.user_id,
        at: c.now,
    }])
}

fn change_password(
    account: &Account,
    c: ChangePassword,
) -> Result<Vec<AccountEvent>, AccountError> {
    if c.actor.user_id != account.id {
        return Err(AccountError::NotYourAccount);
    }
    if let Some(suspension) = &account.suspension {
        return Err(AccountError::AccountSuspended { at: suspension.at });
    }
    Ok(vec![AccountEvent::PasswordChanged {
        password_hash: c.password_hash,
        by: c.actor.user_id,
        at: c.now,
    }])
}

fn suspend(account: &Account, c: SuspendAccount) -> Result<Vec<AccountEvent>, AccountError> {
    ensure_admin_on_other(account, &c.actor)?;
    if let Some(suspension) = &account.suspension {
        return Err(AccountError::AccountSuspended { at: suspension.at });
    }
    Ok(vec![AccountEvent::AccountSuspended {
        reason: c.reason,
        by: c.actor.user_id,
        at: c.now,
    }])
}

fn reinstate(account: &Account, c: ReinstateAccount) -> Result<Vec<AccountEvent>, AccountError> {
    ensure_admin_on_other(account, &c.actor)?;
    if account.suspension.is_none() {
        return Err(AccountError::NotSuspended);
    }
    Ok(vec![AccountEvent::AccountReinstated {
        by: c.actor.user_id,
        at: c.now,
    }])
}

/// Admin commands target other accounts, so an admin can never lock themselves out.
fn ensure_admin_on_other(account: &Account, actor: &Actor) -> Result<(), AccountError> {
    if !actor.is_admin() {
        return Err(AccountError::AdminOnly);
    }
    if actor.user_id == account.id {
        return Err(AccountError::CannotTargetSelf);
    }
    Ok(())
}
