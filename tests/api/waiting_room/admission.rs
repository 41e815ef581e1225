//! The admission token through the API on both backends: an admitted buyer's place carries
//! it, a hold on the room's listing needs it, and each way a token can be wrong is refused
//! with its own problem; a good one goes through to a booking, retries replay the first
//! answer, and a listing without a room ignores the field.

use std::time::Duration;

use chrono::TimeDelta;
use command_api::auth::jwt::Keys;
use domain::listing::{AdmissionProof, ListingEvent};
use domain::{ListingId, UserId};
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{admission_token, listing_events};
use crate::support::{TestApp, User};

api_test!(a_hold_through_the_room_needs_the_token_of_the_callers_own_admission);

/// A room on `listing` that opens at `opens_at`, lets 600 a minute in for 2 minutes.
async fn room_on(
    app: &TestApp,
    organizer: &User,
    listing: &str,
    opens_at: chrono::DateTime<chrono::Utc>,
) {
    let path = format!("/api/v1/listings/{listing}/waiting_room");
    let body = json!({"enabled": true, "opens_at": opens_at, "admitted_per_minute": 600, "admission_minutes": 2});
    let (status, body) = app.post(&path, Some(&organizer.token), body).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn join(app: &TestApp, buyer: &User, listing: &str) {
    let path = format!("/api/v1/listings/{listing}/waiting_room/join");
    let (status, body) = app.post(&path, Some(&buyer.token), json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// Asserts a problem's status and that its detail says `says`; for a 422, that it names
/// the field `admission_token`.
fn refused(answer: (StatusCode, Value), status: StatusCode, says: &str) {
    let (got, problem) = answer;
    assert_eq!(got, status, "{problem}");
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(detail.contains(says), "{says:?} not in {problem}");
    if status == StatusCode::UNPROCESSABLE_ENTITY {
        assert_eq!(
            problem["errors"][0]["field"], "admission_token",
            "{problem}"
        );
    }
}

async fn a_hold_through_the_room_needs_the_token_of_the_callers_own_admission(app: TestApp) {
    let organizer = app.user("organizer").await;
    let (first, seat) = app.listing(&organizer, json!({}), true).await;
    let (other, _) = app.listing(&organizer, json!({}), true).await;
    let (roomless, roomless_seat) = app.listing(&organizer, json!({}), true).await;
    let opens_at = app.clock.now() + TimeDelta::minutes(10);
    room_on(&app, &organizer, &first, opens_at).await;
    room_on(&app, &organizer, &other, opens_at).await;
    let (alice, bob) = (app.user("customer").await, app.user("customer").await);
    join(&app, &alice, &first).await;
    join(&app, &bob, &first).await;
    join(&app, &alice, &other).await;
    // The opening lets one in; a second later the rate has room for everyone.
    app.advance(opens_at - app.clock.now());
    app.scheduler.run_due().await.unwrap();
    app.advance(TimeDelta::seconds(1));
    app.scheduler.run_due().await.unwrap();
    app.scheduler.run_due().await.unwrap();
    let alices = admission_token(&app, &first, &alice.token).await;
    let bobs = admission_token(&app, &first, &bob.token).await;
    let alices_elsewhere = admission_token(&app, &other, &alice.token).await;

    let holds = format!("/api/v1/listings/{first}/holds");
    let hold = |token: Option<&str>| {
        let mut body = json!({"ticket_type_id": seat, "seats": 1});
        if let Some(token) = token {
            body["admission_token"] = json!(token);
        }
        body
    };
    let ask = |token: Option<&str>| app.post(&holds, Some(&alice.token), hold(token));
    refused(
        ask(None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an admission token is required",
    );
    refused(
        ask(Some("not-a-token")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "is not an admission token signed by this service",
    );
    // The same claims as Alice's own token, signed with another secret.
    let events = listing_events(&app, &first).await;
    let alice_id: UserId = alice.id.parse().unwrap();
    let granted_at = events
        .iter()
        .find_map(|e| match e {
            ListingEvent::AdmissionGranted { buyer, at, .. } if *buyer == alice_id => Some(*at),
            _ => None,
        })
        .unwrap();
    let forger = Keys::new(
        b"another-secret-another-secret-another",
        Duration::from_secs(60),
    );
    let forged = forger
        .admission_token(&AdmissionProof {
            listing_id: first.parse::<ListingId>().unwrap(),
            buyer: alice_id,
            granted_at,
            expires_at: granted_at + TimeDelta::minutes(2),
        })
        .unwrap();
    refused(
        ask(Some(&forged)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "is not an admission token signed by this service",
    );
    // An access token is no admission.
    refused(
        ask(Some(&alice.token)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "is not an admission token signed by this service",
    );
    refused(
        ask(Some(&bobs)).await,
        StatusCode::FORBIDDEN,
        "this admission token belongs to another account",
    );
    refused(
        ask(Some(&alices_elsewhere)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "this admission token is for another listing",
    );

    // Her own token holds, and the hold books.
    let (status, held) = app
        .post_with_key(&holds, Some(&alice.token), "hold-1", hold(Some(&alices)))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{held}");
    let hold_id = held["hold_id"].as_str().unwrap();
    let (status, booked) = app
        .post(
            &format!("{holds}/{hold_id}/confirm"),
            Some(&alice.token),
            json!({"payment_token": "tok_ok"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    assert!(booked["booking_id"].is_string(), "{booked}");

    // Past the admissions' expiry (the scheduler has not run: the log still says Bob is
    // let in), Bob's token is refused as expired; Alice's retry still gets her first answer.
    app.advance(TimeDelta::minutes(2));
    let (status, problem) = app
        .post(
            &holds,
            Some(&bob.token),
            json!({"ticket_type_id": seat, "seats": 1, "admission_token": bobs}),
        )
        .await;
    refused(
        (status, problem),
        StatusCode::CONFLICT,
        "this admission token expired at",
    );
    let (status, again) = app
        .post_with_key(&holds, Some(&alice.token), "hold-1", hold(Some(&alices)))
        .await;
    assert_eq!(
        (status, &again["hold_id"]),
        (StatusCode::CREATED, &held["hold_id"]),
        "{again}"
    );

    // Without a room the field is ignored, whatever it holds.
    let body =
        json!({"ticket_type_id": roomless_seat, "seats": 1, "admission_token": "not-a-token"});
    let (status, held) = app
        .post(
            &format!("/api/v1/listings/{roomless}/holds"),
            Some(&bob.token),
            body,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{held}");
}
