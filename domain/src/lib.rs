//! The pure booking domain of boxoffice: where overselling is prevented, waitlists are
//! fair and a ticket is admitted once.
//!
//! Nothing here does I/O, reads a clock or draws randomness. Time (`now`), new ids
//! (UUIDv7 minted by the caller), ticket codes (from the caller's CSPRNG) and the acting
//! user ([`Actor`]) all arrive in commands, so every decision is a pure function of the
//! folded state and the command, and replays exactly.
//!
//! # Aggregates and streams
//!
//! Each aggregate has `decide(&state, command) -> Result<Vec<Event>, Error>` and
//! `evolve(state, &event) -> state`; `evolve` never fails and holds no rules. The
//! [`Aggregate`] trait gives all three one shape for the command API's generic
//! load-fold-decide-append loop.
//!
//! * [`listing`] — stream `listing-<uuid>`. Details, ticket types with counters
//!   (capacity, held, offered, sold), active holds and offers, the FIFO waitlist and the
//!   status. Every hold on a listing must be decided against that listing's capacity, so
//!   the capacity lives in exactly one stream: one writer per hot listing decides holds
//!   one after another, and overselling is impossible by construction. Confirmed bookings
//!   are *counters* here, never a list, so a listing with 100,000 bookings decides a hold
//!   in O(log n) like a fresh one: active holds are a `BTreeMap` (bounded by capacity),
//!   the waitlist is indexed by join order and by party size, and offers are found in
//!   O(ticket types × [`SeatCount::MAX`] × log n) per offer made. Finished holds are
//!   remembered for a day of event time only
//!   ([`listing::RETIRED_HOLD_RETENTION_SECONDS`]), so a late expiry hears "confirmed as
//!   booking X" while the state (and its snapshot) stays O(capacity + recent activity +
//!   waitlist), not O(bookings ever made).
//! * [`booking`] — stream `booking-<uuid>`. Buyer, ticket type, seats, prices, payment
//!   reference, one ticket per seat, cancellation and refund. Check-in lives here, so the
//!   door (many staff scanning at once) never contends with sales on the listing stream.
//!   The API resolves a scanned code to its booking through its own index.
//! * [`account`] — stream `user-<uuid>`. Registration, e-mail verification, admin role
//!   changes, password hash changes and suspension.
//!
//! # Decisions across two streams
//!
//! Confirming a hold and cancelling a booking change a listing *and* a booking. Those are
//! pure functions in [`flows`] that take both states and return a [`flows::Decision`] with
//! events for both streams; the command API appends them in one atomic multi-stream
//! transaction with an expected version per stream:
//!
//! * [`flows::confirm_hold`]`(&ListingState, &BookingState, ConfirmHold)` →
//!   `HoldConfirmed` + `BookingConfirmed`, `TicketsIssued`.
//! * [`flows::cancel_booking`]`(&ListingState, &BookingState, CancelBooking)` →
//!   `BookingCancelled` (+ `RefundRecorded`) + `SeatsReturned` and any waitlist offers.
//! * [`flows::cancel_booking_for_cancelled_listing`]`(&ListingState, &BookingState, now)`
//!   → the booking events for one booking after `ListingCancelled`; the application runs
//!   it per booking (cancelling a listing itself releases every hold and offer at once).
//!
//! # Waitlist offers
//!
//! Every decision that frees seats (release, expiry, declined or expired offer, returned
//! booking, capacity increase) also emits `WaitlistOfferMade` for the oldest entries whose
//! party fits, so the log itself answers "why did they get it before me". An offer is a
//! hold with its own deadline; its hold id is derived from the entry id
//! ([`HoldId::for_offer`]) so no fresh id is needed in the command that happened to free
//! the seats. Offered seats count against capacity.
//!
//! # Deadlines
//!
//! [`listing::ListingState::pending_deadlines`] lists hold and offer expiries and the
//! scheduled close of sales; [`listing::Deadline::command`] builds the command to issue once
//! one is due. Expiry commands are rejected before their deadline and on holds that have
//! already finished, with what became of them.
//!
//! # Errors
//!
//! One error enum per aggregate ([`listing::ListingError`], [`booking::BookingError`],
//! [`account::AccountError`]), each variant a message a person can act on; [`DomainError`]
//! wraps them for the two-stream flows. Invalid raw input never reaches `decide`: values
//! ([`SeatCount`], [`Email`], [`Money`], [`TicketCode`], …) are parsed at the edge into
//! [`ValueError`] and cannot be built invalid.
//!
//! # Authorization
//!
//! Rules that depend on state are decided here: an organizer acts only on their own
//! listings (admins on any), buyers only on their own holds, waitlist entries and
//! bookings, staff check in only for their organizer's listings, and account
//! administration is admin-only. Whether the actor's account is active (not suspended) is
//! checked by the application when it authenticates.
//!
//! # Events and snapshots
//!
//! Events are serde-tagged (`{"type": "seats_held", ...}`) with every field always
//! written; `event_type()` returns the tag and `SCHEMA_VERSION` is 1 for every enum
//! ([`DomainEvent`]). States are `Serialize + Deserialize`: the application snapshots a
//! state as JSON with its stream version and folds only the tail after it.
//!
//! # Example
//!
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use domain::booking::{BookingState, NewTicket};
//! use domain::flows::{confirm_hold, ConfirmHold};
//! use domain::listing::*;
//! use domain::*;
//! use uuid::Uuid;
//!
//! let now = Utc.with_ymd_and_hms(2026, 6, 1, 10, 0, 0).unwrap();
//! let text = |s: &str| ShortText::parse(s).unwrap();
//! let organizer = Actor::new(UserId::from(Uuid::now_v7()), Role::Organizer);
//! let buyer = Actor::new(UserId::from(Uuid::now_v7()), Role::Customer);
//! let general = TicketTypeId::from(Uuid::now_v7());
//! let details = ListingDetails {
//!     title: text("Jazz night"),
//!     description: LongText::default(),
//!     venue: Venue {
//!         name: text("Blue Room"),
//!         address: text("1 Main St"),
//!         city: text("Lyon"),
//!         country: CountryCode::parse("FR")?,
//!     },
//!     category: text("concert"),
//!     starts_at: now + TimeDelta::days(7),
//!     ends_at: now + TimeDelta::days(7) + TimeDelta::hours(3),
//!     time_zone: TimeZoneName::parse("Europe/Paris")?,
//!     sales: SalesWindow { opens_at: now, closes_at: now + TimeDelta::days(7) },
//!     max_tickets_per_booking: SeatCount::new(4)?,
//! };
//! let ticket_type = NewTicketType {
//!     id: general,
//!     name: text("General"),
//!     price: Money::new(2500, Currency::parse("EUR")?)?,
//!     capacity: 100,
//! };
//! let create = CreateListing {
//!     actor: organizer,
//!     listing_id: ListingId::from(Uuid::now_v7()),
//!     details,
//!     ticket_types: vec![ticket_type],
//!     total_capacity: None,
//!     buyer_limits: None,
//!     now,
//! };
//!
//! // The command API folds the stream, decides, and appends with the expected version.
//! let mut listing = ListingState::default();
//! for command in [create.into(), PublishListing { actor: organizer, now }.into()] {
//!     for event in decide(&listing, command)? {
//!         listing = evolve(listing, &event);
//!     }
//! }
//!
//! let hold_id = HoldId::from(Uuid::now_v7());
//! let hold_for = HoldDuration::from_minutes(10)?;
//! let seats = SeatCount::new(2)?;
//! let hold = HoldSeats { actor: buyer, hold_id, ticket_type_id: general, seats, hold_for, admission: None, now };
//! for event in decide(&listing, hold.into())? {
//!     listing = evolve(listing, &event);
//! }
//! assert_eq!(listing.free_seats(general), 98);
//!
//! // Codes come from the caller's CSPRNG; two fixed ones stand in for them here.
//! let tickets = ["7K3M9QXW2ZP4HT8R", "Q2W8N5BXJ6TV3KZM"]
//!     .map(|code| Ok::<_, ValueError>(NewTicket {
//!         ticket_id: TicketId::from(Uuid::now_v7()),
//!         code: TicketCode::parse(code)?,
//!     }))
//!     .into_iter()
//!     .collect::<Result<Vec<_>, _>>()?;
//! let decision = confirm_hold(&listing, &BookingState::default(), ConfirmHold {
//!     actor: buyer,
//!     hold_id,
//!     booking_id: BookingId::from(Uuid::now_v7()),
//!     payment_reference: Some(PaymentReference::parse("pi_42")?),
//!     tickets,
//!     now: now + TimeDelta::minutes(3),
//! })?;
//! // Append both in one transaction: listing-<uuid> and booking-<uuid>.
//! assert_eq!(decision.listing.len(), 1);
//! assert_eq!(decision.booking.len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

pub mod account;
pub mod actor;
pub mod aggregate;
pub mod booking;
pub mod error;
pub mod event;
pub mod flows;
pub mod ids;
pub mod listing;
pub mod values;

pub use actor::{Actor, Role};
pub use aggregate::{AccountAggregate, Aggregate, BookingAggregate, ListingAggregate};
pub use error::DomainError;
pub use event::DomainEvent;
pub use ids::{BookingId, HoldId, ListingId, TicketId, TicketTypeId, UserId, WaitlistEntryId};
pub use values::{
    CountryCode, Currency, Email, HoldDuration, LongText, Money, PasswordHash, PaymentReference,
    SeatCount, ShortText, TicketCode, TimeZoneName, ValueError,
};
