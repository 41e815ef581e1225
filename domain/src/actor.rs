//! Who is acting: every command that a person issues carries an [`Actor`].

use crate::ids::UserId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What an account may do; staff belong to exactly one organizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Role {
    /// Books seats.
    Customer,
    /// Creates and runs listings.
    Organizer,
    /// Checks tickets in at the door for one organizer's listings.
    Staff {
        /// The organizer this staff member works for.
        organizer_id: UserId,
    },
    /// Manages accounts and may act on any listing or booking.
    Admin,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Role::Customer => f.write_str("customer"),
            Role::Organizer => f.write_str("organizer"),
            Role::Staff { organizer_id } => write!(f, "staff of organizer {organizer_id}"),
            Role::Admin => f.write_str("admin"),
        }
    }
}

/// The authenticated user behind a command, as the API resolved them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    /// The acting user.
    pub user_id: UserId,
    /// The role the user holds right now.
    pub role: Role,
}

impl Actor {
    /// An actor with the given role.
    pub const fn new(user_id: UserId, role: Role) -> Self {
        Self { user_id, role }
    }

    /// Whether the actor is an admin.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether the actor is this organizer (and still holds the organizer role).
    pub fn is_organizer(&self, organizer_id: UserId) -> bool {
        self.role == Role::Organizer && self.user_id == organizer_id
    }

    /// Whether the actor may work the door for this organizer: the organizer or their staff.
    pub fn works_for(&self, organizer_id: UserId) -> bool {
        match self.role {
            Role::Staff {
                organizer_id: employer,
            } => employer == organizer_id,
            _ => self.is_organizer(organizer_id),
        }
    }
}
