//! Pending deadlines the application must act on: hold and offer expiries, sales closing.

use super::command::{CloseSalesOnSchedule, ExpireHold, ListingCommand};
use crate::ids::{HoldId, WaitlistEntryId};
use crate::values::HoldDuration;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What falls due at a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeadlineKind {
    /// A hold lapses unless confirmed.
    HoldExpiry {
        /// Which hold.
        hold_id: HoldId,
    },
    /// A waitlist offer lapses unless accepted.
    OfferExpiry {
        /// The offer's hold id.
        hold_id: HoldId,
        /// The entry it was made to.
        entry_id: WaitlistEntryId,
    },
    /// The sales window closes.
    SalesClose,
}

/// Something the application must turn into a command once `due_at` has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// When it falls due.
    pub due_at: DateTime<Utc>,
    /// What falls due.
    pub kind: DeadlineKind,
}

impl Deadline {
    /// Whether it has fallen due at `now`.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.due_at <= now
    }

    /// The command that acts on this deadline; `offer_for` lasts any offers it triggers.
    pub fn command(&self, now: DateTime<Utc>, offer_for: HoldDuration) -> ListingCommand {
        match self.kind {
            DeadlineKind::HoldExpiry { hold_id } | DeadlineKind::OfferExpiry { hold_id, .. } => {
                ExpireHold {
                    hold_id,
                    offer_for,
                    now,
                }
                .into()
            }
            DeadlineKind::SalesClose => CloseSalesOnSchedule { now }.into(),
        }
    }
}
