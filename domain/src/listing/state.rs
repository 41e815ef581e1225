//! The folded listing state and `evolve`, which applies events without judging them.

use super::details::{ListingDetails, TicketType};
use super::event::{HoldReleaseReason, ListingEvent};
use super::hold::{Hold, HoldOutcome};
use super::inventory::Inventory;
use super::limits::{BuyerLimits, Buyers};
use super::retired::RetiredHolds;
use super::room::WaitingRoom;
use super::waitlist::Waitlist;
use crate::ids::{HoldId, ListingId, TicketTypeId, UserId};
use crate::values::ShortText;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a listing is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListingStatus {
    /// Being prepared; invisible to buyers.
    Draft,
    /// Bookable within its sales window.
    Published,
    /// No new holds; existing holds and offers may still be confirmed.
    SalesClosed,
    /// Cancelled; bookings are being refunded.
    Cancelled,
}

/// Who cancelled a listing, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingCancellation {
    /// Reason shown to buyers.
    pub reason: ShortText,
    /// Who cancelled it.
    pub by: UserId,
    /// When.
    pub at: DateTime<Utc>,
}

/// A drafted listing with its capacity counters, holds and waitlist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub(crate) id: ListingId,
    pub(crate) organizer_id: UserId,
    pub(crate) details: ListingDetails,
    pub(crate) status: ListingStatus,
    pub(crate) drafted_at: DateTime<Utc>,
    pub(crate) published_at: Option<DateTime<Utc>>,
    pub(crate) sales_closed_at: Option<DateTime<Utc>>,
    pub(crate) cancellation: Option<ListingCancellation>,
    pub(crate) ticket_types: BTreeMap<TicketTypeId, TicketType>,
    pub(crate) inventory: Inventory,
    pub(crate) holds: BTreeMap<HoldId, Hold>,
    // Finished holds, so a late expiry or confirmation is told exactly what happened;
    // pruned after a day so the state does not grow with every booking ever made.
    pub(crate) retired_holds: RetiredHolds,
    pub(crate) waitlist: Waitlist,
    pub(crate) limits: BuyerLimits,
    pub(crate) buyers: Buyers,
    pub(crate) room: WaitingRoom,
}

impl Listing {
    /// The listing's id.
    pub fn id(&self) -> ListingId {
        self.id
    }

    /// The organizer who owns it.
    pub fn organizer_id(&self) -> UserId {
        self.organizer_id
    }

    /// Title, venue, times, sales window and booking limit.
    pub fn details(&self) -> &ListingDetails {
        &self.details
    }

    /// Where it is in its life.
    pub fn status(&self) -> ListingStatus {
        self.status
    }

    /// When it was drafted.
    pub fn drafted_at(&self) -> DateTime<Utc> {
        self.drafted_at
    }

    /// When it was published, if it was.
    pub fn published_at(&self) -> Option<DateTime<Utc>> {
        self.published_at
    }

    /// When sales were closed, if they were.
    pub fn sales_closed_at(&self) -> Option<DateTime<Utc>> {
        self.sales_closed_at
    }

    /// Who cancelled it and why, if it was cancelled.
    pub fn cancellation(&self) -> Option<&ListingCancellation> {
        self.cancellation.as_ref()
    }

    /// Ticket types in id order (UUIDv7 ids make that creation order).
    pub fn ticket_types(&self) -> impl Iterator<Item = &TicketType> {
        self.ticket_types.values()
    }

    /// One ticket type.
    pub fn ticket_type(&self, id: TicketTypeId) -> Option<&TicketType> {
        self.ticket_types.get(&id)
    }

    /// Seat counters per ticket type.
    pub fn inventory(&self) -> &Inventory {
        &self.inventory
    }

    /// Active holds and offers.
    pub fn holds(&self) -> impl Iterator<Item = &Hold> {
        self.holds.values()
    }

    /// One active hold or offer.
    pub fn hold(&self, id: HoldId) -> Option<&Hold> {
        self.holds.get(&id)
    }

    /// What became of a hold that finished within the retention (a day).
    pub fn hold_outcome(&self, id: HoldId) -> Option<HoldOutcome> {
        self.retired_holds.get(id)
    }

    /// Holds finished within the retention, oldest first.
    pub fn retired_holds(&self) -> &RetiredHolds {
        &self.retired_holds
    }

    /// The waitlist across ticket types.
    pub fn waitlist(&self) -> &Waitlist {
        &self.waitlist
    }

    /// What one account may claim and how fast it may hold.
    pub fn buyer_limits(&self) -> BuyerLimits {
        self.limits
    }

    /// Most seats one account may claim: the set limit, else the per-booking maximum.
    pub fn max_seats_per_buyer(&self) -> u32 {
        self.limits
            .max_seats
            .unwrap_or(self.details.max_tickets_per_booking.get())
    }

    /// The waiting room (off unless its settings are set).
    pub fn waiting_room(&self) -> &WaitingRoom {
        &self.room
    }

    /// What each buyer holds, is offered, waits for and has booked.
    pub fn buyers(&self) -> &Buyers {
        &self.buyers
    }

    fn retire(&mut self, hold_id: HoldId, outcome: HoldOutcome) {
        self.holds.remove(&hold_id);
        self.retired_holds.insert(hold_id, outcome);
    }
}

/// The folded state of one listing stream; empty until `ListingDrafted`.
///
/// Serializable so the application can snapshot it and fold only the tail after it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListingState {
    listing: Option<Listing>,
}

impl ListingState {
    /// The listing, once drafted.
    pub fn listing(&self) -> Option<&Listing> {
        self.listing.as_ref()
    }

