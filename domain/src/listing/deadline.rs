//! Pending deadlines the application must act on: hold and offer expiries, sales closing,
//! and the waiting room's opening, admissions and admission expiries.

use super::command::{
    AdmitFromWaitingRoom, CloseSalesOnSchedule, ExpireAdmission, ExpireHold, ListingCommand,
    OpenWaitingRoom,
};
use crate::ids::{HoldId, UserId, WaitlistEntryId};
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
    /// The waiting room opens and orders its early arrivals.
    RoomOpens,
    /// The waiting room's rate allows the next admissions.
    Admissions,
    /// An admission from the waiting room lapses.
    AdmissionExpiry {
        /// Whose.
        buyer: UserId,
    },
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

    /// The command that acts on this deadline; `offer_for` lasts any offers it triggers,
    /// and `seed` (random, below 2^53) orders a waiting room's early arrivals.
    pub fn command(
        &self,
        now: DateTime<Utc>,
        offer_for: HoldDuration,
        seed: u64,
    ) -> ListingCommand {
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
            DeadlineKind::RoomOpens => OpenWaitingRoom { seed, now }.into(),
            DeadlineKind::Admissions => AdmitFromWaitingRoom { now }.into(),
            DeadlineKind::AdmissionExpiry { buyer } => ExpireAdmission { buyer, now }.into(),
        }
    }
}
