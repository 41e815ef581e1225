//! The listing aggregate (stream `listing-<uuid>`): details, capacity, holds, offers, waitlist.

mod admission;
mod command;
mod deadline;
mod decide;
mod decide_holds;
mod decide_room;
mod decide_setup;
mod decide_waitlist;
mod details;
mod error;
mod event;
mod guards;
mod hold;
mod inventory;
mod limits;
mod offers;
mod query;
mod retired;
mod room;
mod state;
mod waitlist;

pub use admission::AdmissionProof;
pub use command::{
    AddTicketType, AdmitFromWaitingRoom, CancelListing, ChangeTicketTypeCapacity,
    ChangeTotalCapacity, CloseSales, CloseSalesOnSchedule, CreateListing, DeclineOffer,
    ExpireAdmission, ExpireHold, HoldSeats, JoinWaitingRoom, JoinWaitlist, LeaveWaitlist,
    ListingCommand, OpenWaitingRoom, PublishListing, ReleaseHold, SetBuyerLimits, SetWaitingRoom,
    UpdateListingDetails,
};
pub use deadline::{Deadline, DeadlineKind};
pub use decide::decide;
pub(crate) use decide_holds::{confirm_hold, return_seats};
pub use details::{
    ListingDetails, NewTicketType, SalesWindow, TicketType, Venue, MAX_TICKET_TYPES,
    MAX_TYPE_CAPACITY,
};
pub use error::ListingError;
pub use event::{HoldReleaseReason, ListingEvent};
pub use hold::{Hold, HoldOutcome};
pub use inventory::{Inventory, Stock};
pub use limits::{BuyerLimits, Buyers, Claim, DEFAULT_HOLDS_PER_MINUTE, MAX_HOLDS_PER_MINUTE};
pub use query::Availability;
pub use retired::{RetiredHold, RetiredHolds, RETIRED_HOLD_RETENTION_SECONDS};
pub use room::{
    rank, RoomSettings, Visit, WaitingRoom, MAX_ADMISSION_MINUTES, MAX_ADMITTED_PER_MINUTE,
};
pub use state::{evolve, Listing, ListingCancellation, ListingState, ListingStatus};
pub use waitlist::{Waitlist, WaitlistEntry};
