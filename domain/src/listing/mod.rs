//! The listing aggregate (stream `listing-<uuid>`): details, capacity, holds, offers, waitlist.

mod command;
mod deadline;
mod decide;
mod decide_holds;
mod decide_setup;
mod decide_waitlist;
mod details;
mod error;
mod event;
mod guards;
mod hold;
mod inventory;
mod offers;
mod query;
mod retired;
mod state;
mod waitlist;

pub use command::{
    AddTicketType, CancelListing, ChangeTicketTypeCapacity, ChangeTotalCapacity, CloseSales,
    CloseSalesOnSchedule, CreateListing, DeclineOffer, ExpireHold, HoldSeats, JoinWaitlist,
    LeaveWaitlist, ListingCommand, PublishListing, ReleaseHold, UpdateListingDetails,
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
pub use query::Availability;
pub use retired::{RetiredHold, RetiredHolds, RETIRED_HOLD_RETENTION_SECONDS};
pub use state::{evolve, Listing, ListingCancellation, ListingState, ListingStatus};
pub use waitlist::{Waitlist, WaitlistEntry};
