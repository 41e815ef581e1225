//! The line the query API keeps in memory for each room: a place read with `?after=` the
//! position a write answered includes that write at once, in another process too, whichever
//! of the catalog and the bookings projection it changed.

use chrono::TimeDelta;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{TestApp, User};

api_test!(a_place_read_after_a_write_includes_it);

async fn place_after(app: &TestApp, listing: &str, buyer: &User, after: i64) -> Value {
    let path = format!("/api/v1/listings/{listing}/waiting_room/me?after={after}");
    let (status, place) = app.get(&path, Some(&buyer.token)).await;
    assert_eq!(status, StatusCode::OK, "{place}");
    place
}

async fn join(app: &TestApp, listing: &str, buyer: &User) -> i64 {
    let path = format!("/api/v1/listings/{listing}/waiting_room/join");
    let (status, joined) = app.post(&path, Some(&buyer.token), json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");
    joined["position"].as_i64().unwrap()
}

async fn a_place_read_after_a_write_includes_it(app: TestApp) {
    let organizer = app.user("organizer").await;
    let (listing, _) = app.listing(&organizer, json!({}), true).await;
    let opens_at = app.clock.now() + TimeDelta::minutes(10);
    let path = format!("/api/v1/listings/{listing}/waiting_room");
    let body = json!({"enabled": true, "opens_at": opens_at, "admitted_per_minute": 1, "admission_minutes": 2});
    let (status, body) = app.post(&path, Some(&organizer.token), body).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (alice, bob) = (app.user("customer").await, app.user("customer").await);
    // Writes go to one process, reads to another, whose view of the read models moves on
    // its own (it polls the checkpoints) unless a read's `after` moves it.
    let reads = app.beside().await;

    let after = join(&app, &listing, &alice).await;
    let place = place_after(&reads, &listing, &alice, after).await;
    assert_eq!(
        (&place["status"], &place["waiting"]),
        (&json!("waiting"), &json!(1)),
        "{place}"
    );
    // The line was made for Alice's read; Bob's join is in it for his.
    let after = join(&app, &listing, &bob).await;
    let place = place_after(&reads, &listing, &bob, after).await;
    assert_eq!(
        (&place["status"], &place["waiting"]),
        (&json!("waiting"), &json!(2)),
        "{place}"
    );
    assert!(
        place["place"].is_null(),
        "no order before the opening: {place}"
    );

    // The opening orders the line and lets the first in (one a minute).
    app.advance(opens_at - app.clock.now());
    reads.advance(opens_at - reads.clock.now());
    app.scheduler.run_due().await.unwrap();
    app.scheduler.run_due().await.unwrap();
    let head = app.log_head().await;
    let places = [
        place_after(&reads, &listing, &alice, head).await,
        place_after(&reads, &listing, &bob, head).await,
    ];
    let let_in: Vec<&Value> = places
        .iter()
        .filter(|p| p["status"] == "admitted")
        .collect();
    let waiting: Vec<&Value> = places.iter().filter(|p| p["status"] == "waiting").collect();
    assert_eq!((let_in.len(), waiting.len()), (1, 1), "{places:?}");
    assert!(let_in[0]["admission_token"].is_string(), "{places:?}");
    assert_eq!(
        (
            &waiting[0]["place"],
            &waiting[0]["ahead"],
            &waiting[0]["waiting"]
        ),
        (&json!(1), &json!(0), &json!(1)),
        "{places:?}"
    );
}
