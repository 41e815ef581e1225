//! Listing events: the facts folded into availability, holds, offers and the waitlist.

use super::details::ListingDetails;
use super::limits::BuyerLimits;
use super::room::RoomSettings;
use crate::event::DomainEvent;
use crate::ids::{BookingId, HoldId, ListingId, TicketTypeId, UserId, WaitlistEntryId};
use crate::values::{Money, SeatCount, ShortText};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Why a (non-offer) hold was released before its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldReleaseReason {
    /// The buyer let the seats go.
    ReleasedByBuyer,
    /// The listing was cancelled.
    ListingCancelled,
}

/// Something that happened to a listing. Serialized forms are forever: add, never change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ListingEvent {
    /// An organizer drafted the listing; ticket types follow as `TicketTypeAdded`.
    ListingDrafted {
        /// The new listing.
        listing_id: ListingId,
        /// Its organizer (owner).
        organizer_id: UserId,
        /// Its details.
        details: Box<ListingDetails>,
        /// Cap on seats across all ticket types, if any.
        total_capacity: Option<u32>,
        /// When.
        at: DateTime<Utc>,
    },
    /// A ticket type was added.
    TicketTypeAdded {
        /// The new type.
        ticket_type_id: TicketTypeId,
        /// Its name.
        name: ShortText,
        /// Price of one seat.
        price: Money,
        /// Seats of this type.
        capacity: u32,
        /// Who added it.
        by: UserId,
        /// When.
        at: DateTime<Utc>,
    },
    /// The details were replaced.
    ListingDetailsUpdated {
        /// The new details.
        details: Box<ListingDetails>,
        /// Who changed them.
        by: UserId,
        /// When.
        at: DateTime<Utc>,
    },
    /// A ticket type's capacity changed.
    TicketTypeCapacityChanged {
        /// Which type.
        ticket_type_id: TicketTypeId,
        /// Capacity before.
        from: u32,
        /// Capacity after.
        to: u32,
        /// Who changed it.
        by: UserId,
        /// When.
        at: DateTime<Utc>,
    },
    /// The cap across all ticket types changed (`None` = no cap).
    TotalCapacityChanged {
        /// Cap before.
        from: Option<u32>,
        /// Cap after.
        to: Option<u32>,
        /// Who changed it.
        by: UserId,
        /// When.
        at: DateTime<Utc>,
    },
    /// The listing became visible and bookable within its sales window.
    ListingPublished {
        /// Who published it.
        by: UserId,
        /// When.
        at: DateTime<Utc>,
    },
    /// Sales closed: no new holds or waitlist joins; existing holds may still be confirmed.
    SalesClosed {
        /// Who closed them; `None` when closed on schedule at the end of the sales window.
        by: Option<UserId>,
        /// When.
        at: DateTime<Utc>,
    },
    /// The listing was cancelled; every booking is to be cancelled and refunded.
    ListingCancelled {
        /// Why, as shown to buyers.
        reason: ShortText,
        /// Who cancelled it.
        by: UserId,
        /// When.
        at: DateTime<Utc>,
    },
    /// A buyer held seats until a deadline.
    SeatsHeld {
        /// The new hold.
        hold_id: HoldId,
        /// Which ticket type.
        ticket_type_id: TicketTypeId,
        /// Who holds them.
        buyer: UserId,
        /// How many.
        seats: SeatCount,
        /// When the hold lapses.
        expires_at: DateTime<Utc>,
        /// When.
        at: DateTime<Utc>,
    },
    /// A hold was let go before its deadline.
    HoldReleased {
        /// Which hold.
        hold_id: HoldId,
        /// Which ticket type.
        ticket_type_id: TicketTypeId,
        /// Whose hold it was.
        buyer: UserId,
        /// How many seats return to the pool.
        seats: SeatCount,
        /// Why.
        reason: HoldReleaseReason,
        /// Who released it.
        by: UserId,
        /// When.
        at: DateTime<Utc>,
    },
    /// A hold reached its deadline unconfirmed.
    HoldExpired {
        /// Which hold.
        hold_id: HoldId,
        /// Which ticket type.
        ticket_type_id: TicketTypeId,
        /// Whose hold it was.
        buyer: UserId,
        /// How many seats return to the pool.
        seats: SeatCount,
        /// When the expiry was recorded.
        at: DateTime<Utc>,
    },
    /// A hold (or accepted offer) became a booking; its seats are now sold.
    HoldConfirmed {
        /// Which hold.
        hold_id: HoldId,
        /// The booking it became.
        booking_id: BookingId,
        /// Which ticket type.
        ticket_type_id: TicketTypeId,
        /// Who bought.
        buyer: UserId,
        /// How many seats are now sold.
        seats: SeatCount,
        /// The waitlist entry, when the hold was an offer.
        offer_entry_id: Option<WaitlistEntryId>,
        /// Price of one seat at confirmation.
        unit_price: Money,
        /// When.
        at: DateTime<Utc>,
    },
    /// A cancelled booking gave its seats back.
    SeatsReturned {
        /// The cancelled booking.
        booking_id: BookingId,
        /// Which ticket type.
        ticket_type_id: TicketTypeId,
        /// How many seats return to the pool.
        seats: SeatCount,
        /// Whose booking it was. Added after the first release: absent in older payloads,
        /// and then left out when written, so those keep their bytes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        buyer: Option<UserId>,
        /// When.
        at: DateTime<Utc>,
    },
    /// A buyer joined a sold-out ticket type's waitlist.
    WaitlistJoined {
        /// The new entry.
        entry_id: WaitlistEntryId,
        /// Which ticket type.
        ticket_type_id: TicketTypeId,
        /// Who is waiting.
        buyer: UserId,
        /// How many seats they want together.
        party_size: SeatCount,
        /// When.
        at: DateTime<Utc>,
    },
    /// A buyer left the waitlist.
    WaitlistLeft {
        /// Which entry.
        entry_id: WaitlistEntryId,
        /// Which ticket type.
        ticket_type_id: TicketTypeId,
        /// Who left.
        buyer: UserId,
        /// When.
        at: DateTime<Utc>,
    },
    /// Released seats were offered to the oldest waiting entry whose party fits.
    WaitlistOfferMade {
        /// The offer's hold id (see [`HoldId::for_offer`]).
        hold_id: HoldId,
        /// The entry served (it leaves the waitlist).
        entry_id: WaitlistEntryId,
        /// Which ticket type.
        ticket_type_id: TicketTypeId,
        /// Who gets the offer.
        buyer: UserId,
        /// How many seats are offered.
        seats: SeatCount,
        /// When the offer lapses unless accepted.
        expires_at: DateTime<Utc>,
        /// When.
        at: DateTime<Utc>,
    },
    /// The buyer declined an offer; its seats pass on.
    WaitlistOfferDeclined {
        /// The offer's hold id.
        hold_id: HoldId,
        /// The entry it was made to.
        entry_id: WaitlistEntryId,
        /// Which ticket type.
        ticket_type_id: TicketTypeId,
        /// Who declined.
        buyer: UserId,
        /// How many seats return to the pool.
        seats: SeatCount,
        /// When.
        at: DateTime<Utc>,
    },
    /// An offer reached its deadline unaccepted; its seats pass on.
    WaitlistOfferExpired {
        /// The offer's hold id.
        hold_id: HoldId,
        /// The entry it was made to.
        entry_id: WaitlistEntryId,
        /// Which ticket type.
        ticket_type_id: TicketTypeId,
        /// Who had the offer.
        buyer: UserId,
        /// How many seats return to the pool.
        seats: SeatCount,
        /// When the expiry was recorded.
        at: DateTime<Utc>,
    },
    /// An offer was withdrawn because the listing was cancelled.
    WaitlistOfferWithdrawn {
        /// The offer's hold id.
        hold_id: HoldId,
        /// The entry it was made to.
        entry_id: WaitlistEntryId,
        /// Which ticket type.
        ticket_type_id: TicketTypeId,
        /// Who had the offer.
        buyer: UserId,
        /// How many seats it held.
        seats: SeatCount,
        /// Who cancelled the listing.
        by: UserId,
        /// When.
        at: DateTime<Utc>,
    },
    /// The organizer set what one account may claim of the listing and how fast it may
    /// hold (the per-buyer limits).
    BuyerLimitsSet {
        /// The new limits.
        limits: BuyerLimits,
        /// Who set them.
        by: UserId,
        /// When.
        at: DateTime<Utc>,
    },
    /// The organizer turned the waiting room on (or changed it), or off (`None`).
    WaitingRoomSet {
        /// How it runs; `None`: no room, anyone may hold.
        settings: Option<RoomSettings>,
        /// Who set it.
        by: UserId,
        /// When.
        at: DateTime<Utc>,
    },
    /// A buyer joined the waiting room.
    WaitingRoomJoined {
        /// Who.
        buyer: UserId,
        /// When.
        at: DateTime<Utc>,
    },
    /// The room opened: everyone who joined before is ordered by their rank under `seed`
    /// (see [`super::room::rank`]), ahead of everyone who joins later.
    WaitingRoomOpened {
        /// The random seed of the order (below 2^53, so JSON readers keep it exact).
        seed: u64,
        /// When.
        at: DateTime<Utc>,
    },
    /// The buyer at the front of the line was let in: they may hold seats until
    /// `expires_at`.
    AdmissionGranted {
        /// Who.
        buyer: UserId,
        /// When the admission lapses.
        expires_at: DateTime<Utc>,
        /// When.
        at: DateTime<Utc>,
    },
    /// An admission lapsed.
    AdmissionExpired {
        /// Whose.
        buyer: UserId,
        /// Whether they held seats with it (unused ones give their place in the rate back).
        used: bool,
        /// When the expiry was recorded.
        at: DateTime<Utc>,
    },
}

