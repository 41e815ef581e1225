//! Account commands.

use crate::actor::{Actor, Role};
use crate::ids::UserId;
use crate::values::{Email, PasswordHash, ShortText};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The kinds of account anyone may register; other roles are granted by an admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// Books seats.
    Customer,
    /// Runs listings.
    Organizer,
}

impl From<AccountKind> for Role {
    fn from(kind: AccountKind) -> Role {
        match kind {
            AccountKind::Customer => Role::Customer,
            AccountKind::Organizer => Role::Organizer,
        }
    }
}

/// Register a new account (anonymous: the new user is not yet an actor).
///
/// E-mail uniqueness across accounts is the application's index, not this stream's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Register {
    /// The new user's id.
    pub user_id: UserId,
    /// Their e-mail address.
    pub email: Email,
    /// Name shown to others.
    pub display_name: ShortText,
    /// Hash of their password, computed by the caller.
    pub password_hash: PasswordHash,
    /// Customer or organizer.
    pub kind: AccountKind,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Mark the e-mail address verified (the application checked the token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyEmail {
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Give the account another role (admins only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRole {
    /// The admin.
    pub actor: Actor,
    /// The new role.
    pub role: Role,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Replace the password hash (the account's own user).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangePassword {
    /// The user.
    pub actor: Actor,
    /// Hash of the new password, computed by the caller.
    pub password_hash: PasswordHash,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Suspend the account (admins only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuspendAccount {
    /// The admin.
    pub actor: Actor,
    /// Why, as recorded for other admins.
    pub reason: ShortText,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Lift a suspension (admins only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReinstateAccount {
    /// The admin.
    pub actor: Actor,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Every account command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountCommand {
    /// See [`Register`].
    Register(Register),
    /// See [`VerifyEmail`].
    VerifyEmail(VerifyEmail),
    /// See [`ChangeRole`].
    ChangeRole(ChangeRole),
    /// See [`ChangePassword`].
    ChangePassword(ChangePassword),
    /// See [`SuspendAccount`].
    Suspend(SuspendAccount),
    /// See [`ReinstateAccount`].
    Reinstate(ReinstateAccount),
}

macro_rules! into_command {
    ($($command:ident => $variant:ident),* $(,)?) => {
        $(impl From<$command> for AccountCommand {
            fn from(command: $command) -> Self {
                AccountCommand::$variant(command)
            }
        })*
    };
}

into_command!(
    Register => Register,
    VerifyEmail => VerifyEmail,
    ChangeRole => ChangeRole,
    ChangePassword => ChangePassword,
    SuspendAccount => Suspend,
    ReinstateAccount => Reinstate,
);
