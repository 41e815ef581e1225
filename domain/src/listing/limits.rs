//! Per-buyer limits: what one account may claim of one listing, and how fast it may hold.
//!
//! A buyer's *claim* is every seat they hold, are offered, wait for on the waitlist or
//! have booked (and not cancelled). Holds and waitlist joins are refused when they would
//! take the claim above the listing's limit; offers only turn a waiting claim into an
//! offered one, and confirmations an offered or held one into a booked one, so no other
//! decision can raise it. Because these are decided on the folded listing stream, the
//! expected-version check orders them across processes: no race can exceed a limit.

use super::event::ListingEvent;
use super::waitlist::Waitlist;
use crate::ids::{HoldId, TicketTypeId, UserId};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// Holds one account may start per minute on a listing unless its organizer says otherwise.
pub const DEFAULT_HOLDS_PER_MINUTE: u32 = 5;
/// The largest hold rate an organizer may allow.
pub const MAX_HOLDS_PER_MINUTE: u32 = 10_000;

/// The window of the hold rate.
pub(crate) fn rate_window() -> TimeDelta {
    TimeDelta::minutes(1)
}

/// What an organizer allows one account on one listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuyerLimits {
    /// Most seats one account may hold, be offered, wait for and have booked at once;
    /// `None` means the listing's per-booking maximum.
    pub max_seats: Option<u32>,
    /// Most holds one account may start in any minute.
    pub holds_per_minute: u32,
}

impl Default for BuyerLimits {
    fn default() -> Self {
        Self {
            max_seats: None,
            holds_per_minute: DEFAULT_HOLDS_PER_MINUTE,
        }
    }
}

/// What one buyer has of one listing right now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// Seats held, offered, waited for or booked.
    pub seats: u32,
    /// The open (non-offer) hold of each ticket type.
    pub open_holds: BTreeMap<TicketTypeId, HoldId>,
    /// When this buyer's holds of the last minute started, oldest first.
    pub recent_holds: VecDeque<DateTime<Utc>>,
}

impl Claim {
    fn is_empty(&self) -> bool {
        self.seats == 0 && self.open_holds.is_empty() && self.recent_holds.is_empty()
    }

    /// Holds started in the minute before `now`, and when the oldest of them leaves it.
    pub fn holds_in_window(&self, now: DateTime<Utc>) -> (u32, Option<DateTime<Utc>>) {
        let since = now - rate_window();
        let mut inside = self.recent_holds.iter().filter(|at| **at > since);
        let oldest = inside.next().copied();
        let count = oldest.map_or(0, |_| 1 + inside.count() as u32);
        (count, oldest.map(|at| at + rate_window()))
    }
}

/// Every buyer's claim on a listing; buyers with nothing are not kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Buyers {
    claims: BTreeMap<UserId, Claim>,
    // Every buyer's recent hold starts in one queue, so old ones are forgotten in order
    // without scanning all buyers.
    recent: VecDeque<(DateTime<Utc>, UserId)>,
}

impl Buyers {
    /// One buyer's claim (empty when they have nothing).
    pub fn claim(&self, buyer: UserId) -> Option<&Claim> {
        self.claims.get(&buyer)
    }

