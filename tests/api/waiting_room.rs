//! The waiting room (issue 14) through the API on both backends: 2,000 buyers join before
//! the opening across two processes, are let in at the set rate in one order that both
//! processes share and that the log's seed reproduces, a hold without a live admission is
//! refused with a clear problem, and an admission that lapses unused lets the next in.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use command_api::auth::jwt::Keys;
use domain::listing::{rank, ListingEvent};
use domain::{Actor, Role, UserId};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::support::{TestApp, SECRET};

api_test!(two_processes_share_one_fair_line_let_in_at_the_rate);

/// A buyer with a token for a fresh account id (no registration: 2,000 of them).
fn buyer(app: &TestApp) -> (UserId, String) {
    let keys = Keys::new(SECRET.as_bytes(), Duration::from_secs(3600));
    let id = UserId::from(Uuid::now_v7());
    let (token, _) = keys
        .issue(Actor::new(id, Role::Customer), app.clock.now())
        .unwrap();
    (id, token)
}

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
    app.post(path, Some(token), body).await
}

/// The listing's stream as events.
async fn listing_events(app: &TestApp, listing: &str) -> Vec<ListingEvent> {
    let stream = eventlog::StreamId::new(format!("listing-{listing}")).unwrap();
    app.log
        .read_stream(&stream, 1, 100_000)
        .await
        .unwrap()
        .into_iter()
        .map(|stored| serde_json::from_value(stored.payload).unwrap())
        .collect()
}

fn granted(events: &[ListingEvent]) -> Vec<(UserId, DateTime<Utc>)> {
    events
        .iter()
        .filter_map(|e| match e {
            ListingEvent::AdmissionGranted { buyer, at, .. } => Some((*buyer, *at)),
            _ => None,
        })
        .collect()
}

