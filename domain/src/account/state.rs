//! The folded account state and `evolve`.

use super::event::AccountEvent;
use crate::actor::Role;
use crate::ids::UserId;
use crate::values::{Email, PasswordHash, ShortText};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Why and since when an account is suspended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspension {
    /// Why.
    pub reason: ShortText,
    /// The admin.
    pub by: UserId,
    /// Since when.
    pub at: DateTime<Utc>,
}

/// A registered account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The user's id.
    pub id: UserId,
    /// Their e-mail address.
    pub email: Email,
    /// Name shown to others.
    pub display_name: ShortText,
    /// What they may do.
    pub role: Role,
    /// Their password hash.
    pub password_hash: PasswordHash,
    /// When they registered.
    pub registered_at: DateTime<Utc>,
    /// When the e-mail was verified, if it was.
    pub email_verified_at: Option<DateTime<Utc>>,
    /// The suspension in force, if any.
    pub suspension: Option<Suspension>,
}

impl Account {
    /// Whether the account may act: the application should refuse suspended actors.
    pub fn is_active(&self) -> bool {
        self.suspension.is_none()
    }
}

/// The folded state of one user stream; empty until `AccountRegistered`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AccountState {
    account: Option<Account>,
}

impl AccountState {
    /// The account, once registered.
    pub fn account(&self) -> Option<&Account> {
        self.account.as_ref()
    }

    /// Folds events onto the empty state.
    pub fn fold<'a>(events: impl IntoIterator<Item = &'a AccountEvent>) -> Self {
        events.into_iter().fold(Self::default(), evolve)
    }

    /// Applies one event in place.
    pub fn apply(&mut self, event: &AccountEvent) {
        use AccountEvent as E;
        if let E::AccountRegistered {
            user_id,
            email,
            display_name,
            role,
            password_hash,
            at,
        } = event
        {
            self.account = Some(Account {
                id: *user_id,
                email: email.clone(),
                display_name: display_name.clone(),
                role: *role,
                password_hash: password_hash.clone(),
                registered_at: *at,
                email_verified_at: None,
                suspension: None,
            });
            return;
        }
        let Some(account) = self.account.as_mut() else {
            return;
        };
        match event {
            E::AccountRegistered { .. } => {}
            E::EmailVerified { at, .. } => account.email_verified_at = Some(*at),
            E::RoleChanged { to, .. } => account.role = *to,
            E::PasswordChanged { password_hash, .. } => {
                account.password_hash = password_hash.clone()
            }
            E::AccountSuspended { reason, by, at } => {
                account.suspension = Some(Suspension {
                    reason: reason.clone(),
                    by: *by,
                    at: *at,
                })
            }
            E::AccountReinstated { .. } => account.suspension = None,
        }
    }
}

/// Applies one event to a state; never fails and checks no rules.
pub fn evolve(mut state: AccountState, event: &AccountEvent) -> AccountState {
    state.apply(event);
    state
}