    /// Buyers with a claim, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&UserId, &Claim)> {
        self.claims.iter()
    }

    /// Applies one event; `waitlist` is the state before the event (entries that leave
    /// it are still there, so their party size is known).
    pub(crate) fn apply(&mut self, event: &ListingEvent, waitlist: &Waitlist) {
        use ListingEvent as E;
        match event {
            E::SeatsHeld {
                hold_id,
                ticket_type_id,
                buyer,
                seats,
                at,
                ..
            } => {
                let claim = self.claims.entry(*buyer).or_default();
                claim.seats += seats.get();
                claim.open_holds.insert(*ticket_type_id, *hold_id);
                claim.recent_holds.push_back(*at);
                self.recent.push_back((*at, *buyer));
            }
            E::HoldReleased {
                hold_id,
                ticket_type_id,
                buyer,
                seats,
                ..
            }
            | E::HoldExpired {
                hold_id,
                ticket_type_id,
                buyer,
                seats,
                ..
            } => self.update(*buyer, |claim| {
                claim.seats = claim.seats.saturating_sub(seats.get());
                close_hold(claim, *ticket_type_id, *hold_id);
            }),
            E::HoldConfirmed {
                hold_id,
                ticket_type_id,
                buyer,
                ..
            } => self.update(*buyer, |claim| close_hold(claim, *ticket_type_id, *hold_id)),
            E::WaitlistJoined {
                buyer, party_size, ..
            } => self.claims.entry(*buyer).or_default().seats += party_size.get(),
            E::WaitlistLeft {
                entry_id, buyer, ..
            } => {
                let party = waitlist.get(*entry_id).map_or(0, |e| e.party_size.get());
                self.update(*buyer, |claim| {
                    claim.seats = claim.seats.saturating_sub(party)
                });
            }
            E::WaitlistOfferMade {
                entry_id,
                buyer,
                seats,
                ..
            } => {
                let party = waitlist.get(*entry_id).map_or(0, |e| e.party_size.get());
                self.update(*buyer, |claim| {
                    claim.seats = claim.seats.saturating_sub(party) + seats.get()
                });
            }
            E::WaitlistOfferDeclined { buyer, seats, .. }
            | E::WaitlistOfferExpired { buyer, seats, .. }
            | E::WaitlistOfferWithdrawn { buyer, seats, .. } => self.update(*buyer, |claim| {
                claim.seats = claim.seats.saturating_sub(seats.get())
            }),
            // Returns recorded before the buyer was named in them cannot be attributed;
            // those buyers keep the booked seats in their claim.
            E::SeatsReturned {
                buyer: Some(buyer),
                seats,
                ..
            } => self.update(*buyer, |claim| {
                claim.seats = claim.seats.saturating_sub(seats.get())
            }),
            // The waitlist is cleared with the cancellation.
            E::ListingCancelled { .. } => {
                for entry in waitlist.iter() {
                    let party = entry.party_size.get();
                    self.update(entry.buyer, |claim| {
                        claim.seats = claim.seats.saturating_sub(party)
                    });
                }
            }
            // Nothing here changes what a buyer has.
            E::ListingDrafted { .. }
            | E::TicketTypeAdded { .. }
            | E::ListingDetailsUpdated { .. }
            | E::TicketTypeCapacityChanged { .. }
            | E::TotalCapacityChanged { .. }
            | E::ListingPublished { .. }
            | E::SalesClosed { .. }
            | E::SeatsReturned { buyer: None, .. }
            | E::BuyerLimitsSet { .. }
            | E::WaitingRoomSet { .. }
            | E::WaitingRoomJoined { .. }
            | E::WaitingRoomOpened { .. }
            | E::AdmissionGranted { .. }
            | E::AdmissionExpired { .. } => {}
        }
        self.forget_before(event.at() - rate_window());
    }

    fn update(&mut self, buyer: UserId, change: impl FnOnce(&mut Claim)) {
        if let Some(claim) = self.claims.get_mut(&buyer) {
            change(claim);
            if claim.is_empty() {
                self.claims.remove(&buyer);
            }
        }
    }

    /// Drops hold starts at or before `cutoff`; they no longer count against any rate.
    fn forget_before(&mut self, cutoff: DateTime<Utc>) {
        while let Some(&(at, buyer)) = self.recent.front() {
            if at > cutoff {
                break;
            }
            self.recent.pop_front();
            self.update(buyer, |claim| {
                claim.recent_holds.pop_front();
            });
        }
    }
}

fn close_hold(claim: &mut Claim, ticket_type_id: TicketTypeId, hold_id: HoldId) {
    if claim.open_holds.get(&ticket_type_id) == Some(&hold_id) {
        claim.open_holds.remove(&ticket_type_id);
    }
}
