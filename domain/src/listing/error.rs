//! Why a listing refused a command, in words a person can act on.

use super::hold::HoldOutcome;
use super::room::Visit;
use crate::ids::{HoldId, ListingId, TicketTypeId, WaitlistEntryId};
use crate::values::{Currency, ShortText};
use chrono::{DateTime, Utc};

/// A listing's rejection of a command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListingError {
    /// The stream has no `ListingDrafted` yet.
    #[error("this listing does not exist")]
    ListingNotFound,
    /// `CreateListing` on an existing stream.
    #[error("listing {listing_id} already exists")]
    ListingAlreadyExists {
        /// The existing listing.
        listing_id: ListingId,
    },
    /// Only organizers create listings.
    #[error("only organizers can create listings")]
    OnlyOrganizersCreateListings,
    /// The actor neither owns the listing nor is an admin.
    #[error("listing {listing_id} belongs to another organizer")]
    NotYourListing {
        /// The listing.
        listing_id: ListingId,
    },
    /// A listing needs a ticket type to be drafted or published.
    #[error("a listing needs at least one ticket type")]
    NoTicketTypes,
    /// Too many ticket types.
    #[error("a listing can have at most {max} ticket types")]
    TooManyTicketTypes {
        /// The limit.
        max: usize,
    },
    /// Two ticket types with the same name.
    #[error("there is already a ticket type called {name}")]
    DuplicateTicketTypeName {
        /// The clashing name.
        name: ShortText,
    },
    /// A ticket type id that is already used.
    #[error("ticket type id {ticket_type_id} is already used")]
    DuplicateTicketTypeId {
        /// The clashing id.
        ticket_type_id: TicketTypeId,
    },
    /// No such ticket type on this listing.
    #[error("this listing has no ticket type {ticket_type_id}")]
    UnknownTicketType {
        /// The unknown id.
        ticket_type_id: TicketTypeId,
    },
    /// Ticket types of one listing share one currency.
    #[error("prices on this listing are in {expected}; {name} is priced in {got}")]
    CurrencyMismatch {
        /// The listing's currency.
        expected: Currency,
        /// The offending currency.
        got: Currency,
        /// The offending ticket type.
        name: ShortText,
    },
    /// Capacity out of range.
    #[error("capacity of {name} must be between {min} and {max} (got {requested})")]
    CapacityOutOfRange {
        /// Which ticket type (or "total capacity").
        name: String,
        /// Requested capacity.
        requested: u32,
        /// Smallest allowed.
        min: u32,
        /// Largest allowed.
        max: u32,
    },
    /// Capacity below what is already held, offered or sold.
    #[error("{name} already has {committed} seats held, offered or sold; capacity cannot go below {committed} (asked for {requested})")]
    CapacityBelowCommitted {
        /// Which ticket type (or "total capacity").
        name: String,
        /// Requested capacity.
        requested: u32,
        /// Seats held, offered or sold.
        committed: u64,
    },
    /// The requested capacity is the current one.
    #[error("capacity is already {capacity}")]
    CapacityUnchanged {
        /// The current capacity (`None` = no total cap).
        capacity: String,
    },
    /// `ends_at` not after `starts_at`.
    #[error("the listing must end after it starts (starts {starts_at}, ends {ends_at})")]
    EndsBeforeStart {
        /// Start.
        starts_at: DateTime<Utc>,
        /// End.
        ends_at: DateTime<Utc>,
    },
    /// Sales window closes before it opens.
    #[error("sales must close after they open (opens {opens_at}, closes {closes_at})")]
    SalesWindowInverted {
        /// Opening.
        opens_at: DateTime<Utc>,
        /// Closing.
        closes_at: DateTime<Utc>,
    },
    /// Sales would continue after the listing ends.
    #[error("sales must close by the end of the listing ({ends_at}), not {closes_at}")]
    SalesCloseAfterEnd {
        /// Closing.
        closes_at: DateTime<Utc>,
        /// End of listing.
        ends_at: DateTime<Utc>,
    },
    /// A start time in the past.
    #[error("the listing would start in the past ({starts_at}; it is now {now})")]
    StartsInThePast {
        /// Requested start.
        starts_at: DateTime<Utc>,
        /// The current time.
        now: DateTime<Utc>,
    },
    /// Publishing when the sales window is already over.
    #[error("the sales window already closed at {closes_at}; move it before publishing")]
    SalesWindowOver {
        /// Closing.
        closes_at: DateTime<Utc>,
    },
    /// An update that changes nothing.
    #[error("nothing to update: the details are the same")]
    NothingToUpdate,
    /// Publishing twice.
    #[error("the listing is already published")]
    AlreadyPublished,
    /// Needs a published listing.
    #[error("the listing is still a draft; publish it first")]
    NotPublished,
    /// The listing was cancelled.
    #[error("the listing was cancelled at {at}")]
    ListingIsCancelled {
        /// When.
        at: DateTime<Utc>,
    },
    /// Cancelling a listing that has ended.
    #[error("the listing already ended at {ends_at}; it can no longer be cancelled")]
    ListingAlreadyEnded {
        /// End of listing.
        ends_at: DateTime<Utc>,
    },
    /// Sales are closed.
    #[error("sales closed at {at}")]
    SalesClosed {
        /// When sales closed.
        at: DateTime<Utc>,
    },
    /// Sales have not opened yet.
    #[error("sales open at {opens_at}")]
    SalesNotOpenYet {
        /// Opening.
        opens_at: DateTime<Utc>,
    },
    /// The scheduled close is not due yet.
    #[error("sales close at {closes_at}, not yet (it is {now})")]
    SalesCloseNotDue {
        /// Closing.
        closes_at: DateTime<Utc>,
        /// The current time.
        now: DateTime<Utc>,
    },
    /// More seats than one booking may have.
    #[error("at most {max} seats per booking on this listing (asked for {requested})")]
    TooManySeatsPerBooking {
        /// Requested seats.
        requested: u32,
        /// The listing's limit.
        max: u32,
    },
    /// No free seats at all.
    #[error("{ticket_type} is sold out; join the waitlist to be offered returned seats")]
    SoldOut {
        /// Name of the ticket type.
        ticket_type: ShortText,
    },
    /// Fewer free seats than requested.
    #[error("only {free} seats left in {ticket_type} (asked for {requested})")]
    NotEnoughSeats {
        /// Name of the ticket type.
        ticket_type: ShortText,
        /// Requested seats.
        requested: u32,
        /// Free seats.
        free: u32,
    },
    /// A hold id that was used before.
    #[error("hold id {hold_id} is already used")]
    HoldIdAlreadyUsed {
        /// The id.
        hold_id: HoldId,
    },
    /// No hold with this id ever existed here.
    #[error(
        "there is no hold {hold_id} on this listing (finished holds are remembered for a day)"
    )]
    UnknownHold {
        /// The id.
        hold_id: HoldId,
    },
    /// The hold finished earlier.
    #[error("hold {hold_id} is no longer active: {outcome}")]
    HoldNotActive {
        /// The id.
        hold_id: HoldId,
        /// What became of it.
        outcome: HoldOutcome,
    },
    /// Confirming after the hold's deadline.
    #[error("hold {hold_id} expired at {expires_at}")]
    HoldExpired {
        /// The id.
        hold_id: HoldId,
        /// Its deadline.
        expires_at: DateTime<Utc>,
    },
    /// Expiring before the deadline.
    #[error("hold {hold_id} does not expire until {expires_at} (it is {now})")]
    HoldNotYetExpired {
        /// The id.
        hold_id: HoldId,
        /// Its deadline.
        expires_at: DateTime<Utc>,
        /// The current time.
        now: DateTime<Utc>,
    },
    /// Acting on someone else's hold.
    #[error("hold {hold_id} belongs to another buyer")]
    NotYourHold {
        /// The id.
        hold_id: HoldId,
    },
    /// Releasing an offer (decline it instead).
    #[error("hold {hold_id} is a waitlist offer; decline it instead of releasing it")]
    HoldIsAnOffer {
        /// The id.
        hold_id: HoldId,
    },
    /// Declining a plain hold (release it instead).
    #[error("hold {hold_id} is not a waitlist offer; release it instead")]
    NotAnOffer {
        /// The id.
        hold_id: HoldId,
    },
    /// Joining the waitlist while seats are free.
    #[error("{free} seats are free in {ticket_type}; hold them instead of joining the waitlist")]
    SeatsAvailable {
        /// Name of the ticket type.
        ticket_type: ShortText,
        /// Free seats.
        free: u32,
    },
    /// Already waiting for this type.
    #[error("you are already on the waitlist for this ticket type (entry {entry_id})")]
    AlreadyOnWaitlist {
        /// The existing entry.
        entry_id: WaitlistEntryId,
    },
    /// An entry id that is already used.
    #[error("waitlist entry id {entry_id} is already used")]
    WaitlistEntryIdAlreadyUsed {
        /// The id.
        entry_id: WaitlistEntryId,
    },
    /// A party that could never fit.
    #[error(
        "{ticket_type} has only {capacity} seats in all; a party of {party_size} can never fit"
    )]
    PartyLargerThanCapacity {
        /// Name of the ticket type.
        ticket_type: ShortText,
        /// Seats of the type.
        capacity: u32,
        /// Requested party.
        party_size: u32,
    },
    /// No waiting entry with this id.
    #[error("there is no waiting entry {entry_id} on this listing")]
    UnknownWaitlistEntry {
        /// The id.
        entry_id: WaitlistEntryId,
    },
    /// The entry already received an offer.
    #[error("waitlist entry {entry_id} already received an offer (hold {hold_id}); accept or decline it")]
    EntryAlreadyOffered {
        /// The entry.
        entry_id: WaitlistEntryId,
        /// The offer's hold id.
        hold_id: HoldId,
    },
    /// Leaving someone else's entry.
    #[error("waitlist entry {entry_id} belongs to another buyer")]
    NotYourWaitlistEntry {
        /// The id.
        entry_id: WaitlistEntryId,
    },
    /// A per-buyer limit out of range.
    #[error("{name} must be between {min} and {max} (got {requested})")]
    BuyerLimitOutOfRange {
        /// Which limit (`max_seats` or `holds_per_minute`).
        name: &'static str,
        /// The requested value.
        requested: u32,
        /// Smallest allowed.
        min: u32,
        /// Largest allowed.
        max: u32,
    },
    /// The buyer already has an open hold of this ticket type.
    #[error("you already hold seats of this ticket type (hold {hold_id}); confirm or release that hold first")]
    OpenHoldExists {
        /// The open hold.
        hold_id: HoldId,
    },
    /// The hold or waitlist party would take the buyer past the listing's per-buyer limit.
    #[error("at most {max} seats per buyer on this listing; you already hold, wait for or have booked {claimed} (asked for {requested})")]
    BuyerSeatLimit {
        /// The limit.
        max: u32,
        /// Seats the buyer holds, is offered, waits for or has booked.
        claimed: u32,
        /// Seats asked for.
        requested: u32,
    },
    /// The buyer started too many holds within a minute.
    #[error("at most {per_minute} holds per minute per buyer on this listing; try again in {retry_after} s")]
    HoldRateExceeded {
        /// The limit.
        per_minute: u32,
        /// Seconds until the oldest counted hold leaves the minute.
        retry_after: u64,
    },
    /// A waiting-room setting out of range.
    #[error("{name} must be between {min} and {max} (got {requested})")]
    RoomSettingOutOfRange {
        /// Which setting (`admitted_per_minute` or `admission_minutes`).
        name: &'static str,
        /// The requested value.
        requested: u32,
        /// Smallest allowed.
        min: u32,
        /// Largest allowed.
        max: u32,
    },
    /// The listing has no waiting room.
    #[error("this listing has no waiting room")]
    NoWaitingRoom,
    /// The buyer joined the room before.
    #[error("you are already in this listing's waiting room ({visit:?})")]
    AlreadyInWaitingRoom {
        /// Where they are.
        visit: Visit,
    },
    /// The room opened already (its opening time can no longer change).
    #[error("the waiting room opened at {at}")]
    WaitingRoomAlreadyOpen {
        /// When it opened.
        at: DateTime<Utc>,
    },
    /// Opening or admitting before the room's opening time.
    #[error("the waiting room opens at {opens_at}")]
    WaitingRoomNotOpenYet {
        /// When it opens.
        opens_at: DateTime<Utc>,
    },
    /// A seed of 2^53 or more.
    #[error("the seed {seed} must be below 2^53")]
    SeedOutOfRange {
        /// The seed.
        seed: u64,
    },
    /// The rate allows nobody more yet, or nobody is waiting.
    #[error("nobody can be let in now ({waiting} waiting)")]
    NothingToAdmit {
        /// How many are waiting.
        waiting: usize,
    },
    /// Expiring an admission early.
    #[error("the admission lasts until {expires_at}")]
    AdmissionNotYetExpired {
        /// When it lapses.
        expires_at: DateTime<Utc>,
    },
    /// Expiring an admission that is not live.
    #[error("this buyer has no live admission")]
    NoAdmission,
    /// Holding without having joined the room.
    #[error("this sale lets buyers in from its waiting room: join it first")]
    AdmissionRequired,
    /// Holding while still in line.
    #[error("you are still in the waiting room{}; you can hold seats once you are let in", place.map(|p| format!(" ({p} ahead of you)")).unwrap_or_default())]
    StillWaiting {
        /// How many are ahead (after the opening).
        place: Option<usize>,
    },
    /// Holding after the admission lapsed.
    #[error("your admission from the waiting room has lapsed")]
    AdmissionLapsed,
    /// Holding while the room is on without the admission's token.
    #[error("an admission token is required while this sale's waiting room is on: send the one your place in the room shows once you are let in")]
    AdmissionTokenRequired,
    /// An admission token of another listing.
    #[error("this admission token is for another listing")]
    AdmissionForAnotherListing,
    /// An admission token of another account.
    #[error("this admission token belongs to another account")]
    AdmissionOfAnotherAccount,
    /// An admission token past its admission's expiry.
    #[error("this admission token expired at {expires_at}")]
    AdmissionTokenExpired {
        /// When its admission lapsed.
        expires_at: DateTime<Utc>,
    },
    /// An admission token of an earlier admission than the buyer's current one.
    #[error("this admission token is from an earlier admission; send the one your place in the waiting room shows now")]
    AdmissionSuperseded,
    /// A deadline beyond what a date can represent.
    #[error("the deadline would be out of the representable time range")]
    TimeOutOfRange,
}
