//! Events are forever: tags, shapes and a frozen corpus of schema-version-1 payloads.
//!
//! Set `BLESS_EVENT_CORPUS=1` to (re)write the corpus, only when adding new event types.

use crate::common::*;
use domain::account::{AccountEvent, AccountState};
use domain::booking::{BookingEvent, BookingState, CancellationReason, IssuedTicket};
use domain::listing::{HoldReleaseReason, ListingEvent, ListingState};
use domain::{DomainEvent, Email, PasswordHash, Role};
use serde::de::DeserializeOwned;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn listing_samples() -> Vec<ListingEvent> {
    let by = organizer().user_id;
    let mut events = published_with(Some(12));
    events.extend([
        ListingEvent::ListingDetailsUpdated {
            details: Box::new(details()),
            by,
            at: t(0),
        },
        ListingEvent::TicketTypeCapacityChanged {
            ticket_type_id: balcony(),
            from: 4,
            to: 6,
            by,
            at: t(1),
        },
        ListingEvent::TotalCapacityChanged {
            from: Some(12),
            to: None,
            by,
            at: t(1),
        },
        held(1, buyer(1), balcony(), 2, 2),
        ListingEvent::HoldReleased {
            hold_id: hold_id(1),
            ticket_type_id: balcony(),
            buyer: buyer(1).user_id,
            seats: seats(2),
            reason: HoldReleaseReason::ReleasedByBuyer,
            by: buyer(1).user_id,
            at: t(3),
        },
        ListingEvent::HoldExpired {
            hold_id: hold_id(2),
            ticket_type_id: stalls(),
            buyer: buyer(2).user_id,
            seats: seats(1),
            at: t(4),
        },
        ListingEvent::HoldConfirmed {
            hold_id: hold_id(3),
            booking_id: booking_id(1),
            ticket_type_id: balcony(),
            buyer: buyer(3).user_id,
            seats: seats(2),
            offer_entry_id: None,
            unit_price: eur(2500),
            at: t(5),
        },
        // As written before returns named their buyer.
        ListingEvent::SeatsReturned {
            booking_id: booking_id(1),
            ticket_type_id: balcony(),
            seats: seats(2),
            buyer: None,
            at: t(6),
        },
        joined(1, buyer(4), balcony(), 2, 7),
        ListingEvent::WaitlistLeft {
            entry_id: entry_id(1),
            ticket_type_id: balcony(),
            buyer: buyer(4).user_id,
            at: t(8),
        },
        offered(2, buyer(5), balcony(), 2, 9),
        ListingEvent::WaitlistOfferDeclined {
            hold_id: offer_hold(2),
            entry_id: entry_id(2),
            ticket_type_id: balcony(),
            buyer: buyer(5).user_id,
            seats: seats(2),
            at: t(10),
        },
        ListingEvent::WaitlistOfferExpired {
            hold_id: offer_hold(3),
            entry_id: entry_id(3),
            ticket_type_id: balcony(),
            buyer: buyer(6).user_id,
            seats: seats(1),
            at: t(11),
        },
        ListingEvent::WaitlistOfferWithdrawn {
            hold_id: offer_hold(4),
            entry_id: entry_id(4),
            ticket_type_id: balcony(),
            buyer: buyer(7).user_id,
            seats: seats(1),
            by,
            at: t(12),
        },
        ListingEvent::SalesClosed {
            by: None,
            at: t(13),
        },
        ListingEvent::ListingCancelled {
            reason: text("Singer is ill"),
            by,
            at: t(14),
        },
        // Added later: appended, so the lines above keep their bytes.
        ListingEvent::SeatsReturned {
            booking_id: booking_id(2),
            ticket_type_id: balcony(),
            seats: seats(1),
            buyer: Some(buyer(3).user_id),
            at: t(15),
        },
        ListingEvent::BuyerLimitsSet {
            limits: domain::listing::BuyerLimits {
                max_seats: Some(6),
                holds_per_minute: 3,
            },
            by,
            at: t(16),
        },
        ListingEvent::WaitingRoomSet {
            settings: Some(domain::listing::RoomSettings {
                opens_at: t(60),
                admitted_per_minute: 120,
                admission_minutes: 5,
            }),
            by,
            at: t(17),
        },
        ListingEvent::WaitingRoomJoined {
            buyer: buyer(8).user_id,
            at: t(18),
        },
        ListingEvent::WaitingRoomOpened {
            seed: 9_007_199_254_740_991,
            at: t(60),
        },
        ListingEvent::AdmissionGranted {
            buyer: buyer(8).user_id,
            expires_at: t(65),
            at: t(60),
        },
        ListingEvent::AdmissionExpired {
            buyer: buyer(8).user_id,
            used: false,
            at: t(65),
        },
    ]);
    events
}

