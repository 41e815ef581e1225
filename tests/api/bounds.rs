//! What clients choose costs bounded memory (issue 12, "bound anything else kept per
//! client-chosen key"): a writer task per listing id only while the listing exists,
//! idempotency keys for a day and at most so many, live streams at most so many and so
//! long. (Log-in limit entries: the limiter's own tests, in `command-api`.)

use std::time::Duration;

use chrono::TimeDelta;
use eventlog::testing::TestDb;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::bookings::published;
use crate::support::{TestApp, User};

api_test!(
    made_up_listing_ids_leave_no_writer_behind,
    idempotency_keys_are_forgotten_after_a_day_and_kept_within_a_count,
);

/// Waits (at most 5 s) until `done` holds; whether it did.
async fn eventually(mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..100 {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    done()
}

async fn made_up_listing_ids_leave_no_writer_behind(app: TestApp) {
    let buyer = app.user("customer").await;
    let body = json!({ "ticket_type_id": uuid::Uuid::now_v7(), "seats": 1 });
    for _ in 0..200 {
        let path = format!("/api/v1/listings/{}/holds", uuid::Uuid::now_v7());
        let (status, problem) = app.post(&path, Some(&buyer.token), body.clone()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    }
    let writers = app.state.writers.clone();
    assert!(
        eventually(|| writers.running() == 0).await,
        "{} writers still run for listings that do not exist",
        writers.running()
    );

    let organizer = app.user("organizer").await;
    let (listing, tt) = published(&app, &organizer, 5, 0).await;
    let path = format!("/api/v1/listings/{listing}/holds");
    let body = json!({ "ticket_type_id": tt, "seats": 1 });
    let (status, _) = app.post(&path, Some(&buyer.token), body).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(writers.running(), 1, "a real listing keeps its writer");
}

fn new_listing(app: &TestApp, title: &str) -> Value {
    app.listing_body(json!({
        "title": title,
        "ticket_types": [{"name": "Floor", "price": {"amount": 0, "currency": "EUR"}, "capacity": 10}],
    }))
}

async fn create(app: &TestApp, organizer: &User, key: &str, title: &str) -> StatusCode {
    let body = new_listing(app, title);
    let (status, _) = app
        .post_with_key("/api/v1/listings", Some(&organizer.token), key, body)
        .await;
    status
}

async fn stored_keys(app: &TestApp) -> i64 {
    let sql = "SELECT count(*) FROM idempotency_keys";
    if let Some(pool) = app.log.postgres_pool() {
        sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
    } else {
        let pool = app.log.sqlite_pool().unwrap();
        sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
    }
}

async fn idempotency_keys_are_forgotten_after_a_day_and_kept_within_a_count(app: TestApp) {
    let organizer = app.user("organizer").await;
    assert_eq!(
        create(&app, &organizer, "k1", "Jazz").await,
        StatusCode::CREATED
    );
    assert_eq!(
        create(&app, &organizer, "k1", "Blues").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "within a day the key is the first request's"
    );
    app.advance(TimeDelta::hours(25));
    let organizer = app.refreshed(organizer).await;
    assert_eq!(
        create(&app, &organizer, "k1", "Blues").await,
        StatusCode::CREATED,
        "after a day the key is forgotten"
    );

    for key in ["k2", "k3", "k4"] {
        app.advance(TimeDelta::seconds(1));
        assert_eq!(
            create(&app, &organizer, key, key).await,
            StatusCode::CREATED
        );
    }
    let stored = stored_keys(&app).await;
    assert_eq!(stored, 4);
    let now = app.clock.now();
    let forgotten = command_api::idempotency::forget_old(&app.log, now, 2)
        .await
        .unwrap();
    assert_eq!(forgotten, 2);
    assert_eq!(stored_keys(&app).await, 2, "the newest two stay");
    assert_eq!(
        create(&app, &organizer, "k4", "k4").await,
        StatusCode::CREATED,
        "the newest still answers its retries"
    );
    let later = now + TimeDelta::hours(25);
    command_api::idempotency::forget_old(&app.log, later, 1000)
        .await
        .unwrap();
    assert_eq!(stored_keys(&app).await, 0, "none outlives a day");
}

/// Opens the availability stream of `listing`; the response, once its head arrived.
async fn open_stream(app: &TestApp, listing: &str) -> reqwest::Response {
    let path = format!("/api/v1/listings/{listing}/availability/stream");
    app.http.get(app.at(&path)).send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_streams_are_capped_and_end_after_their_age() {
    let app = TestApp::start_with(TestDb::sqlite(), |system| {
        system.streams = query_api::StreamLimits {
            max: 2,
            max_age: Duration::from_secs(1),
        }
    })
    .await;
    let organizer = app.user("organizer").await;
    let (listing, _) = published(&app, &organizer, 5, 0).await;
    app.drain_projections().await;

    let first = open_stream(&app, &listing).await;
    let second = open_stream(&app, &listing).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(second.status(), StatusCode::OK);
    let third = open_stream(&app, &listing).await;
    assert_eq!(third.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(third.headers().contains_key("retry-after"));
    let problem: Value = third.json().await.unwrap();
    assert_eq!(problem["status"], 503);

    // Each ends by itself after its age (the body completes), which frees its place.
    let body = tokio::time::timeout(Duration::from_secs(10), first.text()).await;
    let body = body.expect("the stream ended").unwrap();
    assert!(body.contains("event: availability"), "{body}");
    drop(second);
    let mut reopened = None;
    for _ in 0..100 {
        let again = open_stream(&app, &listing).await;
        if again.status() == StatusCode::OK {
            reopened = Some(again);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(reopened.is_some(), "a place came free");
}
