//! Given an event, then the plan: the pure rules of which messages go to whom.

use super::*;
use chrono::TimeZone;
use chrono::Utc;
use domain::booking::IssuedTicket;
use domain::booking::{BookingEvent, CancellationReason};
use domain::listing::ListingEvent;
use domain::{BookingId, ListingId, UserId};
use domain::{HoldId, SeatCount, TicketCode, TicketId, TicketTypeId};
use eventlog::StoredEvent;
use eventlog::{Metadata, StreamId};
use uuid::Uuid;

fn stored(stream: String, payload: serde_json::Value) -> StoredEvent {
    StoredEvent {
        position: 1,
        stream_id: StreamId::new(stream).expect("stream"),
        stream_version: 1,
        event_id: Uuid::now_v7(),
        event_type: payload["type"].as_str().unwrap_or_default().to_owned(),
        schema_version: 1,
        payload,
        metadata: Metadata::default(),
        recorded_at: Utc.with_ymd_and_hms(2026, 6, 1, 10, 0, 0).unwrap(),
    }
}

#[test]
fn issued_tickets_mail_the_buyer_every_code() {
    let booking = BookingId::from(Uuid::now_v7());
    let codes = ["7K3M9QXW2ZP4HT8R", "Q2W8N5BXJ6TV3KZM"];
    let event = BookingEvent::TicketsIssued {
        booking_id: booking,
        tickets: codes
            .iter()
            .map(|c| IssuedTicket {
                ticket_id: TicketId::from(Uuid::now_v7()),
                code: TicketCode::parse(c).expect("code"),
            })
            .collect(),
        at: Utc::now(),
    };
    let plan = notification_for(&stored(
        booking.stream_id(),
        serde_json::to_value(&event).unwrap(),
    ));
    assert_eq!(plan.intents.len(), 1);
    assert_eq!(plan.intents[0].template, Template::BookingConfirmed);
    assert_eq!(plan.intents[0].audience, Audience::BookingBuyer(booking));
    assert_eq!(plan.intents[0].facts.ticket_codes, codes);
}

#[test]
fn a_hold_schedules_a_reminder_that_its_confirmation_withdraws() {
    let listing = ListingId::from(Uuid::now_v7());
    let hold_id = HoldId::from(Uuid::now_v7());
    let buyer = UserId::from(Uuid::now_v7());
    let expires_at = Utc::now();
    let held = ListingEvent::SeatsHeld {
        hold_id,
        ticket_type_id: TicketTypeId::from(Uuid::now_v7()),
        buyer,
        seats: SeatCount::new(2).expect("seats"),
        expires_at,
        at: expires_at,
    };
    let plan = notification_for(&stored(
        listing.stream_id(),
        serde_json::to_value(&held).unwrap(),
    ));
    assert_eq!(plan.intents[0].template, Template::HoldExpiring);
    assert_eq!(plan.intents[0].remind_before, Some(expires_at));
    let key = plan.intents[0].cancel_key.clone().expect("cancel key");
    let released = ListingEvent::HoldExpired {
        hold_id,
        ticket_type_id: TicketTypeId::from(Uuid::now_v7()),
        buyer,
        seats: SeatCount::new(2).expect("seats"),
        at: expires_at,
    };
    let plan = notification_for(&stored(
        listing.stream_id(),
        serde_json::to_value(&released).unwrap(),
    ));
    assert!(plan.intents.is_empty());
    assert_eq!(plan.withdraw, vec![key]);
}

#[test]
fn a_booking_cancelled_with_its_listing_gets_no_separate_cancellation_mail() {
    let booking = BookingId::from(Uuid::now_v7());
    let event = BookingEvent::BookingCancelled {
        booking_id: booking,
        reason: CancellationReason::ListingCancelled,
        by: UserId::from(Uuid::now_v7()),
        at: Utc::now(),
    };
    let plan = notification_for(&stored(
        booking.stream_id(),
        serde_json::to_value(&event).unwrap(),
    ));
    assert!(plan.intents.is_empty());
}

#[test]
fn template_names_round_trip() {
    for t in [
        Template::VerifyAccount,
        Template::ListingCancelled,
        Template::HoldExpiring,
    ] {
        assert_eq!(Template::from_name(t.name()), Some(t));
    }
}