fn booking_samples() -> Vec<BookingEvent> {
    let mut events = booked_balcony(2).booking;
    events.extend([
        BookingEvent::TicketCheckedIn {
            booking_id: booking_id(1),
            ticket_id: ticket_id(100),
            by: staff().user_id,
            at: t(50),
        },
        BookingEvent::TicketCheckInUndone {
            booking_id: booking_id(1),
            ticket_id: ticket_id(100),
            by: staff().user_id,
            at: t(51),
        },
        BookingEvent::BookingCancelled {
            booking_id: booking_id(1),
            reason: CancellationReason::ListingCancelled,
            by: organizer().user_id,
            at: t(52),
        },
        BookingEvent::RefundRecorded {
            booking_id: booking_id(1),
            amount: eur(5000),
            payment_reference: payment(),
            at: t(52),
        },
    ]);
    assert!(matches!(
        events[1],
        BookingEvent::TicketsIssued { ref tickets, .. } if tickets[0] == IssuedTicket { ticket_id: ticket_id(100), code: code(100) }
    ));
    events
}

fn account_samples() -> Vec<AccountEvent> {
    let by = admin().user_id;
    vec![
        AccountEvent::AccountRegistered {
            user_id: buyer(1).user_id,
            email: Email::parse("ada@example.com").unwrap(),
            display_name: text("Ada"),
            role: Role::Customer,
            password_hash: PasswordHash::parse("$argon2id$v=19$abc").unwrap(),
            at: t(0),
        },
        AccountEvent::EmailVerified {
            email: Email::parse("ada@example.com").unwrap(),
            at: t(1),
        },
        AccountEvent::RoleChanged {
            from: Role::Customer,
            to: Role::Staff {
                organizer_id: organizer().user_id,
            },
            by,
            at: t(2),
        },
        AccountEvent::PasswordChanged {
            password_hash: PasswordHash::parse("$argon2id$v=19$new").unwrap(),
            by: buyer(1).user_id,
            at: t(3),
        },
        AccountEvent::AccountSuspended {
            reason: text("chargebacks"),
            by,
            at: t(4),
        },
        AccountEvent::AccountReinstated { by, at: t(5) },
    ]
}

fn check_tags<E: DomainEvent>(samples: &[E], all_types: &[&str]) {
    let mut seen = BTreeSet::new();
    for event in samples {
        let json = serde_json::to_value(event).unwrap();
        assert_eq!(json["type"], event.event_type(), "tag of {event:?}");
        assert_eq!(E::SCHEMA_VERSION, 1);
        seen.insert(event.event_type());
    }
    let all: BTreeSet<&str> = all_types.iter().copied().collect();
    assert_eq!(seen, all, "the samples must cover every event type");
}

#[test]
fn every_event_type_string_is_its_serialized_tag() {
    check_tags(&listing_samples(), &ListingEvent::TYPES);
    check_tags(&booking_samples(), &BookingEvent::TYPES);
    check_tags(&account_samples(), &AccountEvent::TYPES);
}

#[test]
fn every_event_knows_when_it_happened() {
    let json_at = |json: serde_json::Value| json["at"].as_str().unwrap().to_owned();
    for event in listing_samples() {
        assert_eq!(
            json_at(serde_json::to_value(&event).unwrap()),
            event
                .at()
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
        );
    }
    for event in booking_samples() {
        assert_eq!(
            json_at(serde_json::to_value(&event).unwrap()),
            event
                .at()
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
        );
    }
    for event in account_samples() {
        assert_eq!(
            json_at(serde_json::to_value(&event).unwrap()),
            event
                .at()
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
        );
    }
}

#[test]
fn event_type_names_are_unique_across_aggregates() {
    let all: Vec<&str> = ListingEvent::TYPES
        .iter()
        .chain(BookingEvent::TYPES.iter())
        .chain(AccountEvent::TYPES.iter())
        .copied()
        .collect();
    let unique: BTreeSet<&str> = all.iter().copied().collect();
    assert_eq!(unique.len(), all.len());
}

