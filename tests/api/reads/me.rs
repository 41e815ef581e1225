//! The caller's holds, bookings and waitlist entries, and nobody else's.

use chrono::TimeDelta;
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::spec;
use crate::support::{TestApp, User};

api_test!(
    my_holds_and_bookings_are_mine_alone,
    my_bookings_come_newest_first_a_page_at_a_time,
    a_waitlist_position_moves_up_when_someone_ahead_leaves,
);

async fn my_holds_and_bookings_are_mine_alone(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let other = app.user("customer").await;
    let (listing, seat) = app.listing(&organizer, json!({}), true).await;
    let (status, held) = app
        .post(
            &format!("/api/v1/listings/{listing}/holds"),
            Some(&buyer.token),
            json!({"ticket_type_id": seat, "seats": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{held}");
    let hold = held["hold_id"].as_str().unwrap();
    app.advance(TimeDelta::minutes(1));
    let (status, holds) = app.read("/api/v1/me/holds", Some(&buyer.token)).await;
    assert_eq!(status, StatusCode::OK, "{holds}");
    assert_eq!(holds.as_array().unwrap().len(), 1, "{holds}");
    assert_eq!(holds[0]["hold_id"], hold);
    assert_eq!(holds[0]["kind"], "hold");
    assert_eq!(holds[0]["seats"], 2);
    assert_eq!(holds[0]["listing_title"], "Jazz night");
    let instant = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    assert_eq!(
        instant(&holds[0]["expires_at"]),
        instant(&held["expires_at"])
    );
    assert_eq!(holds[0]["seconds_left"], 9 * 60, "ten minutes, one gone");
    let (_, theirs) = app.get("/api/v1/me/holds", Some(&other.token)).await;
    assert_eq!(theirs, json!([]));

    let (status, booked) = app
        .post(
            &format!("/api/v1/listings/{listing}/holds/{hold}/confirm"),
            Some(&buyer.token),
            json!({"payment_token": "tok_ok"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let booking = booked["booking_id"].as_str().unwrap();
    let (_, holds) = app.read("/api/v1/me/holds", Some(&buyer.token)).await;
    assert_eq!(holds, json!([]), "a confirmed hold is no longer held");
    let (status, mine) = app.get("/api/v1/me/bookings", Some(&buyer.token)).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    let item = &mine["items"][0];
    assert_eq!(item["booking_id"], booking);
    assert_eq!(item["listing_title"], "Jazz night");
    assert_eq!(item["tickets"], 2);
    assert_eq!(item["status"], "confirmed");
    assert_eq!(
        item["total"],
        json!({"amount_minor": 5000, "currency": "EUR"})
    );
    assert_eq!(item["refund"], Value::Null);
    let path = format!("/api/v1/me/bookings/{booking}");
    let (status, detail) = app.get(&path, Some(&buyer.token)).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    let codes: Vec<&Value> = detail["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["code"])
        .collect();
    let issued: Vec<&Value> = booked["ticket_codes"].as_array().unwrap().iter().collect();
    assert_eq!(codes, issued);

    let (status, _) = app.get(&path, Some(&other.token)).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another buyer cannot see my booking"
    );
    let (_, theirs) = app.get("/api/v1/me/bookings", Some(&other.token)).await;
    assert_eq!(theirs["items"], json!([]));
    for path in [
        "/api/v1/me/holds",
        "/api/v1/me/bookings",
        path.as_str(),
        "/api/v1/me/waitlist",
    ] {
        let (status, problem) = app.get(path, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}: {problem}");
    }

    let cancel = format!("/api/v1/bookings/{booking}/cancel");
    let (status, body) = app.post(&cancel, Some(&buyer.token), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, detail) = app.read(&path, Some(&buyer.token)).await;
    assert_eq!(detail["status"], "cancelled");
    assert_eq!(detail["refund"]["currency"], "EUR", "{detail}");
}

async fn my_bookings_come_newest_first_a_page_at_a_time(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let (listing, seat) = app.listing(&organizer, json!({}), true).await;
    let mut bookings = Vec::new();
    for _ in 0..3 {
        let booked = app.book(&buyer, &listing, &seat, 1, true).await;
        bookings.push(booked["booking_id"].as_str().unwrap().to_owned());
        app.advance(TimeDelta::minutes(1));
    }
    bookings.reverse();
    let (status, first) = app
        .read("/api/v1/me/bookings?limit=2", Some(&buyer.token))
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let page_ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["booking_id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(page_ids(&first), bookings[..2]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = app
        .get(
            &format!("/api/v1/me/bookings?limit=2&cursor={cursor}"),
            Some(&buyer.token),
        )
        .await;
    assert_eq!(page_ids(&second), bookings[2..]);
    assert_eq!(second["next_cursor"], Value::Null);
}

async fn leave(app: &TestApp, who: &User, listing: &str, entry: &str) {
    let path = format!("/api/v1/listings/{listing}/waitlist/{entry}/leave");
    let (status, body) = app.post(&path, Some(&who.token), json!({})).await;
    assert_eq!(status, StatusCode::OK, "leave: {body}");
}

async fn my_waitlist(app: &TestApp, who: &User) -> Value {
    let (status, entries) = app.read("/api/v1/me/waitlist", Some(&who.token)).await;
    assert_eq!(status, StatusCode::OK, "{entries}");
    assert_eq!(entries.as_array().unwrap().len(), 1, "{entries}");
    entries[0].clone()
}

async fn a_waitlist_position_moves_up_when_someone_ahead_leaves(app: TestApp) {
    let organizer = app.user("organizer").await;
    let holder = app.user("customer").await;
    let (listing, seat) = app
        .listing(
            &organizer,
            spec(&app, 12, "Tiny gig", "Lyon", "Concert", 0, 1),
            true,
        )
        .await;
    let (_, held) = app
        .post(
            &format!("/api/v1/listings/{listing}/holds"),
            Some(&holder.token),
            json!({"ticket_type_id": seat, "seats": 1}),
        )
        .await;
    let mut waiting = Vec::new();
    for _ in 0..3 {
        let who = app.user("customer").await;
        let (status, joined) = app
            .post(
                &format!("/api/v1/listings/{listing}/waitlist"),
                Some(&who.token),
                json!({"ticket_type_id": seat, "party_size": 1}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{joined}");
        waiting.push((who, joined["entry_id"].as_str().unwrap().to_owned()));
    }
    let last = my_waitlist(&app, &waiting[2].0).await;
    assert_eq!(last["entry_id"], waiting[2].1.as_str());
    assert_eq!(last["status"], "waiting");
    assert_eq!(last["position"], 3);

    leave(&app, &waiting[0].0, &listing, &waiting[0].1).await;
    assert_eq!(my_waitlist(&app, &waiting[2].0).await["position"], 2);
    assert_eq!(my_waitlist(&app, &waiting[1].0).await["position"], 1);
    let (_, gone) = app
        .read("/api/v1/me/waitlist", Some(&waiting[0].0.token))
        .await;
    assert_eq!(gone, json!([]), "a left entry is not shown");

    let hold = held["hold_id"].as_str().unwrap();
    let release = format!("/api/v1/listings/{listing}/holds/{hold}/release");
    let (status, body) = app.post(&release, Some(&holder.token), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let offered = my_waitlist(&app, &waiting[1].0).await;
    assert_eq!(offered["status"], "offered", "{offered}");
    assert_eq!(offered["position"], Value::Null);
    let offer = offered["offer_hold_id"].as_str().expect("the offer's hold");
    assert!(offered["offer_expires_at"].is_string());
    let (_, holds) = app.get("/api/v1/me/holds", Some(&waiting[1].0.token)).await;
    assert_eq!(holds[0]["hold_id"], offer);
    assert_eq!(holds[0]["kind"], "offer");
    assert_eq!(holds[0]["entry_id"], waiting[1].1.as_str());
    assert_eq!(my_waitlist(&app, &waiting[2].0).await["position"], 1);
}
