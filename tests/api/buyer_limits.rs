//! Per-buyer limits (issue 14): seats per account across holds and bookings, one open
//! hold per ticket type, holds per minute; set by the organizer, refused with a clear
//! problem, and held across two processes racing for one buyer.

use chrono::TimeDelta;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::bookings::hold;
use crate::reads::fields;
use crate::support::{TestApp, User};

api_test!(
    a_buyer_cannot_claim_more_seats_than_the_listing_allows,
    one_open_hold_per_ticket_type_and_only_so_many_holds_a_minute,
    the_organizer_sets_the_limits_and_wrong_values_name_the_field,
    two_processes_racing_for_one_buyer_never_exceed_the_limit,
);

async fn release(app: &TestApp, buyer: &User, listing: &str, hold: &Value) {
    let hold = hold["hold_id"].as_str().unwrap();
    let path = format!("/api/v1/listings/{listing}/holds/{hold}/release");
    let (status, body) = app.post(&path, Some(&buyer.token), json!({})).await;
    assert_eq!(status, StatusCode::OK, "release: {body}");
}

async fn a_buyer_cannot_claim_more_seats_than_the_listing_allows(app: TestApp) {
    let organizer = app.user("organizer").await;
    let (listing, balcony) = app
        .listing(
            &organizer,
            json!({ "buyer_limits": { "max_seats": 5, "holds_per_minute": 10 } }),
            true,
        )
        .await;
    let (_, detail) = app.read(&format!("/api/v1/listings/{listing}"), None).await;
    assert_eq!(
        detail["buyer_limits"],
        json!({ "max_seats": 5, "max_seats_set": true, "holds_per_minute": 10 })
    );
    let buyer = app.user("customer").await;
    app.book(&buyer, &listing, &balcony, 4, true).await;

    let head = app.log_head().await;
    let (status, problem) = hold(&app, &buyer, &listing, &balcony, 2).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("at most 5 seats per buyer") && detail.contains("booked 4"),
        "{detail}"
    );
    assert_eq!(app.log_head().await, head, "a refused hold writes nothing");

    let (status, body) = hold(&app, &buyer, &listing, &balcony, 1).await;
    assert_eq!(status, StatusCode::CREATED, "one more seat fits: {body}");
    let other = app.user("customer").await;
    let (status, body) = hold(&app, &other, &listing, &balcony, 4).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "another buyer has their own limit: {body}"
    );
}