async fn two_processes_share_one_fair_line_let_in_at_the_rate(app: TestApp) {
    let organizer = app.user("organizer").await;
    let (listing, seat) = app
        .listing(
            &organizer,
            json!({"ticket_types": [{"name": "Floor", "price": {"amount": 0, "currency": "EUR"}, "capacity": 5000}]}),
            true,
        )
        .await;
    let second = app.beside().await;
    let opens_at = app.clock.now() + TimeDelta::minutes(10);
    let room = format!("/api/v1/listings/{listing}/waiting_room");
    let (status, problem) = post(
        &app,
        &room,
        &organizer.token,
        json!({"enabled": true, "opens_at": opens_at}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let rate = 120;
    let body = json!({"enabled": true, "opens_at": opens_at, "admitted_per_minute": rate, "admission_minutes": 2});
    let (status, body) = post(&app, &room, &organizer.token, body).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // 2,000 buyers join before the opening, half through each process, 50 at a time.
    let buyers: Vec<(UserId, String)> = (0..2000).map(|_| buyer(&app)).collect();
    let join = format!("{room}/join");
    for chunk in buyers.chunks(50).enumerate() {
        let (i, chunk) = chunk;
        let answers = futures::future::join_all(chunk.iter().enumerate().map(|(j, (_, token))| {
            let process = if (i + j) % 2 == 0 { &app } else { &second };
            post(process, &join, token, json!({}))
        }))
        .await;
        for (status, body) in answers {
            assert_eq!(status, StatusCode::CREATED, "{body}");
            assert!(
                body["ahead"].is_null(),
                "no place before the opening: {body}"
            );
        }
    }
    let (status, again) = post(&second, &join, &buyers[0].1, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "joining twice: {again}");
    let detail = format!("/api/v1/listings/{listing}");
    let (_, shown) = app.read(&detail, None).await;
    let room = &shown["waiting_room"];
    assert_eq!(
        (room["waiting"].as_i64(), room["admitted"].as_i64()),
        (Some(2000), Some(0)),
        "{shown}"
    );
    assert!(
        room["opened_at"].is_null() && room["admitted_per_minute"] == rate,
        "{shown}"
    );

    // Before the opening nobody holds; someone who never joined neither.
    let hold = format!("/api/v1/listings/{listing}/holds");
    let one = json!({"ticket_type_id": seat, "seats": 1});
    let (status, problem) = post(&app, &hold, &buyers[0].1, one.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("still in the waiting room"),
        "{problem}"
    );
    let stranger = buyer(&app);
    let (status, problem) = post(&second, &hold, &stranger.1, one.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("join it first"),
        "{problem}"
    );

    // The opening, then ten seconds of the scheduler's ticks, half on each process.
    for clock in [&app.clock, &second.clock] {
        clock.advance(opens_at - clock.now());
    }
    app.scheduler.run_due().await.unwrap();
    for tick in 0..=10 {
        let scheduler = if tick % 2 == 0 {
            &app.scheduler
        } else {
            &second.scheduler
        };
        scheduler.run_due().await.unwrap();
        if tick < 10 {
            app.advance(TimeDelta::seconds(1));
            second.advance(TimeDelta::seconds(1));
        }
    }
    let events = listing_events(&app, &listing).await;
    let seed = events
        .iter()
        .find_map(|e| match e {
            ListingEvent::WaitingRoomOpened { seed, .. } => Some(*seed),
            _ => None,
        })
        .expect("the room opened");
    let admitted = granted(&events);
    // One at the opening, then two a second (120 a minute): 21 after ten seconds.
    assert_eq!(admitted.len(), 21, "{admitted:?}");
    for (buyer, at) in &admitted {
        let elapsed = (*at - opens_at).num_milliseconds() as u64;
        let before_or_at = admitted.iter().filter(|(_, t)| t <= at).count() as u64;
        assert!(
            before_or_at <= 1 + elapsed * rate / 60_000,
            "{buyer:?} over the rate"
        );
    }
    // The order is the seed's: anyone can recompute it from the log.
    let mut line: Vec<UserId> = buyers.iter().map(|(id, _)| *id).collect();
    line.sort_by_key(|id| (rank(seed, *id), *id));
    let order: Vec<UserId> = admitted.iter().map(|(id, _)| *id).collect();
    assert_eq!(order, line[..21].to_vec(), "admitted in the seed's order");
    let (_, shown) = second.read(&detail, None).await;
    let room = &shown["waiting_room"];
    assert_eq!(
        (room["waiting"].as_i64(), room["admitted"].as_i64()),
        (Some(1979), Some(21)),
        "{shown}"
    );

    // Both processes know who is in: the first admitted holds through the second
    // process, the next in line is still refused through the first.
    let token_of = |id: &UserId| buyers.iter().find(|(b, _)| b == id).unwrap().1.clone();
    let (status, body) = post(&second, &hold, &token_of(&order[0]), one.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, problem) = post(&app, &hold, &token_of(&line[21]), one.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("0 ahead of you"),
        "{problem}"
    );

    // Two minutes on, every admission lapses; the 20 unused give their places back, so
    // the next tick lets in the rate's allowance plus those 20.
    for process in [&app, &second] {
        process.advance(TimeDelta::minutes(2));
    }
    app.scheduler.run_due().await.unwrap();
    app.scheduler.run_due().await.unwrap();
    let events = listing_events(&app, &listing).await;
    let expired = events
        .iter()
        .filter(|e| matches!(e, ListingEvent::AdmissionExpired { .. }))
        .count();
    assert_eq!(expired, 21);
    let admitted = granted(&events);
    let elapsed = (app.clock.now() - opens_at).num_milliseconds() as u64;
    assert_eq!(admitted.len() as u64, 1 + elapsed * rate / 60_000 + 20);
    let order: Vec<UserId> = admitted.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        order,
        line[..order.len()].to_vec(),
        "still in the seed's order"
    );
    let (_, shown) = app.read(&detail, None).await;
    assert_eq!(shown["waiting_room"]["unused"], 20, "{shown}");
    let (status, problem) = post(
        &app,
        &hold,
        &token_of(&line[0]),
        json!({"ticket_type_id": seat, "seats": 1}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a lapsed admission: {problem}"
    );
    assert!(
        problem["detail"].as_str().unwrap().contains("lapsed"),
        "{problem}"
    );
}
