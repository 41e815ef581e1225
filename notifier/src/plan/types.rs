//! What the pure planning returns: templates, audiences, facts, intents, plans and
//! directory changes.

use chrono::{DateTime, Utc};
use domain::{BookingId, ListingId, UserId};
use serde::{Deserialize, Serialize};

/// The kinds of message the notifier sends; the name is part of the dedupe key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Template {
    /// Please verify your e-mail address.
    VerifyAccount,
    /// Your booking is confirmed, with ticket codes.
    BookingConfirmed,
    /// Your booking was cancelled.
    BookingCancelled,
    /// A refund is on its way.
    RefundIssued,
    /// Your hold is about to expire.
    HoldExpiring,
    /// Seats from the waitlist are offered to you until a deadline.
    WaitlistOffer,
    /// Your waitlist offer expired.
    OfferExpired,
    /// Details of a listing you hold tickets for changed.
    ListingChanged,
    /// A listing you hold tickets for was cancelled.
    ListingCancelled,
}

impl Template {
    /// The stable name stored with each delivery.
    pub fn name(self) -> &'static str {
        match self {
            Self::VerifyAccount => "verify_account",
            Self::BookingConfirmed => "booking_confirmed",
            Self::BookingCancelled => "booking_cancelled",
            Self::RefundIssued => "refund_issued",
            Self::HoldExpiring => "hold_expiring",
            Self::WaitlistOffer => "waitlist_offer",
            Self::OfferExpired => "offer_expired",
            Self::ListingChanged => "listing_changed",
            Self::ListingCancelled => "listing_cancelled",
        }
    }

    /// The template with this stored name.
    pub fn from_name(name: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
    }
}

/// Who a message goes to, as far as the event alone can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// One user.
    User(UserId),
    /// The buyer of a booking (learnt from its `booking_confirmed`).
    BookingBuyer(BookingId),
    /// Everyone holding a confirmed booking for the listing at the time of the event.
    ListingHolders(ListingId),
}

/// What a message says beyond the recipient's name; filled from the event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// The listing concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing_id: Option<ListingId>,
    /// The booking concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking_id: Option<BookingId>,
    /// The listing's title when the event carries it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Admission codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ticket_codes: Vec<String>,
    /// Seats concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<u32>,
    /// An amount, formatted (`50.00 EUR`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    /// A deadline (hold or offer expiry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
    /// When the listing starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<DateTime<Utc>>,
    /// Where, as one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    /// A reason given by a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One message an event causes, before recipients are resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Intent {
    /// Which message.
    pub template: Template,
    /// To whom.
    pub audience: Audience,
    /// What it says.
    pub facts: Facts,
    /// For reminders: the deadline it reminds of; sent a configured lead before it.
    pub remind_before: Option<DateTime<Utc>>,
    /// Key under which a later event withdraws this message while it is still unsent.
    pub cancel_key: Option<String>,
}

/// Everything an event means for the notifier.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// Messages to send.
    pub intents: Vec<Intent>,
    /// Unsent messages to withdraw, by cancel key.
    pub withdraw: Vec<String>,
}

/// A change to the notifier's directory.
#[derive(Debug, Clone, PartialEq)]
pub enum DirectoryChange {
    /// A user and where to reach them.
    User {
        /// Who.
        user_id: UserId,
        /// Their address.
        email: String,
        /// Their name.
        display_name: String,
    },
    /// A listing's title and schedule.
    Listing {
        /// Which.
        listing_id: ListingId,
        /// Its title.
        title: String,
    },
    /// A confirmed booking.
    Booking {
        /// Which.
        booking_id: BookingId,
        /// For which listing.
        listing_id: ListingId,
        /// Who bought.
        buyer: UserId,
    },
    /// A booking no longer holds tickets.
    BookingCancelled {
        /// Which.
        booking_id: BookingId,
    },
}
