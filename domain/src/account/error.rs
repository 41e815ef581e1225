//! Why an account refused a command.

use crate::actor::Role;
use crate::ids::UserId;
use chrono::{DateTime, Utc};

/// An account's rejection of a command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// The stream has no `AccountRegistered` yet.
    #[error("this account does not exist")]
    AccountNotFound,
    /// Registering twice.
    #[error("account {user_id} is already registered")]
    AlreadyRegistered {
        /// The existing account.
        user_id: UserId,
    },
    /// Verifying twice.
    #[error("the e-mail address was already verified at {at}")]
    AlreadyVerified {
        /// When.
        at: DateTime<Utc>,
    },
    /// An admin-only command from someone else.
    #[error("only an admin can do this")]
    AdminOnly,
    /// Acting on another user's account.
    #[error("you can only change your own password")]
    NotYourAccount,
    /// Admins cannot lock themselves out.
    #[error("admins cannot change their own role or suspend themselves; ask another admin")]
    CannotTargetSelf,
    /// The requested role is the current one.
    #[error("the account is already {role}")]
    RoleUnchanged {
        /// The current role.
        role: Role,
    },
    /// The account is suspended.
    #[error("the account was suspended at {at}")]
    AccountSuspended {
        /// Since when.
        at: DateTime<Utc>,
    },
    /// Reinstating an account that is not suspended.
    #[error("the account is not suspended")]
    NotSuspended,
}