    /// Folds events onto the empty state.
    pub fn fold<'a>(events: impl IntoIterator<Item = &'a ListingEvent>) -> Self {
        events.into_iter().fold(Self::default(), evolve)
    }

    /// Applies one event in place.
    pub fn apply(&mut self, event: &ListingEvent) {
        if let ListingEvent::ListingDrafted {
            listing_id,
            organizer_id,
            details,
            at,
            ..
        } = event
        {
            self.listing = Some(Listing {
                id: *listing_id,
                organizer_id: *organizer_id,
                details: (**details).clone(),
                status: ListingStatus::Draft,
                drafted_at: *at,
                published_at: None,
                sales_closed_at: None,
                cancellation: None,
                ticket_types: BTreeMap::new(),
                inventory: Inventory::default(),
                holds: BTreeMap::new(),
                retired_holds: RetiredHolds::default(),
                waitlist: Waitlist::default(),
                limits: BuyerLimits::default(),
                buyers: Buyers::default(),
                room: WaitingRoom::default(),
            });
        }
        if let Some(listing) = self.listing.as_mut() {
            listing.inventory.apply(event);
            listing.buyers.apply(event, &listing.waitlist);
            listing.room.apply(event);
            apply_to_listing(listing, event);
            listing.retired_holds.prune(event.at());
        }
    }
}

/// Applies one event to a state; never fails and checks no rules.
pub fn evolve(mut state: ListingState, event: &ListingEvent) -> ListingState {
    state.apply(event);
    state
}

fn apply_to_listing(listing: &mut Listing, event: &ListingEvent) {
    use ListingEvent as E;
    match event {
        E::ListingDrafted { .. } => {}
        E::TicketTypeAdded {
            ticket_type_id,
            name,
            price,
            ..
        } => {
            let ticket_type = TicketType {
                id: *ticket_type_id,
                name: name.clone(),
                price: *price,
            };
            listing.ticket_types.insert(*ticket_type_id, ticket_type);
        }
        E::ListingDetailsUpdated { details, .. } => listing.details = (**details).clone(),
        E::TicketTypeCapacityChanged { .. } | E::TotalCapacityChanged { .. } => {}
        E::ListingPublished { at, .. } => {
            listing.status = ListingStatus::Published;
            listing.published_at = Some(*at);
        }
        E::SalesClosed { at, .. } => {
            listing.status = ListingStatus::SalesClosed;
            listing.sales_closed_at = Some(*at);
        }
        E::ListingCancelled { reason, by, at } => {
            listing.status = ListingStatus::Cancelled;
            listing.cancellation = Some(ListingCancellation {
                reason: reason.clone(),
                by: *by,
                at: *at,
            });
            listing.waitlist.clear();
        }
        E::SeatsHeld {
            hold_id,
            ticket_type_id,
            buyer,
            seats,
            expires_at,
            at,
        } => {
            let hold = Hold {
                id: *hold_id,
                ticket_type_id: *ticket_type_id,
                buyer: *buyer,
                seats: *seats,
                created_at: *at,
                expires_at: *expires_at,
                offer_entry_id: None,
            };
            listing.holds.insert(*hold_id, hold);
        }
        E::HoldReleased {
            hold_id,
            reason,
            at,
            ..
        } => {
            let outcome = match reason {
                HoldReleaseReason::ReleasedByBuyer => HoldOutcome::Released { at: *at },
                HoldReleaseReason::ListingCancelled => HoldOutcome::Withdrawn { at: *at },
            };
            listing.retire(*hold_id, outcome);
        }
        E::HoldExpired { hold_id, at, .. } | E::WaitlistOfferExpired { hold_id, at, .. } => {
            listing.retire(*hold_id, HoldOutcome::Expired { at: *at })
        }
        E::HoldConfirmed {
            hold_id,
            booking_id,
            at,
            ..
        } => listing.retire(
            *hold_id,
            HoldOutcome::Confirmed {
                booking_id: *booking_id,
                at: *at,
            },
        ),
        E::SeatsReturned { .. } => {}
        E::WaitlistJoined {
            entry_id,
            ticket_type_id,
            buyer,
            party_size,
            at,
        } => listing
            .waitlist
            .push(*entry_id, *ticket_type_id, *buyer, *party_size, *at),
        E::WaitlistLeft { entry_id, .. } => {
            listing.waitlist.remove(*entry_id);
        }
        E::WaitlistOfferMade {
            hold_id,
            entry_id,
            ticket_type_id,
            buyer,
            seats,
            expires_at,
            at,
        } => {
            listing.waitlist.remove(*entry_id);
            let hold = Hold {
                id: *hold_id,
                ticket_type_id: *ticket_type_id,
                buyer: *buyer,
                seats: *seats,
                created_at: *at,
                expires_at: *expires_at,
                offer_entry_id: Some(*entry_id),
            };
            listing.holds.insert(*hold_id, hold);
        }
        E::WaitlistOfferDeclined { hold_id, at, .. } => {
            listing.retire(*hold_id, HoldOutcome::Declined { at: *at })
        }
        E::WaitlistOfferWithdrawn { hold_id, at, .. } => {
            listing.retire(*hold_id, HoldOutcome::Withdrawn { at: *at })
        }
        E::BuyerLimitsSet { limits, .. } => listing.limits = *limits,
        // The waiting room folds itself (see `WaitingRoom::apply`).
        E::WaitingRoomSet { .. }
        | E::WaitingRoomJoined { .. }
        | E::WaitingRoomOpened { .. }
        | E::AdmissionGranted { .. }
        | E::AdmissionExpired { .. } => {}
    }
}
