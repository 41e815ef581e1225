//! One listing: details and drafts, the live availability stream, and `?after=`.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{fields, search};
use crate::support::TestApp;

api_test!(
    a_listing_shows_its_counts_and_a_draft_only_to_its_organizer,
    the_availability_stream_sends_the_counts_and_then_each_change,
    after_returns_the_write_just_made_or_says_the_read_model_is_behind,
);

async fn a_listing_shows_its_counts_and_a_draft_only_to_its_organizer(app: TestApp) {
    let organizer = app.user("organizer").await;
    let rival = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let admin = app.admin().await;
    // Room for the buyer's booking and hold together under the per-buyer limit.
    let limits = json!({ "buyer_limits": { "max_seats": 10 } });
    let (listing, seat) = app.listing(&organizer, limits, false).await;
    let path = format!("/api/v1/listings/{listing}");
    for who in [None, Some(&buyer.token), Some(&rival.token)] {
        let (status, problem) = app.read(&path, who.map(String::as_str)).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "a draft is hidden: {problem}"
        );
        assert_eq!(problem["status"], 404);
    }
    let (status, draft) = app.read(&path, Some(&admin.token)).await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    let (status, draft) = app.read(&path, Some(&organizer.token)).await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    assert_eq!(draft["status"], "draft");

    let publish = format!("/api/v1/listings/{listing}/publish");
    app.post(&publish, Some(&organizer.token), json!({})).await;
    app.book(&buyer, &listing, &seat, 3, true).await;
    app.post(
        &format!("/api/v1/listings/{listing}/holds"),
        Some(&buyer.token),
        json!({"ticket_type_id": seat, "seats": 2}),
    )
    .await;
    let (status, detail) = app.read(&path, None).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["status"], "published");
    assert_eq!(detail["title"], "Jazz night");
    assert_eq!(detail["venue"]["city"], "Lyon");
    assert_eq!(detail["organizer_id"], organizer.id.as_str());
    assert_eq!(detail["seats_sold"], 3);
    assert_eq!(detail["seats_free"], 5);
    let types = detail["ticket_types"].as_array().unwrap();
    assert_eq!(types.len(), 1);
    assert_eq!(types[0]["id"], seat.as_str());
    assert_eq!(
        types[0]["price"],
        json!({"amount_minor": 2500, "currency": "EUR"})
    );
    assert_eq!(
        (
            &types[0]["capacity"],
            &types[0]["held"],
            &types[0]["sold"],
            &types[0]["free"]
        ),
        (&json!(10), &json!(2), &json!(3), &json!(5))
    );
    let (status, counts) = app.get(&format!("{path}/availability"), None).await;
    assert_eq!(status, StatusCode::OK, "{counts}");
    assert_eq!(counts["seats_free"], 5);
    assert_eq!(counts["ticket_types"][0]["held"], 2);

    let cancel = format!("/api/v1/listings/{listing}/cancel");
    let (status, body) = app
        .post(
            &cancel,
            Some(&organizer.token),
            json!({"reason": "the band split up"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, cancelled) = app.read(&path, None).await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancel_reason"], "the band split up");
    assert_eq!(
        search(&app, "").await,
        Vec::<String>::new(),
        "not in the catalog"
    );

    let unknown = uuid::Uuid::now_v7();
    let (status, _) = app.get(&format!("/api/v1/listings/{unknown}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .get("/api/v1/listings/not-an-id/availability", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The next `availability` event of a Server-Sent Events body: (id, data).
async fn next_event(response: &mut reqwest::Response, buffer: &mut String) -> (String, Value) {
    next_named(response, buffer, "availability").await
}

/// The next event called `name` of a Server-Sent Events body: (id, data).
pub(crate) async fn next_named(
    response: &mut reqwest::Response,
    buffer: &mut String,
    name: &str,
) -> (String, Value) {
    loop {
        if let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let line = |name: &str| {
                block
                    .lines()
                    .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
            };
            if line("event:").as_deref() == Some(name) {
                let data = serde_json::from_str(&line("data:").unwrap()).unwrap();
                return (line("id:").unwrap(), data);
            }
            continue;
        }
        let chunk = tokio::time::timeout(Duration::from_secs(5), response.chunk())
            .await
            .expect("an event within 5 s")
            .expect("the stream is readable")
            .expect("the stream stays open");
        buffer.push_str(std::str::from_utf8(&chunk).unwrap());
    }
}

async fn the_availability_stream_sends_the_counts_and_then_each_change(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let (listing, seat) = app.listing(&organizer, json!({}), true).await;
    app.drain_projections().await;
    let url = app.at(&format!("/api/v1/listings/{listing}/availability/stream"));
    let mut response = app.http.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(kind.starts_with("text/event-stream"), "{kind}");
    let mut buffer = String::new();
    let (first_id, first) = next_event(&mut response, &mut buffer).await;
    assert_eq!(first["seats_free"], 10);

    let (status, held) = app
        .post(
            &format!("/api/v1/listings/{listing}/holds"),
            Some(&buyer.token),
            json!({"ticket_type_id": seat, "seats": 3}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{held}");
    let (id, next) = next_event(&mut response, &mut buffer).await;
    assert_eq!(next["seats_free"], 7, "{next}");
    assert_eq!(next["ticket_types"][0]["held"], 3);
    assert!(id.parse::<i64>().unwrap() > first_id.parse::<i64>().unwrap());

    let (status, _) = app
        .get(
            &format!(
                "/api/v1/listings/{}/availability/stream",
                uuid::Uuid::now_v7()
            ),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn after_returns_the_write_just_made_or_says_the_read_model_is_behind(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let (listing, seat) = app.listing(&organizer, json!({}), true).await;
    let (status, held) = app
        .post(
            &format!("/api/v1/listings/{listing}/holds"),
            Some(&buyer.token),
            json!({"ticket_type_id": seat, "seats": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{held}");
    let position = held["position"]
        .as_i64()
        .expect("a command answers its position");
    let (status, holds) = app
        .get(
            &format!("/api/v1/me/holds?after={position}"),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{holds}");
    assert_eq!(holds[0]["hold_id"], held["hold_id"], "the hold just made");
    let (_, counts) = app
        .get(
            &format!("/api/v1/listings/{listing}/availability?after={position}"),
            None,
        )
        .await;
    assert_eq!(counts["seats_free"], 8);

    let (status, problem) = app.get("/api/v1/listings?after=yesterday", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(fields(&problem), ["after"]);
    // Beyond the head no command returned it: a 422 at once, not a wait for a 503.
    let (status, problem) = app
        .get(&format!("/api/v1/listings?after={}", position + 1000), None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(fields(&problem), ["after"]);
}
