//! The waiting room (issue 14) through the API on both backends: 2,000 buyers join before
//! the opening across two processes, are let in at the set rate in one order that both
//! processes share and that the log's seed reproduces, a hold without a live admission is
//! refused with a clear problem, and an admission that lapses unused lets the next in.
//! `admission`: the signed admission token a hold through the room needs; `line`: the
//! line kept in memory answers reads after a write with that write.

mod admission;
mod line;

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use command_api::auth::jwt::Keys;
use domain::listing::{rank, ListingEvent};
use domain::{Actor, Role, UserId};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::reads::listing::next_named;
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
pub(crate) async fn listing_events(app: &TestApp, listing: &str) -> Vec<ListingEvent> {
    let stream = eventlog::StreamId::new(format!("listing-{listing}")).unwrap();
    app.log
        .read_stream(&stream, 1, 100_000)
        .await
        .unwrap()
        .into_iter()
        .map(|stored| serde_json::from_value(stored.payload).unwrap())
        .collect()
}

/// The admission token `token`'s account reads from its place in `listing`'s room (it
/// must be let in).
pub(crate) async fn admission_token(app: &TestApp, listing: &str, token: &str) -> String {
    let path = format!("/api/v1/listings/{listing}/waiting_room/me");
    let (status, place) = app.read(&path, Some(token)).await;
    assert_eq!(status, StatusCode::OK, "{place}");
    assert_eq!(place["status"], "admitted", "{place}");
    place["admission_token"].as_str().unwrap().to_owned()
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
    // In line, with no place yet: the order is drawn at the opening.
    let place = format!("/api/v1/listings/{listing}/waiting_room/me");
    let (status, early) = app.read(&place, Some(&buyers[5].1)).await;
    assert_eq!(status, StatusCode::OK, "{early}");
    assert_eq!(
        (&early["status"], &early["place"], &early["waiting"]),
        (&json!("waiting"), &Value::Null, &json!(2000)),
        "{early}"
    );
    assert!(early["estimated_admission_at"].is_null(), "{early}");
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
    // process with the admission token the first process's read gave, the next in line is
    // still refused through the first.
    let token_of = |id: &UserId| buyers.iter().find(|(b, _)| b == id).unwrap().1.clone();
    let admission = admission_token(&app, &listing, &token_of(&order[0])).await;
    let with_token = json!({"ticket_type_id": seat, "seats": 1, "admission_token": admission});
    let (status, body) = post(&second, &hold, &token_of(&order[0]), with_token).await;
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

    // Each buyer reads their own place in the seed's order, the same in both processes.
    let (status, next) = app.read(&place, Some(&token_of(&line[21]))).await;
    assert_eq!(status, StatusCode::OK, "{next}");
    assert_eq!(
        (
            &next["status"],
            &next["place"],
            &next["ahead"],
            &next["waiting"]
        ),
        (&json!("waiting"), &json!(1), &json!(0), &json!(1979)),
        "{next}"
    );
    let (_, later) = second.read(&place, Some(&token_of(&line[121]))).await;
    assert_eq!(later["place"], 101, "{later}");
    // 21 let in and 100 ahead: the 122nd admission, 121 half-seconds after the opening.
    let estimate: DateTime<Utc> =
        serde_json::from_value(later["estimated_admission_at"].clone()).unwrap();
    assert_eq!(
        estimate,
        opens_at + TimeDelta::milliseconds(60_500),
        "{later}"
    );
    let (_, first_in) = app.read(&place, Some(&token_of(&order[0]))).await;
    assert_eq!(first_in["status"], "admitted", "{first_in}");
    assert!(first_in["place"].is_null(), "{first_in}");
    assert!(
        next["admission_token"].is_null(),
        "only the admitted get one: {next}"
    );
    let lapses: DateTime<Utc> =
        serde_json::from_value(first_in["admission_expires_at"].clone()).unwrap();
    assert_eq!(lapses, admitted[0].1 + TimeDelta::minutes(2));
    let (_, outside) = second.read(&place, Some(&stranger.1)).await;
    assert_eq!(outside["status"], "not_joined", "{outside}");

    // The second in line watches their place live; the stream says when they are let in.
    let url = app.at(&format!("{place}/stream"));
    let mut watching = app
        .http
        .get(url)
        .bearer_auth(token_of(&line[22]))
        .send()
        .await
        .unwrap();
    assert_eq!(watching.status(), StatusCode::OK);
    let mut buffer = String::new();
    let (_, now) = next_named(&mut watching, &mut buffer, "place").await;
    assert_eq!(
        (&now["status"], &now["place"]),
        (&json!("waiting"), &json!(2)),
        "{now}"
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
    // The line moves on the way (each change is sent) until the admission arrives.
    let mut seen = Vec::new();
    while seen.len() < 20 {
        let (_, event) = next_named(&mut watching, &mut buffer, "place").await;
        let admitted = event["status"] == "admitted";
        seen.push(event);
        if admitted {
            break;
        }
    }
    let let_in = seen.last().unwrap();
    assert_eq!(let_in["status"], "admitted", "{seen:?}");
    assert!(let_in["admission_expires_at"].is_string(), "{let_in}");
    // The stream's token is the one a read gives, and it holds seats.
    let streamed = let_in["admission_token"].as_str().unwrap();
    assert_eq!(
        streamed,
        admission_token(&second, &listing, &token_of(&line[22])).await
    );
    let body = json!({"ticket_type_id": seat, "seats": 1, "admission_token": streamed});
    let (status, held) = post(&app, &hold, &token_of(&line[22]), body).await;
    assert_eq!(status, StatusCode::CREATED, "{held}");
    let (_, lapsed) = app.read(&place, Some(&token_of(&line[0]))).await;
    assert_eq!(lapsed["status"], "expired", "{lapsed}");

    // The organizer's figures: the line, admissions, those that lapsed unused, and the
    // line per minute (every join in the minute before the opening).
    let (status, figures) = app
        .read(
            &format!("/api/v1/listings/{listing}/analytics"),
            Some(&organizer.token),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{figures}");
    let room = &figures["waiting_room"];
    let let_in = admitted.len() as i64;
    assert_eq!(
        (
            &room["joined"],
            &room["admitted"],
            &room["waiting"],
            &room["abandoned"]
        ),
        (
            &json!(2000),
            &json!(let_in),
            &json!(2000 - let_in),
            &json!(20)
        ),
        "{room}"
    );
    assert_eq!(room["booked"], 0, "a hold is not a booking: {room}");
    assert_eq!(room["admission_to_booking_conversion"], 0.0, "{room}");
    let minutes = room["minutes"].as_array().unwrap();
    let joined: i64 = minutes.iter().map(|m| m["joined"].as_i64().unwrap()).sum();
    let granted: i64 = minutes
        .iter()
        .map(|m| m["admitted"].as_i64().unwrap())
        .sum();
    assert_eq!((joined, granted), (2000, let_in), "{room}");
    assert_eq!(minutes.last().unwrap()["waiting"], 2000 - let_in, "{room}");
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
