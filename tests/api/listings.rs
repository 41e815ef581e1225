//! Changing listings: details, ticket types, capacity, and cancelling a listing, which
//! cancels and refunds every booking and ends every hold.

use reqwest::StatusCode;
use serde_json::json;

use crate::bookings::{confirm, hold, published};
use crate::support::TestApp;

api_test!(
    an_organizer_adds_a_ticket_type_and_buyers_can_hold_it,
    capacity_never_drops_below_what_is_held_or_sold,
    raising_capacity_offers_the_new_seats_to_the_waitlist_first,
    details_are_validated_field_by_field_and_only_the_owner_may_change_them,
    cancelling_a_listing_cancels_every_booking_and_stops_sales,
);

async fn an_organizer_adds_a_ticket_type_and_buyers_can_hold_it(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let (listing, _) = published(&app, &organizer, 5, 0).await;
    let (status, added) = app
        .post(
            &format!("/api/v1/listings/{listing}/ticket_types"),
            Some(&organizer.token),
            json!({"name": "VIP", "price": {"amount": 9000, "currency": "EUR"}, "capacity": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    let vip = added["ticket_type_id"].as_str().unwrap();
    let (status, held) = hold(&app, &buyer, &listing, vip, 2).await;
    assert_eq!(status, StatusCode::CREATED, "{held}");
    let (status, problem) = app
        .post(
            &format!("/api/v1/listings/{listing}/ticket_types"),
            Some(&organizer.token),
            json!({"name": "Cheap", "price": {"amount": 100, "currency": "USD"}, "capacity": 2}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one currency per listing: {problem}"
    );
    assert_eq!(problem["errors"][0]["field"], "price.currency", "{problem}");
}

async fn capacity_never_drops_below_what_is_held_or_sold(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let (listing, tt) = published(&app, &organizer, 10, 0).await;
    let (status, _) = hold(&app, &buyer, &listing, &tt, 4).await;
    assert_eq!(status, StatusCode::CREATED);
    let path = format!("/api/v1/listings/{listing}/ticket_types/{tt}/capacity");
    let head = app.log_head().await;
    let (status, problem) = app
        .post(&path, Some(&organizer.token), json!({"capacity": 3}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(app.log_head().await, head);
    let (status, body) = app
        .post(&path, Some(&organizer.token), json!({"capacity": 4}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = hold(&app, &buyer, &listing, &tt, 1).await;
    assert_eq!(status, StatusCode::CONFLICT, "now sold out");
}

async fn raising_capacity_offers_the_new_seats_to_the_waitlist_first(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let waiter = app.user("customer").await;
    let (listing, tt) = published(&app, &organizer, 2, 0).await;
    let (status, _) = hold(&app, &buyer, &listing, &tt, 2).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, entry) = app
        .post(
            &format!("/api/v1/listings/{listing}/waitlist"),
            Some(&waiter.token),
            json!({"ticket_type_id": tt, "party_size": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{entry}");
    let entry = entry["entry_id"].as_str().unwrap();
    let (status, _) = app
        .post(
            &format!("/api/v1/listings/{listing}/ticket_types/{tt}/capacity"),
            Some(&organizer.token),
            json!({"capacity": 4}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The two new seats went to the waiting party, not to whoever asks next.
    let (status, _) = hold(&app, &buyer, &listing, &tt, 1).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, booked) = app
        .post(
            &format!("/api/v1/listings/{listing}/waitlist/{entry}/accept"),
            Some(&waiter.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
}

async fn details_are_validated_field_by_field_and_only_the_owner_may_change_them(app: TestApp) {
    let organizer = app.user("organizer").await;
    let rival = app.user("organizer").await;
    let (listing, _) = published(&app, &organizer, 5, 0).await;
    let now = app.clock.now();
    let details = |title: &str, country: &str| {
        json!({
            "title": title,
            "venue": {"name": "Hall", "address": "2 Side St", "city": "Nice", "country": country},
            "category": "concert",
            "starts_at": (now + chrono::TimeDelta::days(40)).to_rfc3339(),
            "ends_at": (now + chrono::TimeDelta::days(40) + chrono::TimeDelta::hours(2)).to_rfc3339(),
            "time_zone": "Europe/Paris",
            "sales": {"opens_at": now.to_rfc3339(), "closes_at": (now + chrono::TimeDelta::days(39)).to_rfc3339()},
            "max_tickets_per_booking": 4,
        })
    };
    let path = format!("/api/v1/listings/{listing}/details");
    let head = app.log_head().await;
    let (status, problem) = app
        .post(&path, Some(&organizer.token), details("", "France"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["title", "venue.country"]);
    let (status, _) = app
        .post(&path, Some(&rival.token), details("Moved", "FR"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.log_head().await, head);
    let (status, body) = app
        .post(
            &path,
            Some(&organizer.token),
            details("Moved to Nice", "FR"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(app.log_head().await > head);
}

async fn cancelling_a_listing_cancels_every_booking_and_stops_sales(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyers = [app.user("customer").await, app.user("customer").await];
    let (listing, tt) = published(&app, &organizer, 10, 1500).await;
    let mut bookings = Vec::new();
    for buyer in &buyers {
        let (_, held) = hold(&app, buyer, &listing, &tt, 2).await;
        let hold_id = held["hold_id"].as_str().unwrap();
        let (status, booked) = confirm(
            &app,
            buyer,
            &listing,
            hold_id,
            json!({"payment_token": "tok_ok"}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{booked}");
        bookings.push(booked["booking_id"].as_str().unwrap().to_owned());
    }
    let (_, open_hold) = hold(&app, &buyers[0], &listing, &tt, 1).await;
    assert!(open_hold["hold_id"].is_string());
    let (status, problem) = app
        .post(
            &format!("/api/v1/listings/{listing}/cancel"),
            Some(&buyers[0].token),
            json!({"reason": "artist ill"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let (status, body) = app
        .post(
            &format!("/api/v1/listings/{listing}/cancel"),
            Some(&organizer.token),
            json!({"reason": "artist ill"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Every booking is now cancelled (a second cancel says so) with its refund in the log.
    for (buyer, booking) in buyers.iter().zip(&bookings) {
        let (status, problem) = app
            .post(
                &format!("/api/v1/bookings/{booking}/cancel"),
                Some(&buyer.token),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    }
    let events = app.log.read_all(0, 10_000).await.unwrap();
    let refunds = events
        .iter()
        .filter(|e| e.event_type == "refund_recorded")
        .count();
    let cancelled = events
        .iter()
        .filter(|e| e.event_type == "booking_cancelled")
        .count();
    assert_eq!((cancelled, refunds), (2, 2));
    let (status, _) = hold(&app, &buyers[1], &listing, &tt, 1).await;
    assert_eq!(status, StatusCode::CONFLICT, "no sales after cancellation");
}