#[test]
fn stream_prefixes_name_the_streams() {
    assert_eq!(ListingEvent::STREAM_PREFIX, "listing");
    assert_eq!(BookingEvent::STREAM_PREFIX, "booking");
    assert_eq!(AccountEvent::STREAM_PREFIX, "user");
    assert_eq!(
        listing_id().stream_id(),
        "listing-00000000-0000-0000-0000-000000001000"
    );
    assert!(booking_id(1).stream_id().starts_with("booking-"));
    assert!(buyer(1).user_id.stream_id().starts_with("user-"));
}

#[test]
fn a_seats_held_event_has_this_exact_json_forever() {
    let json = serde_json::to_string(&held(1, buyer(1), balcony(), 2, 0)).unwrap();
    assert_eq!(
        json,
        r#"{"type":"seats_held","hold_id":"00000000-0000-0000-0000-000000003001","ticket_type_id":"00000000-0000-0000-0000-000000006001","buyer":"00000000-0000-0000-0000-000000007065","seats":2,"expires_at":"2026-06-01T10:10:00Z","at":"2026-06-01T10:00:00Z"}"#
    );
}

#[test]
fn optional_fields_are_written_as_null_never_skipped() {
    let json = serde_json::to_value(ListingEvent::SalesClosed { by: None, at: t(0) }).unwrap();
    assert!(json.as_object().unwrap().contains_key("by"));
}

fn corpus_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("{name}_events_v1.jsonl"))
}

/// Every stored payload of schema version 1 still loads, to the same event, byte for byte.
fn check_corpus<E>(name: &str, samples: &[E])
where
    E: DomainEvent + PartialEq,
{
    let path = corpus_path(name);
    let lines: Vec<String> = samples
        .iter()
        .map(|e| serde_json::to_string(e).unwrap())
        .collect();
    if std::env::var_os("BLESS_EVENT_CORPUS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    }
    let stored = std::fs::read_to_string(&path).unwrap();
    let stored: Vec<&str> = stored.lines().collect();
    assert_eq!(stored.len(), samples.len(), "{}", path.display());
    for ((line, sample), now) in stored.iter().zip(samples).zip(&lines) {
        let loaded: E = serde_json::from_str(line).unwrap();
        assert_eq!(&loaded, sample);
        assert_eq!(line, now, "serialized form changed");
    }
}

#[test]
fn the_stored_listing_event_corpus_still_loads_unchanged() {
    check_corpus("listing", &listing_samples());
}

#[test]
fn the_stored_booking_event_corpus_still_loads_unchanged() {
    check_corpus("booking", &booking_samples());
}

#[test]
fn the_stored_account_event_corpus_still_loads_unchanged() {
    check_corpus("account", &account_samples());
}

fn round_trip<T: serde::Serialize + DeserializeOwned>(value: &T) -> T {
    serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap()
}

#[test]
fn folded_states_survive_a_snapshot_round_trip() {
    let mut listing = balcony_sold_out();
    listing.push(joined(1, buyer(2), balcony(), 2, 1));
    listing.push(joined(2, buyer(3), balcony(), 1, 2));
    listing.push(held(2, buyer(4), stalls(), 3, 3));
    listing.push(ListingEvent::HoldExpired {
        hold_id: hold_id(1),
        ticket_type_id: balcony(),
        buyer: buyer(1).user_id,
        seats: seats(4),
        at: t(10),
    });
    listing.push(offered(1, buyer(2), balcony(), 2, 10));
    listing.push(ListingEvent::HoldConfirmed {
        hold_id: hold_id(2),
        booking_id: booking_id(1),
        ticket_type_id: stalls(),
        buyer: buyer(4).user_id,
        seats: seats(3),
        offer_entry_id: None,
        unit_price: eur(0),
        at: t(11),
    });
    let booked = booked_balcony(1);
    let state = ListingState::fold(&listing);
    assert_eq!(round_trip(&state), state);
    let booking = BookingState::fold(&booked.booking);
    assert_eq!(round_trip(&booking), booking);
    let account = AccountState::fold(&account_samples());
    assert_eq!(round_trip(&account), account);
}
