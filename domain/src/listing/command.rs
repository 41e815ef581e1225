//! Listing commands: what an organizer, a buyer or the scheduler asks a listing to do.

use super::admission::AdmissionProof;
use super::details::{ListingDetails, NewTicketType};
use super::limits::BuyerLimits;
use super::room::RoomSettings;
use crate::actor::Actor;
use crate::ids::{HoldId, ListingId, TicketTypeId, WaitlistEntryId};
use crate::values::{HoldDuration, SeatCount, ShortText};
use chrono::{DateTime, Utc};

/// Draft a new listing with at least one ticket type (organizers only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateListing {
    /// Who acts; becomes the organizer.
    pub actor: Actor,
    /// The new listing's id.
    pub listing_id: ListingId,
    /// Its details.
    pub details: ListingDetails,
    /// Its ticket types (one or more).
    pub ticket_types: Vec<NewTicketType>,
    /// Optional cap on seats across all types.
    pub total_capacity: Option<u32>,
    /// Per-buyer limits other than the defaults, if any.
    pub buyer_limits: Option<BuyerLimits>,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Replace the listing's details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateListingDetails {
    /// Who acts.
    pub actor: Actor,
    /// The new details.
    pub details: ListingDetails,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Add a ticket type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddTicketType {
    /// Who acts.
    pub actor: Actor,
    /// The new type.
    pub ticket_type: NewTicketType,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Change a ticket type's capacity (never below its held, offered and sold seats).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeTicketTypeCapacity {
    /// Who acts.
    pub actor: Actor,
    /// Which type.
    pub ticket_type_id: TicketTypeId,
    /// The new capacity.
    pub capacity: u32,
    /// How long waitlist offers made from new seats last.
    pub offer_for: HoldDuration,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Change or remove the cap across all ticket types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeTotalCapacity {
    /// Who acts.
    pub actor: Actor,
    /// The new cap; `None` removes it.
    pub total_capacity: Option<u32>,
    /// How long waitlist offers made from new seats last.
    pub offer_for: HoldDuration,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Set the per-buyer limits (seats per account, holds per minute).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetBuyerLimits {
    /// Who acts.
    pub actor: Actor,
    /// The new limits.
    pub limits: BuyerLimits,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Turn the waiting room on, change it, or turn it off (`None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetWaitingRoom {
    /// Who acts.
    pub actor: Actor,
    /// How it runs; `None` turns it off.
    pub settings: Option<RoomSettings>,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Join the waiting room (the buyer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinWaitingRoom {
    /// The buyer.
    pub actor: Actor,
    /// A fresh random seed below 2^53: it orders the early arrivals if this join is the
    /// first command at or after the opening (which then opens the room first).
    pub seed: u64,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Open the room at its opening time (issued by the scheduler).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenWaitingRoom {
    /// A fresh random seed below 2^53 that orders the early arrivals.
    pub seed: u64,
    /// The current time; at or after the opening.
    pub now: DateTime<Utc>,
}

/// Let in as many buyers from the front of the line as the rate allows (the scheduler).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmitFromWaitingRoom {
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Record that an admission lapsed (the scheduler).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpireAdmission {
    /// Whose admission.
    pub buyer: crate::ids::UserId,
    /// The current time; at or after the admission's end.
    pub now: DateTime<Utc>,
}

/// Publish a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishListing {
    /// Who acts.
    pub actor: Actor,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Close sales early, by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseSales {
    /// Who acts.
    pub actor: Actor,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Close sales because the sales window has ended (issued by the scheduler).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseSalesOnSchedule {
    /// The current time; must be at or after the window's close.
    pub now: DateTime<Utc>,
}

/// Cancel the listing, releasing every hold and offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelListing {
    /// Who acts.
    pub actor: Actor,
    /// Why, as shown to buyers.
    pub reason: ShortText,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Hold seats of one ticket type for the acting buyer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldSeats {
    /// The buyer.
    pub actor: Actor,
    /// The new hold's id.
    pub hold_id: HoldId,
    /// Which ticket type.
    pub ticket_type_id: TicketTypeId,
    /// How many seats.
    pub seats: SeatCount,
    /// How long the hold lasts (policy value).
    pub hold_for: HoldDuration,
    /// The buyer's verified admission token, required while the waiting room is on.
    pub admission: Option<AdmissionProof>,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Let a hold go before its deadline (the buyer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseHold {
    /// The buyer.
    pub actor: Actor,
    /// Which hold.
    pub hold_id: HoldId,
    /// How long waitlist offers made from the seats last.
    pub offer_for: HoldDuration,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Expire a hold or offer whose deadline has passed (issued by the scheduler).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpireHold {
    /// Which hold or offer.
    pub hold_id: HoldId,
    /// How long waitlist offers made from the seats last.
    pub offer_for: HoldDuration,
    /// The current time; must be at or after the deadline.
    pub now: DateTime<Utc>,
}

/// Join a sold-out ticket type's waitlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinWaitlist {
    /// The buyer.
    pub actor: Actor,
    /// The new entry's id.
    pub entry_id: WaitlistEntryId,
    /// Which ticket type.
    pub ticket_type_id: TicketTypeId,
    /// Seats wanted together.
    pub party_size: SeatCount,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Leave the waitlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaveWaitlist {
    /// The buyer.
    pub actor: Actor,
    /// Which entry.
    pub entry_id: WaitlistEntryId,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Decline a waitlist offer, passing its seats on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclineOffer {
    /// The buyer.
    pub actor: Actor,
    /// The offer's hold id.
    pub hold_id: HoldId,
    /// How long the next offers last.
    pub offer_for: HoldDuration,
    /// The current time.
    pub now: DateTime<Utc>,
}

/// Every command a listing decides alone. Confirming holds and cancelling bookings touch a
/// booking too and go through [`crate::flows`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListingCommand {
    /// See [`CreateListing`].
    CreateListing(Box<CreateListing>),
    /// See [`UpdateListingDetails`].
    UpdateDetails(Box<UpdateListingDetails>),
    /// See [`AddTicketType`].
    AddTicketType(AddTicketType),
    /// See [`ChangeTicketTypeCapacity`].
    ChangeTicketTypeCapacity(ChangeTicketTypeCapacity),
    /// See [`ChangeTotalCapacity`].
    ChangeTotalCapacity(ChangeTotalCapacity),
    /// See [`SetBuyerLimits`].
    SetBuyerLimits(SetBuyerLimits),
    /// See [`SetWaitingRoom`].
    SetWaitingRoom(SetWaitingRoom),
    /// See [`JoinWaitingRoom`].
    JoinWaitingRoom(JoinWaitingRoom),
    /// See [`OpenWaitingRoom`].
    OpenWaitingRoom(OpenWaitingRoom),
    /// See [`AdmitFromWaitingRoom`].
    AdmitFromWaitingRoom(AdmitFromWaitingRoom),
    /// See [`ExpireAdmission`].
    ExpireAdmission(ExpireAdmission),
    /// See [`PublishListing`].
    Publish(PublishListing),
    /// See [`CloseSales`].
    CloseSales(CloseSales),
    /// See [`CloseSalesOnSchedule`].
    CloseSalesOnSchedule(CloseSalesOnSchedule),
    /// See [`CancelListing`].
    Cancel(CancelListing),
    /// See [`HoldSeats`].
    HoldSeats(HoldSeats),
    /// See [`ReleaseHold`].
    ReleaseHold(ReleaseHold),
    /// See [`ExpireHold`].
    ExpireHold(ExpireHold),
    /// See [`JoinWaitlist`].
    JoinWaitlist(JoinWaitlist),
    /// See [`LeaveWaitlist`].
    LeaveWaitlist(LeaveWaitlist),
    /// See [`DeclineOffer`].
    DeclineOffer(DeclineOffer),
}

macro_rules! into_command {
    ($($command:ident => $variant:ident),* $(,)?) => {
        $(impl From<$command> for ListingCommand {
            fn from(command: $command) -> Self {
                ListingCommand::$variant(command)
            }
        })*
    };
}

into_command!(
    AddTicketType => AddTicketType,
    ChangeTicketTypeCapacity => ChangeTicketTypeCapacity,
    ChangeTotalCapacity => ChangeTotalCapacity,
    SetBuyerLimits => SetBuyerLimits,
    SetWaitingRoom => SetWaitingRoom,
    JoinWaitingRoom => JoinWaitingRoom,
    OpenWaitingRoom => OpenWaitingRoom,
    AdmitFromWaitingRoom => AdmitFromWaitingRoom,
    ExpireAdmission => ExpireAdmission,
    PublishListing => Publish,
    CloseSales => CloseSales,
    CloseSalesOnSchedule => CloseSalesOnSchedule,
    CancelListing => Cancel,
    HoldSeats => HoldSeats,
    ReleaseHold => ReleaseHold,
    ExpireHold => ExpireHold,
    JoinWaitlist => JoinWaitlist,
    LeaveWaitlist => LeaveWaitlist,
    DeclineOffer => DeclineOffer,
);

impl From<CreateListing> for ListingCommand {
    fn from(command: CreateListing) -> Self {
        ListingCommand::CreateListing(Box::new(command))
    }
}

impl From<UpdateListingDetails> for ListingCommand {
    fn from(command: UpdateListingDetails) -> Self {
        ListingCommand::UpdateDetails(Box::new(command))
    }
}
