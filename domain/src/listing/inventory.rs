//! Seat counters per ticket type: the only thing a capacity decision needs.

use super::event::ListingEvent;
use crate::ids::TicketTypeId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Counters of one ticket type; `held + offered + sold <= capacity` always holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Stock {
    /// Seats of this type.
    pub capacity: u32,
    /// Seats in active holds (not offers).
    pub held: u32,
    /// Seats in active waitlist offers.
    pub offered: u32,
    /// Seats in confirmed, uncancelled bookings.
    pub sold: u32,
}

impl Stock {
    /// Seats held, offered or sold.
    pub fn committed(&self) -> u32 {
        self.held
            .saturating_add(self.offered)
            .saturating_add(self.sold)
    }

    /// Seats of this type not committed, ignoring the listing's total capacity.
    pub fn uncommitted(&self) -> u32 {
        self.capacity.saturating_sub(self.committed())
    }
}

/// All ticket types' counters plus the optional cap across types.
///
/// Small (one entry per ticket type) and cheap to clone: decide clones it to work out
/// which waitlist offers fit after seats are released, without cloning the whole state.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Inventory {
    stock: BTreeMap<TicketTypeId, Stock>,
    total_capacity: Option<u32>,
}

impl Inventory {
    /// Counters of one ticket type.
    pub fn stock(&self, ticket_type_id: TicketTypeId) -> Option<&Stock> {
        self.stock.get(&ticket_type_id)
    }

    /// Counters of every ticket type.
    pub fn iter(&self) -> impl Iterator<Item = (TicketTypeId, &Stock)> {
        self.stock.iter().map(|(id, stock)| (*id, stock))
    }

    /// The cap across all ticket types, if any.
    pub fn total_capacity(&self) -> Option<u32> {
        self.total_capacity
    }

    /// Seats held, offered or sold across all ticket types.
    pub fn committed_total(&self) -> u64 {
        self.stock.values().map(|s| u64::from(s.committed())).sum()
    }

    /// Seats of one type that can be held now: its own free seats, bounded by the total cap.
    pub fn free(&self, ticket_type_id: TicketTypeId) -> u32 {
        let Some(stock) = self.stock.get(&ticket_type_id) else {
            return 0;
        };
        let own = stock.uncommitted();
        match self.total_capacity {
            Some(total) => {
                let left = u64::from(total).saturating_sub(self.committed_total());
                own.min(u32::try_from(left).unwrap_or(u32::MAX))
            }
            None => own,
        }
    }

    /// Applies an event's effect on the counters (shared by evolve and decide's planning).
    pub(crate) fn apply(&mut self, event: &ListingEvent) {
        use ListingEvent as E;
        match event {
            E::ListingDrafted { total_capacity, .. } => self.total_capacity = *total_capacity,
            E::TicketTypeAdded {
                ticket_type_id,
                capacity,
                ..
            } => {
                self.stock.insert(
                    *ticket_type_id,
                    Stock {
                        capacity: *capacity,
                        ..Stock::default()
                    },
                );
            }
            E::TicketTypeCapacityChanged {
                ticket_type_id, to, ..
            } => self.update(*ticket_type_id, |s| s.capacity = *to),
            E::TotalCapacityChanged { to, .. } => self.total_capacity = *to,
            E::SeatsHeld {
                ticket_type_id,
                seats,
                ..
            } => self.update(*ticket_type_id, |s| s.held += seats.get()),
            E::WaitlistOfferMade {
                ticket_type_id,
                seats,
                ..
            } => self.update(*ticket_type_id, |s| s.offered += seats.get()),
            E::HoldReleased {
                ticket_type_id,
                seats,
                ..
            }
            | E::HoldExpired {
                ticket_type_id,
                seats,
                ..
            } => self.update(*ticket_type_id, |s| {
                s.held = s.held.saturating_sub(seats.get())
            }),
            E::WaitlistOfferDeclined {
                ticket_type_id,
                seats,
                ..
            }
            | E::WaitlistOfferExpired {
                ticket_type_id,
                seats,
                ..
            }
            | E::WaitlistOfferWithdrawn {
                ticket_type_id,
                seats,
                ..
            } => self.update(*ticket_type_id, |s| {
                s.offered = s.offered.saturating_sub(seats.get())
            }),
            E::HoldConfirmed {
                ticket_type_id,
                seats,
                offer_entry_id,
                ..
            } => self.update(*ticket_type_id, |s| {
                let n = seats.get();
                if offer_entry_id.is_some() {
                    s.offered = s.offered.saturating_sub(n);
                } else {
                    s.held = s.held.saturating_sub(n);
                }
                s.sold = s.sold.saturating_add(n);
            }),
            E::SeatsReturned {
                ticket_type_id,
                seats,
                ..
            } => self.update(*ticket_type_id, |s| {
                s.sold = s.sold.saturating_sub(seats.get())
            }),
            E::ListingDetailsUpdated { .. }
            | E::ListingPublished { .. }
            | E::SalesClosed { .. }
            | E::ListingCancelled { .. }
            | E::WaitlistJoined { .. }
            | E::WaitlistLeft { .. }
            | E::BuyerLimitsSet { .. }
            | E::WaitingRoomSet { .. }
            | E::WaitingRoomJoined { .. }
            | E::WaitingRoomOpened { .. }
            | E::AdmissionGranted { .. }
            | E::AdmissionExpired { .. } => {}
        }
    }

    fn update(&mut self, ticket_type_id: TicketTypeId, change: impl FnOnce(&mut Stock)) {
        // evolve never fails: an event for an unknown type (impossible via decide) is ignored.
        if let Some(stock) = self.stock.get_mut(&ticket_type_id) {
            change(stock);
        }
    }
}