impl ListingEvent {
    /// Version of these payloads in the event envelope.
    pub const SCHEMA_VERSION: u32 = 1;

    /// Every `type` tag this enum can produce, in declaration order.
    pub const TYPES: [&'static str; 25] = [
        "listing_drafted",
        "ticket_type_added",
        "listing_details_updated",
        "ticket_type_capacity_changed",
        "total_capacity_changed",
        "listing_published",
        "sales_closed",
        "listing_cancelled",
        "seats_held",
        "hold_released",
        "hold_expired",
        "hold_confirmed",
        "seats_returned",
        "waitlist_joined",
        "waitlist_left",
        "waitlist_offer_made",
        "waitlist_offer_declined",
        "waitlist_offer_expired",
        "waitlist_offer_withdrawn",
        "buyer_limits_set",
        "waiting_room_set",
        "waiting_room_joined",
        "waiting_room_opened",
        "admission_granted",
        "admission_expired",
    ];

    /// When it happened (the `now` of the command that decided it).
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::ListingDrafted { at, .. }
            | Self::TicketTypeAdded { at, .. }
            | Self::ListingDetailsUpdated { at, .. }
            | Self::TicketTypeCapacityChanged { at, .. }
            | Self::TotalCapacityChanged { at, .. }
            | Self::ListingPublished { at, .. }
            | Self::SalesClosed { at, .. }
            | Self::ListingCancelled { at, .. }
            | Self::SeatsHeld { at, .. }
            | Self::HoldReleased { at, .. }
            | Self::HoldExpired { at, .. }
            | Self::HoldConfirmed { at, .. }
            | Self::SeatsReturned { at, .. }
            | Self::WaitlistJoined { at, .. }
            | Self::WaitlistLeft { at, .. }
            | Self::WaitlistOfferMade { at, .. }
            | Self::WaitlistOfferDeclined { at, .. }
            | Self::WaitlistOfferExpired { at, .. }
            | Self::WaitlistOfferWithdrawn { at, .. }
            | Self::BuyerLimitsSet { at, .. }
            | Self::WaitingRoomSet { at, .. }
            | Self::WaitingRoomJoined { at, .. }
            | Self::WaitingRoomOpened { at, .. }
            | Self::AdmissionGranted { at, .. }
            | Self::AdmissionExpired { at, .. } => *at,
        }
    }

    /// The stable `type` tag of this event.
    pub fn event_type(&self) -> &'static str {
        let index = match self {
            Self::ListingDrafted { .. } => 0,
            Self::TicketTypeAdded { .. } => 1,
            Self::ListingDetailsUpdated { .. } => 2,
            Self::TicketTypeCapacityChanged { .. } => 3,
            Self::TotalCapacityChanged { .. } => 4,
            Self::ListingPublished { .. } => 5,
            Self::SalesClosed { .. } => 6,
            Self::ListingCancelled { .. } => 7,
            Self::SeatsHeld { .. } => 8,
            Self::HoldReleased { .. } => 9,
            Self::HoldExpired { .. } => 10,
            Self::HoldConfirmed { .. } => 11,
            Self::SeatsReturned { .. } => 12,
            Self::WaitlistJoined { .. } => 13,
            Self::WaitlistLeft { .. } => 14,
            Self::WaitlistOfferMade { .. } => 15,
            Self::WaitlistOfferDeclined { .. } => 16,
            Self::WaitlistOfferExpired { .. } => 17,
            Self::WaitlistOfferWithdrawn { .. } => 18,
            Self::BuyerLimitsSet { .. } => 19,
            Self::WaitingRoomSet { .. } => 20,
            Self::WaitingRoomJoined { .. } => 21,
            Self::WaitingRoomOpened { .. } => 22,
            Self::AdmissionGranted { .. } => 23,
            Self::AdmissionExpired { .. } => 24,
        };
        Self::TYPES[index]
    }
}

impl DomainEvent for ListingEvent {
    const SCHEMA_VERSION: u32 = ListingEvent::SCHEMA_VERSION;
    const STREAM_PREFIX: &'static str = ListingId::STREAM_PREFIX;

    fn event_type(&self) -> &'static str {
        ListingEvent::event_type(self)
    }
}