async fn one_open_hold_per_ticket_type_and_only_so_many_holds_a_minute(app: TestApp) {
    let organizer = app.user("organizer").await;
    let (listing, balcony) = app.listing(&organizer, json!({}), true).await;
    let (_, detail) = app.read(&format!("/api/v1/listings/{listing}"), None).await;
    assert_eq!(
        detail["buyer_limits"],
        json!({ "max_seats": 4, "max_seats_set": false, "holds_per_minute": 5 }),
        "defaults: the per-booking maximum and 5 holds a minute"
    );
    let buyer = app.user("customer").await;
    let (status, first) = hold(&app, &buyer, &listing, &balcony, 1).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, problem) = hold(&app, &buyer, &listing, &balcony, 1).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    let hold_id = first["hold_id"].as_str().unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains(hold_id),
        "the problem names the open hold: {problem}"
    );
    release(&app, &buyer, &listing, &first).await;
    // Four more holds (each released) make five in the minute; the sixth waits.
    for _ in 0..4 {
        app.advance(TimeDelta::seconds(5));
        let (status, held) = hold(&app, &buyer, &listing, &balcony, 1).await;
        assert_eq!(status, StatusCode::CREATED, "{held}");
        release(&app, &buyer, &listing, &held).await;
    }
    let head = app.log_head().await;
    let response = app
        .http
        .post(app.at(&format!("/api/v1/listings/{listing}/holds")))
        .bearer_auth(&buyer.token)
        .json(&json!({ "ticket_type_id": balcony, "seats": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: i64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(retry_after, 40, "the first hold leaves the minute in 40 s");
    let problem: Value = response.json().await.unwrap();
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("5 holds per minute"));
    assert_eq!(app.log_head().await, head);
    // Another buyer is not slowed by this one.
    let other = app.user("customer").await;
    let (status, _) = hold(&app, &other, &listing, &balcony, 1).await;
    assert_eq!(status, StatusCode::CREATED);
    app.advance(TimeDelta::seconds(retry_after));
    let (status, body) = hold(&app, &buyer, &listing, &balcony, 1).await;
    assert_eq!(status, StatusCode::CREATED, "after the pause: {body}");
}

async fn the_organizer_sets_the_limits_and_wrong_values_name_the_field(app: TestApp) {
    let organizer = app.user("organizer").await;
    let body =
        app.listing_body(json!({ "buyer_limits": { "max_seats": 0, "holds_per_minute": 20000 } }));
    let (status, problem) = app
        .post("/api/v1/listings", Some(&organizer.token), body)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(
        fields(&problem),
        ["buyer_limits.max_seats", "buyer_limits.holds_per_minute"]
    );

    let (listing, balcony) = app.listing(&organizer, json!({}), true).await;
    let path = format!("/api/v1/listings/{listing}/buyer_limits");
    let intruder = app.user("organizer").await;
    let head = app.log_head().await;
    let (status, problem) = app
        .post(&path, Some(&organizer.token), json!({ "max_seats": 0 }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(fields(&problem), ["max_seats"]);
    let (status, problem) = app
        .post(
            &path,
            Some(&organizer.token),
            json!({ "holds_per_minute": "many" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (status, _) = app
        .post(&path, Some(&intruder.token), json!({ "max_seats": 50 }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.log_head().await, head, "nothing was written");

    let buyer = app.user("customer").await;
    let (status, _) = hold(&app, &buyer, &listing, &balcony, 4).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = app
        .post(
            &path,
            Some(&organizer.token),
            json!({ "max_seats": 2, "holds_per_minute": 30 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, detail) = app.read(&format!("/api/v1/listings/{listing}"), None).await;
    assert_eq!(
        detail["buyer_limits"],
        json!({ "max_seats": 2, "max_seats_set": true, "holds_per_minute": 30 })
    );
    // The buyer keeps the four seats held before the change, and gets no more.
    let other_type =
        json!({ "name": "Floor", "price": {"amount": 100, "currency": "EUR"}, "capacity": 5 });
    let (status, added) = app
        .post(
            &format!("/api/v1/listings/{listing}/ticket_types"),
            Some(&organizer.token),
            other_type,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    let floor = added["ticket_type_id"].as_str().unwrap();
    let (status, problem) = hold(&app, &buyer, &listing, floor, 1).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
}

async fn two_processes_racing_for_one_buyer_never_exceed_the_limit(app: TestApp) {
    let organizer = app.user("organizer").await;
    let types: Vec<Value> = (0..8)
        .map(|i| json!({ "name": format!("Zone {i}"), "price": {"amount": 0, "currency": "EUR"}, "capacity": 10 }))
        .collect();
    let body = app.listing_body(json!({
        "ticket_types": types,
        "buyer_limits": { "max_seats": 3, "holds_per_minute": 100 },
    }));
    let (status, created) = app
        .post("/api/v1/listings", Some(&organizer.token), body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let listing = created["listing_id"].as_str().unwrap().to_owned();
    let (status, _) = app
        .post(
            &format!("/api/v1/listings/{listing}/publish"),
            Some(&organizer.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let second = app.beside().await;
    let buyer = app.user("customer").await;
    let ids: Vec<String> = created["ticket_type_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap().to_owned())
        .collect();
    // Eight holds of one seat each, one per ticket type, half through each process.
    let attempts = ids.iter().enumerate().map(|(i, ticket_type)| {
        let process = if i % 2 == 0 { &app } else { &second };
        hold(process, &buyer, &listing, ticket_type, 1)
    });
    let answers = futures::future::join_all(attempts).await;
    let created = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    let refused = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, refused), (3, 5), "{answers:?}");
    let (_, holds) = app.read("/api/v1/me/holds", Some(&buyer.token)).await;
    let held: u64 = holds
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["seats"].as_u64().unwrap())
        .sum();
    assert_eq!(held, 3, "the log holds exactly the limit: {holds}");
}
