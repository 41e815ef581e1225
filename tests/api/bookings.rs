//! Listings, holds, bookings and the waitlist through the API: success paths, rejections,
//! authorization, idempotent retries, bad input, and concurrent buyers.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{TestApp, User};

api_test!(
    a_customer_holds_and_confirms_free_seats_and_gets_one_ticket_per_seat,
    a_paid_hold_needs_a_token_and_a_declined_card_books_nothing,
    holding_more_seats_than_are_free_says_how_many_are_left,
    nobody_but_the_buyer_may_confirm_a_hold,
    an_organizer_cannot_publish_another_organizers_listing,
    a_retry_with_the_same_idempotency_key_returns_the_first_answer,
    a_confirm_answered_only_by_its_commit_is_answered_again_on_retry,
    malformed_requests_get_problem_json_and_change_nothing,
    a_cancelled_booking_frees_seats_for_the_oldest_waiting_party,
    concurrent_buyers_for_the_last_seats_never_oversell,
    an_unconfirmed_hold_expires_at_its_deadline_and_its_seats_return,
    staff_admit_a_ticket_once_and_a_second_scan_says_when,
);

/// A published listing with one ticket type; returns (listing id, ticket type id).
pub(crate) async fn published(
    app: &TestApp,
    organizer: &User,
    capacity: u32,
    price: i64,
) -> (String, String) {
    let now = app.clock.now();
    let (status, body) = app
        .post(
            "/api/v1/listings",
            Some(&organizer.token),
            json!({
                "title": "Jazz night",
                "description": "Late set",
                "venue": {"name": "Blue Room", "address": "1 Main St", "city": "Lyon", "country": "FR"},
                "category": "concert",
                "starts_at": (now + chrono::TimeDelta::days(30)).to_rfc3339(),
                "ends_at": (now + chrono::TimeDelta::days(30) + chrono::TimeDelta::hours(3)).to_rfc3339(),
                "time_zone": "Europe/Paris",
                "sales": {"opens_at": now.to_rfc3339(), "closes_at": (now + chrono::TimeDelta::days(29)).to_rfc3339()},
                "max_tickets_per_booking": 4,
                "ticket_types": [{"name": "Balcony", "price": {"amount": price, "currency": "EUR"}, "capacity": capacity}],
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "create listing: {body}");
    let listing = body["listing_id"].as_str().unwrap().to_owned();
    let ticket_type = body["ticket_type_ids"][0].as_str().unwrap().to_owned();
    let (status, body) = app
        .post(
            &format!("/api/v1/listings/{listing}/publish"),
            Some(&organizer.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "publish: {body}");
    (listing, ticket_type)
}

pub(crate) async fn hold(
    app: &TestApp,
    who: &User,
    listing: &str,
    ticket_type: &str,
    seats: u32,
) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/listings/{listing}/holds"),
        Some(&who.token),
        json!({ "ticket_type_id": ticket_type, "seats": seats }),
    )
    .await
}

pub(crate) async fn confirm(
    app: &TestApp,
    who: &User,
    listing: &str,
    hold_id: &str,
    body: Value,
) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/listings/{listing}/holds/{hold_id}/confirm"),
        Some(&who.token),
        body,
    )
    .await
}

async fn a_customer_holds_and_confirms_free_seats_and_gets_one_ticket_per_seat(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let (listing, tt) = published(&app, &organizer, 10, 0).await;
    let (status, held) = hold(&app, &buyer, &listing, &tt, 3).await;
    assert_eq!(status, StatusCode::CREATED, "{held}");
    assert!(held["position"].as_i64().unwrap() > 0);
    assert!(held["expires_at"].as_str().is_some());
    let (status, booked) = confirm(
        &app,
        &buyer,
        &listing,
        held["hold_id"].as_str().unwrap(),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let codes = booked["ticket_codes"].as_array().unwrap();
    assert_eq!(codes.len(), 3);
    let mut unique: Vec<&str> = codes.iter().map(|c| c.as_str().unwrap()).collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 3, "codes are distinct");
    assert!(booked["position"].as_i64().unwrap() > held["position"].as_i64().unwrap());
    assert_eq!(app.log_head().await, booked["position"].as_i64().unwrap());
}

