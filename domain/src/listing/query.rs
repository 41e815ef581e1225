//! Read-only questions the API and read side ask of a listing state.

use super::deadline::{Deadline, DeadlineKind};
use super::state::{ListingState, ListingStatus};
use crate::ids::{TicketTypeId, WaitlistEntryId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Seat counts of one ticket type as a buyer would see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    /// Which ticket type.
    pub ticket_type_id: TicketTypeId,
    /// Seats of this type.
    pub capacity: u32,
    /// Seats in active holds.
    pub held: u32,
    /// Seats in active waitlist offers.
    pub offered: u32,
    /// Seats sold.
    pub sold: u32,
    /// Seats that can be held now (bounded by the listing's total capacity).
    pub free: u32,
    /// Entries waiting for this type.
    pub waitlist_length: usize,
}

impl ListingState {
    /// Availability of one ticket type.
    pub fn available(&self, ticket_type_id: TicketTypeId) -> Option<Availability> {
        let listing = self.listing()?;
        let stock = listing.inventory().stock(ticket_type_id)?;
        Some(Availability {
            ticket_type_id,
            capacity: stock.capacity,
            held: stock.held,
            offered: stock.offered,
            sold: stock.sold,
            free: listing.inventory().free(ticket_type_id),
            waitlist_length: listing.waitlist().len_for(ticket_type_id),
        })
    }

    /// Availability of every ticket type.
    pub fn availability(&self) -> Vec<Availability> {
        let Some(listing) = self.listing() else {
            return Vec::new();
        };
        listing
            .ticket_types()
            .filter_map(|t| self.available(t.id))
            .collect()
    }

    /// Seats of a type that can be held now (0 for an unknown type).
    pub fn free_seats(&self, ticket_type_id: TicketTypeId) -> u32 {
        self.listing()
            .map_or(0, |l| l.inventory().free(ticket_type_id))
    }

    /// 1-based waitlist position of an entry within its ticket type.
    pub fn waitlist_position(&self, entry_id: WaitlistEntryId) -> Option<usize> {
        self.listing()?.waitlist().position(entry_id)
    }

    /// Every deadline still to act on, earliest first (O(active holds)).
    pub fn pending_deadlines(&self) -> Vec<Deadline> {
        let Some(listing) = self.listing() else {
            return Vec::new();
        };
        let mut deadlines: Vec<Deadline> = listing
            .holds()
            .map(|hold| Deadline {
                due_at: hold.expires_at,
                kind: match hold.offer_entry_id {
                    Some(entry_id) => DeadlineKind::OfferExpiry {
                        hold_id: hold.id,
                        entry_id,
                    },
                    None => DeadlineKind::HoldExpiry { hold_id: hold.id },
                },
            })
            .collect();
        if listing.status() == ListingStatus::Published {
            deadlines.push(Deadline {
                due_at: listing.details().sales.closes_at,
                kind: DeadlineKind::SalesClose,
            });
        }
        let room = listing.waiting_room();
        if let (Some(settings), ListingStatus::Published) = (room.settings(), listing.status()) {
            match room.opened_at() {
                None => deadlines.push(Deadline {
                    due_at: settings.opens_at,
                    kind: DeadlineKind::RoomOpens,
                }),
                Some(_) => deadlines.extend(room.next_admission_at().map(|due_at| Deadline {
                    due_at,
                    kind: DeadlineKind::Admissions,
                })),
            }
        }
        deadlines.extend(room.admissions().map(|(due_at, buyer)| Deadline {
            due_at: *due_at,
            kind: DeadlineKind::AdmissionExpiry { buyer: *buyer },
        }));
        deadlines.sort_by_key(|d| d.due_at);
        deadlines
    }

    /// The earliest pending deadline, if any.
    pub fn next_deadline(&self) -> Option<Deadline> {
        self.pending_deadlines().into_iter().next()
    }

    /// Deadlines that have fallen due at `now`, earliest first.
    pub fn due_deadlines(&self, now: DateTime<Utc>) -> Vec<Deadline> {
        let mut due = self.pending_deadlines();
        due.retain(|d| d.is_due(now));
        due
    }
}
