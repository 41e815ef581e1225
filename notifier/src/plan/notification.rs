//! [`notification_for`]: the messages an event causes.

use domain::account::AccountEvent;
use domain::booking::{BookingEvent, CancellationReason};
use domain::listing::ListingEvent;
use domain::{ListingId, UserId};
use eventlog::StoredEvent;

use super::types::{Audience, Facts, Intent, Plan, Template};

fn hold_key(hold: impl std::fmt::Display) -> String {
    format!("hold:{hold}")
}

pub(super) fn listing_of(event: &StoredEvent) -> Option<ListingId> {
    event
        .stream_id
        .as_str()
        .strip_prefix("listing-")?
        .parse()
        .ok()
}

fn user_of(event: &StoredEvent) -> Option<UserId> {
    event.stream_id.as_str().strip_prefix("user-")?.parse().ok()
}

fn venue_line(details: &domain::listing::ListingDetails) -> String {
    format!(
        "{}, {}",
        details.venue.name.as_str(),
        details.venue.city.as_str()
    )
}

/// The messages `event` causes. Unknown or unreadable events cause none.
pub fn notification_for(event: &StoredEvent) -> Plan {
    match event.stream_id.category() {
        "listing" => serde_json::from_value(event.payload.clone())
            .map(|e| listing_plan(event, &e))
            .unwrap_or_default(),
        "booking" => serde_json::from_value(event.payload.clone())
            .map(|e| booking_plan(&e))
            .unwrap_or_default(),
        "user" => serde_json::from_value(event.payload.clone())
            .map(|e| account_plan(event, &e))
            .unwrap_or_default(),
        _ => Plan::default(),
    }
}

fn one(template: Template, audience: Audience, facts: Facts) -> Plan {
    Plan {
        intents: vec![Intent {
            template,
            audience,
            facts,
            remind_before: None,
            cancel_key: None,
        }],
        withdraw: Vec::new(),
    }
}

fn listing_plan(stored: &StoredEvent, event: &ListingEvent) -> Plan {
    let listing_id = listing_of(stored);
    let facts = Facts {
        listing_id,
        ..Facts::default()
    };
    match event {
        ListingEvent::SeatsHeld {
            hold_id,
            buyer,
            seats,
            expires_at,
            ..
        } => Plan {
            intents: vec![Intent {
                template: Template::HoldExpiring,
                audience: Audience::User(*buyer),
                facts: Facts {
                    seats: Some(seats.get()),
                    deadline: Some(*expires_at),
                    ..facts
                },
                remind_before: Some(*expires_at),
                cancel_key: Some(hold_key(hold_id)),
            }],
            withdraw: Vec::new(),
        },
        ListingEvent::HoldReleased { hold_id, .. }
        | ListingEvent::HoldExpired { hold_id, .. }
        | ListingEvent::HoldConfirmed { hold_id, .. } => Plan {
            intents: Vec::new(),
            withdraw: vec![hold_key(hold_id)],
        },
        ListingEvent::WaitlistOfferMade {
            buyer,
            seats,
            expires_at,
            ..
        } => one(
            Template::WaitlistOffer,
            Audience::User(*buyer),
            Facts {
                seats: Some(seats.get()),
                deadline: Some(*expires_at),
                ..facts
            },
        ),
        ListingEvent::WaitlistOfferExpired { buyer, seats, .. } => one(
            Template::OfferExpired,
            Audience::User(*buyer),
            Facts {
                seats: Some(seats.get()),
                ..facts
            },
        ),
        ListingEvent::ListingDetailsUpdated { details, .. } => match listing_id {
            Some(listing) => one(
                Template::ListingChanged,
                Audience::ListingHolders(listing),
                Facts {
                    title: Some(details.title.as_str().to_owned()),
                    starts_at: Some(details.starts_at),
                    venue: Some(venue_line(details)),
                    ..facts
                },
            ),
            None => Plan::default(),
        },
        ListingEvent::ListingCancelled { reason, .. } => match listing_id {
            Some(listing) => one(
                Template::ListingCancelled,
                Audience::ListingHolders(listing),
                Facts {
                    reason: Some(reason.as_str().to_owned()),
                    ..facts
                },
            ),
            None => Plan::default(),
        },
        _ => Plan::default(),
    }
}

fn booking_plan(event: &BookingEvent) -> Plan {
    match event {
        // The confirmation goes out with the tickets, which follow in the same stream.
        BookingEvent::TicketsIssued {
            booking_id,
            tickets,
            ..
        } => one(
            Template::BookingConfirmed,
            Audience::BookingBuyer(*booking_id),
            Facts {
                booking_id: Some(*booking_id),
                ticket_codes: tickets.iter().map(|t| t.code.as_str().to_owned()).collect(),
                seats: Some(tickets.len() as u32),
                ..Facts::default()
            },
        ),
        // A cancelled listing has its own message; one per booking on top would be noise.
        BookingEvent::BookingCancelled { reason, .. }
            if *reason == CancellationReason::ListingCancelled =>
        {
            Plan::default()
        }
        BookingEvent::BookingCancelled { booking_id, .. } => one(
            Template::BookingCancelled,
            Audience::BookingBuyer(*booking_id),
            Facts {
                booking_id: Some(*booking_id),
                ..Facts::default()
            },
        ),
        BookingEvent::RefundRecorded {
            booking_id, amount, ..
        } if !amount.is_zero() => one(
            Template::RefundIssued,
            Audience::BookingBuyer(*booking_id),
            Facts {
                booking_id: Some(*booking_id),
                amount: Some(amount.to_string()),
                ..Facts::default()
            },
        ),
        _ => Plan::default(),
    }
}

fn account_plan(stored: &StoredEvent, event: &AccountEvent) -> Plan {
    match event {
        AccountEvent::AccountRegistered { user_id, .. } if user_of(stored) == Some(*user_id) => {
            one(
                Template::VerifyAccount,
                Audience::User(*user_id),
                Facts::default(),
            )
        }
        _ => Plan::default(),
    }
}