async fn a_paid_hold_needs_a_token_and_a_declined_card_books_nothing(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let (listing, tt) = published(&app, &organizer, 10, 2500).await;
    let (_, held) = hold(&app, &buyer, &listing, &tt, 2).await;
    let hold_id = held["hold_id"].as_str().unwrap();
    let (status, problem) = confirm(&app, &buyer, &listing, hold_id, json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "payment_token");
    let oversize = app
        .http
        .post(app.at(&format!(
            "/api/v1/listings/{listing}/holds/{hold_id}/confirm"
        )))
        .bearer_auth(&buyer.token)
        .header("content-type", "application/json")
        .body(format!(
            "{{\"payment_token\": \"{}\"}}",
            "x".repeat(200 * 1024)
        ));
    let (status, problem) = app.send(oversize, None).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(problem["status"], 413, "a problem document, not plain text");
    let head = app.log_head().await;
    let (status, problem) = confirm(
        &app,
        &buyer,
        &listing,
        hold_id,
        json!({"payment_token": "tok_declined"}),
    )
    .await;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED, "{problem}");
    assert_eq!(app.log_head().await, head, "a declined card books nothing");
    let (status, booked) = confirm(
        &app,
        &buyer,
        &listing,
        hold_id,
        json!({"payment_token": "tok_ok"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    assert_eq!(booked["ticket_codes"].as_array().unwrap().len(), 2);
}

async fn holding_more_seats_than_are_free_says_how_many_are_left(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let other = app.user("customer").await;
    let (listing, tt) = published(&app, &organizer, 3, 0).await;
    let (status, _) = hold(&app, &buyer, &listing, &tt, 2).await;
    assert_eq!(status, StatusCode::CREATED);
    let head = app.log_head().await;
    let (status, problem) = hold(&app, &other, &listing, &tt, 2).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains('1') && detail.contains("Balcony"),
        "{detail}"
    );
    assert_eq!(app.log_head().await, head);
}

async fn nobody_but_the_buyer_may_confirm_a_hold(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let other = app.user("customer").await;
    let (listing, tt) = published(&app, &organizer, 5, 0).await;
    let (_, held) = hold(&app, &buyer, &listing, &tt, 1).await;
    let hold_id = held["hold_id"].as_str().unwrap();
    let (status, problem) = confirm(&app, &other, &listing, hold_id, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let (status, _) = app
        .post(
            &format!("/api/v1/listings/{listing}/holds/{hold_id}/release"),
            Some(&other.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .post(
            &format!("/api/v1/listings/{listing}/holds/{hold_id}/confirm"),
            None,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = confirm(&app, &buyer, &listing, hold_id, json!({})).await;
    assert_eq!(status, StatusCode::CREATED);
}

async fn an_organizer_cannot_publish_another_organizers_listing(app: TestApp) {
    let owner = app.user("organizer").await;
    let rival = app.user("organizer").await;
    let customer = app.user("customer").await;
    let (listing, _) = published(&app, &owner, 5, 0).await;
    for who in [&rival, &customer] {
        let (status, problem) = app
            .post(
                &format!("/api/v1/listings/{listing}/close"),
                Some(&who.token),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    }
}

async fn a_retry_with_the_same_idempotency_key_returns_the_first_answer(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let (listing, tt) = published(&app, &organizer, 2, 0).await;
    let path = format!("/api/v1/listings/{listing}/holds");
    let body = json!({ "ticket_type_id": tt, "seats": 2 });
    let (status, first) = app
        .post_with_key(&path, Some(&buyer.token), "k-1", body.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let head = app.log_head().await;
    // Sold out now, yet the retry answers with the first hold, and writes nothing.
    let (status, again) = app
        .post_with_key(&path, Some(&buyer.token), "k-1", body)
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again, first);
    assert_eq!(app.log_head().await, head);
    let (status, problem) = app
        .post_with_key(
            &path,
            Some(&buyer.token),
            "k-1",
            json!({ "ticket_type_id": tt, "seats": 1 }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
}

/// The stored answer column of one user's Idempotency-Key (None while in progress).
async fn stored_status(app: &TestApp, key: &str) -> Option<i64> {
    let sql = "SELECT status FROM idempotency_keys WHERE scope LIKE $1";
    let scope = format!("%:{key}");
    if let Some(pool) = app.log.postgres_pool() {
        sqlx::query_scalar(sql)
            .bind(scope)
            .fetch_one(pool)
            .await
            .unwrap()
    } else {
        let pool = app.log.sqlite_pool().unwrap();
        sqlx::query_scalar(sql)
            .bind(scope)
            .fetch_one(pool)
            .await
            .unwrap()
    }
}

async fn a_confirm_answered_only_by_its_commit_is_answered_again_on_retry(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let (listing, tt) = published(&app, &organizer, 2, 0).await;
    let (status, hold) = app
        .post(
            &format!("/api/v1/listings/{listing}/holds"),
            Some(&buyer.token),
            json!({ "ticket_type_id": tt, "seats": 2 }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{hold}");
    let path = format!(
        "/api/v1/listings/{listing}/holds/{}/confirm",
        hold["hold_id"].as_str().unwrap()
    );
    let (status, booked) = app
        .post_with_key(&path, Some(&buyer.token), "confirm-1", json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    // The answer went into the transaction that wrote the booking, and nowhere after it:
    // the state a process killed right after its commit leaves behind.
    assert_eq!(stored_status(&app, "confirm-1").await, None);
    let head = app.log_head().await;
    // The hold is gone (confirmed), so running the command again would be refused; the
    // retry gets the booking instead, and writes nothing.
    let (status, again) = app
        .post_with_key(&path, Some(&buyer.token), "confirm-1", json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(again, booked);
    assert_eq!(app.log_head().await, head);
    let (status, refused) = app
        .post_with_key(&path, Some(&buyer.token), "confirm-2", json!({}))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a new key runs it again: {refused}"
    );
    assert_eq!(
        stored_status(&app, "confirm-2").await,
        Some(404),
        "a refusal is kept"
    );
}

async fn malformed_requests_get_problem_json_and_change_nothing(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let (listing, tt) = published(&app, &organizer, 5, 0).await;
    let head = app.log_head().await;
    let path = format!("/api/v1/listings/{listing}/holds");
    let huge = "x".repeat(10 * 1024 * 1024);
    let cases: Vec<(&str, reqwest::RequestBuilder, StatusCode, Option<&str>)> = vec![
        (
            "bad json",
            app.http
                .post(app.at(&path))
                .header("content-type", "application/json")
                .body("{\"seats\": "),
            StatusCode::BAD_REQUEST,
            None,
        ),
        (
            "missing field",
            app.http.post(app.at(&path)).json(&json!({"seats": 1})),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        ),
        (
            "extra field",
            app.http
                .post(app.at(&path))
                .json(&json!({"ticket_type_id": tt, "seats": 1, "price": 0})),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        ),
        (
            "wrong type",
            app.http
                .post(app.at(&path))
                .json(&json!({"ticket_type_id": tt, "seats": "two"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("seats"),
        ),
        (
            "negative",
            app.http
                .post(app.at(&path))
                .json(&json!({"ticket_type_id": tt, "seats": -1})),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("seats"),
        ),
        (
            "zero",
            app.http
                .post(app.at(&path))
                .json(&json!({"ticket_type_id": tt, "seats": 0})),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("seats"),
        ),
        (
            "huge",
            app.http
                .post(app.at(&path))
                .json(&json!({"ticket_type_id": tt, "seats": 4_000_000_000u64})),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("seats"),
        ),
        (
            "bad uuid",
            app.http
                .post(app.at(&path))
                .json(&json!({"ticket_type_id": "nope", "seats": 1})),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("ticket_type_id"),
        ),
        (
            "unknown ticket type",
            app.http
                .post(app.at(&path))
                .json(&json!({"ticket_type_id": uuid::Uuid::now_v7(), "seats": 1})),
            StatusCode::NOT_FOUND,
            None,
        ),
        (
            "unknown listing",
            app.http
                .post(app.at(&format!("/api/v1/listings/{}/holds", uuid::Uuid::now_v7())))
                .json(&json!({"ticket_type_id": tt, "seats": 1})),
            StatusCode::NOT_FOUND,
            None,
        ),
        (
            "not a uuid listing",
            app.http
                .post(app.at("/api/v1/listings/nope/holds"))
                .json(&json!({"ticket_type_id": tt, "seats": 1})),
            StatusCode::NOT_FOUND,
            None,
        ),
        (
            "wrong content type",
            app.http
                .post(app.at(&path))
                .header("content-type", "text/plain")
                .body("seats=1"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            None,
        ),
        (
            "256 KB body",
            app.http
                .post(app.at(&path))
                .header("content-type", "application/json")
                .body(format!("{{\"x\": \"{}\"}}", "y".repeat(256 * 1024))),
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
        ),
        (
            "10 MB body",
            app.http
                .post(app.at(&path))
                .header("content-type", "application/json")
                .body(format!("{{\"x\": \"{huge}\"}}")),
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
        ),
    ];
    for (name, request, want, field) in cases {
        let response = match request.bearer_auth(&buyer.token).send().await {
            Ok(response) => response,
            // The server answers 413 as soon as it sees the length and may close the
            // connection while a 10 MB upload is still being written; the client then
            // sees a reset instead of the answer. What matters is that nothing changed.
            Err(error) if name == "10 MB body" => {
                assert!(error.is_request() || error.is_body(), "{name}: {error}");
                assert_eq!(app.log_head().await, head, "{name} changed the log");
                continue;
            }
            Err(error) => panic!("{name}: {error}"),
        };
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let problem: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!(status, want, "{name}: {problem}");
        assert_eq!(content_type, "application/problem+json", "{name}");
        assert_eq!(problem["status"], want.as_u16(), "{name}: {problem}");
        assert!(
            problem["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{name}"
        );
        if let Some(field) = field {
            assert_eq!(problem["errors"][0]["field"], field, "{name}: {problem}");
        }
        assert_eq!(app.log_head().await, head, "{name} changed the log");
    }
}

async fn a_cancelled_booking_frees_seats_for_the_oldest_waiting_party(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let first_waiter = app.user("customer").await;
    let second_waiter = app.user("customer").await;
    let (listing, tt) = published(&app, &organizer, 2, 0).await;
    let (_, held) = hold(&app, &buyer, &listing, &tt, 2).await;
    let (_, booked) = confirm(
        &app,
        &buyer,
        &listing,
        held["hold_id"].as_str().unwrap(),
        json!({}),
    )
    .await;
    let (status, problem) = hold(&app, &first_waiter, &listing, &tt, 1).await;
    assert_eq!(status, StatusCode::CONFLICT, "sold out: {problem}");
    let mut entries = Vec::new();
    for waiter in [&first_waiter, &second_waiter] {
        let (status, entry) = app
            .post(
                &format!("/api/v1/listings/{listing}/waitlist"),
                Some(&waiter.token),
                json!({"ticket_type_id": tt, "party_size": 2}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{entry}");
        entries.push(entry["entry_id"].as_str().unwrap().to_owned());
    }
    let booking = booked["booking_id"].as_str().unwrap();
    let (status, cancelled) = app
        .post(
            &format!("/api/v1/bookings/{booking}/cancel"),
            Some(&buyer.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    // The second waiter has no offer; the first has one and can turn it into a booking.
    let (status, _) = app
        .post(
            &format!("/api/v1/listings/{listing}/waitlist/{}/accept", entries[1]),
            Some(&second_waiter.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, accepted) = app
        .post(
            &format!("/api/v1/listings/{listing}/waitlist/{}/accept", entries[0]),
            Some(&first_waiter.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    assert_eq!(accepted["ticket_codes"].as_array().unwrap().len(), 2);
}

async fn concurrent_buyers_for_the_last_seats_never_oversell(app: TestApp) {
    let organizer = app.user("organizer").await;
    let (listing, tt) = published(&app, &organizer, 50, 0).await;
    // More buyers than seats: each may have one open hold of the type.
    let mut buyers = Vec::new();
    for _ in 0..60 {
        buyers.push(app.user("customer").await);
    }
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    // 200 attempts of one seat each from 60 buyers, all at once.
    for i in 0..200 {
        let (app, buyer, listing, tt) = (
            app.clone(),
            buyers[i % 60].clone(),
            listing.clone(),
            tt.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let (status, body) = hold(&app, &buyer, &listing, &tt, 1).await;
            (status, body)
        }));
    }
    let mut held = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            StatusCode::CREATED => held += 1,
            StatusCode::CONFLICT => {
                let detail = body["detail"].as_str().unwrap();
                assert!(
                    detail.contains("sold out")
                        || detail.contains("left")
                        || detail.contains("already hold"),
                    "{body}"
                );
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(held, 50, "exactly the capacity was held");
}

async fn an_unconfirmed_hold_expires_at_its_deadline_and_its_seats_return(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let late = app.user("customer").await;
    let (listing, tt) = published(&app, &organizer, 2, 0).await;
    let (_, held) = hold(&app, &buyer, &listing, &tt, 2).await;
    let hold_id = held["hold_id"].as_str().unwrap().to_owned();
    let (status, _) = hold(&app, &late, &listing, &tt, 1).await;
    assert_eq!(status, StatusCode::CONFLICT, "sold out while held");

    // Before the deadline the scheduler leaves the hold alone.
    app.advance(chrono::TimeDelta::minutes(9));
    app.scheduler.run_due().await.unwrap();
    let (status, _) = hold(&app, &late, &listing, &tt, 1).await;
    assert_eq!(status, StatusCode::CONFLICT);

    app.advance(chrono::TimeDelta::minutes(2));
    app.scheduler.run_due().await.unwrap();
    let (status, body) = hold(&app, &late, &listing, &tt, 2).await;
    assert_eq!(status, StatusCode::CREATED, "seats came back: {body}");
    let (status, problem) = confirm(&app, &buyer, &listing, &hold_id, json!({})).await;
    assert!(
        status == StatusCode::NOT_FOUND || status == StatusCode::CONFLICT,
        "{status}: {problem}"
    );
}

async fn staff_admit_a_ticket_once_and_a_second_scan_says_when(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let (listing, tt) = published(&app, &organizer, 5, 0).await;
    let (_, held) = hold(&app, &buyer, &listing, &tt, 1).await;
    let (_, booked) = confirm(
        &app,
        &buyer,
        &listing,
        held["hold_id"].as_str().unwrap(),
        json!({}),
    )
    .await;
    let code = booked["ticket_codes"][0].as_str().unwrap();
    let (status, problem) = app
        .post(
            "/api/v1/checkins",
            Some(&buyer.token),
            json!({ "code": code }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a buyer cannot admit: {problem}"
    );
    let (status, admitted) = app
        .post(
            "/api/v1/checkins",
            Some(&organizer.token),
            json!({ "code": code }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{admitted}");
    let (status, problem) = app
        .post(
            "/api/v1/checkins",
            Some(&organizer.token),
            json!({ "code": code.to_lowercase() }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("2026"),
        "says when: {problem}"
    );
    let (status, _) = app
        .post(
            "/api/v1/checkins/undo",
            Some(&organizer.token),
            json!({ "code": code }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .post(
            "/api/v1/checkins",
            Some(&organizer.token),
            json!({ "code": "0000000000000000" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
