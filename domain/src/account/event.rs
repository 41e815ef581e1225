//! Account events. They carry the password hash: redact `password_hash` before relaying.

use crate::actor::Role;
use crate::event::DomainEvent;
use crate::ids::UserId;
use crate::values::{Email, PasswordHash, ShortText};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Something that happened to an account. Serialized forms are forever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AccountEvent {
    /// A person registered.
    AccountRegistered {
        /// The new user.
        user_id: UserId,
        /// Their e-mail address.
        email: Email,
        /// Name shown to others.
        display_name: ShortText,
        /// Their starting role (customer or organizer).
        role: Role,
        /// Their password hash.
        password_hash: PasswordHash,
        /// When.
        at: DateTime<Utc>,
    },
    /// The e-mail address was verified.
    EmailVerified {
        /// The address verified.
        email: Email,
        /// When.
        at: DateTime<Utc>,
    },
    /// An admin changed the role.
    RoleChanged {
        /// Role before.
        from: Role,
        /// Role after.
        to: Role,
        /// The admin.
        by: UserId,
        /// When.
        at: DateTime<Utc>,
    },
    /// The password hash was replaced.
    PasswordChanged {
        /// The new hash.
        password_hash: PasswordHash,
        /// Who changed it.
        by: UserId,
        /// When.
        at: DateTime<Utc>,
    },
    /// An admin suspended the account.
    AccountSuspended {
        /// Why.
        reason: ShortText,
        /// The admin.
        by: UserId,
        /// When.
        at: DateTime<Utc>,
    },
    /// An admin lifted the suspension.
    AccountReinstated {
        /// The admin.
        by: UserId,
        /// When.
        at: DateTime<Utc>,
    },
}

impl AccountEvent {
    /// Version of these payloads in the event envelope.
    pub const SCHEMA_VERSION: u32 = 1;

    /// Every `type` tag this enum can produce, in declaration order.
    pub const TYPES: [&'static str; 6] = [
        "account_registered",
        "email_verified",
        "role_changed",
        "password_changed",
        "account_suspended",
        "account_reinstated",
    ];

    /// When it happened (the `now` of the command that decided it).
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::AccountRegistered { at, .. }
            | Self::EmailVerified { at, .. }
            | Self::RoleChanged { at, .. }
            | Self::PasswordChanged { at, .. }
            | Self::AccountSuspended { at, .. }
            | Self::AccountReinstated { at, .. } => *at,
        }
    }

    /// The stable `type` tag of this event.
    pub fn event_type(&self) -> &'static str {
        let index = match self {
            Self::AccountRegistered { .. } => 0,
            Self::EmailVerified { .. } => 1,
            Self::RoleChanged { .. } => 2,
            Self::PasswordChanged { .. } => 3,
            Self::AccountSuspended { .. } => 4,
            Self::AccountReinstated { .. } => 5,
        };
        Self::TYPES[index]
    }
}

impl DomainEvent for AccountEvent {
    const SCHEMA_VERSION: u32 = AccountEvent::SCHEMA_VERSION;
    const STREAM_PREFIX: &'static str = UserId::STREAM_PREFIX;

    fn event_type(&self) -> &'static str {
        AccountEvent::event_type(self)
    }
}
