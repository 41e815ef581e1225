//! The read side's health and rebuilds seen from outside: a stuck projection shows in
//! `/ready` and `/metrics` while the others keep serving, and `replay --all` under live
//! bookings and queries never breaks a read; `verify` passes afterwards.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::TestApp;

api_test!(
    a_stuck_projection_fails_ready_and_shows_in_metrics_while_the_others_serve,
    replay_under_bookings_and_queries_never_breaks_a_read,
);

async fn rename(app: &TestApp, from: &str, to: &str) {
    let mut conn = eventlog::sql::Conn::acquire(&app.log).await.unwrap();
    conn.db()
        .exec(&format!("ALTER TABLE {from} RENAME TO {to}"), Vec::new())
        .await
        .unwrap();
}

async fn a_stuck_projection_fails_ready_and_shows_in_metrics_while_the_others_serve(app: TestApp) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let (listing, ticket_type) = app.listing(&organizer, serde_json::json!({}), true).await;
    app.book(&buyer, &listing, &ticket_type, 1, true).await;
    app.drain_projections().await;
    let (status, _) = app.get("/ready", None).await;
    assert_eq!(status, StatusCode::OK);

    // Analytics loses a table; the next booking cannot be applied there.
    rename(&app, "rm_daily_sales", "rm_daily_sales_gone").await;
    let booked = app.book(&buyer, &listing, &ticket_type, 2, true).await;
    let position = booked["position"]
        .as_i64()
        .expect("commands answer their position");
    // Reads from the healthy projections are fresh.
    let (status, detail) = app
        .get(
            &format!("/api/v1/listings/{listing}?after={position}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["ticket_types"][0]["sold"], 3, "{detail}");

    // Once analytics has been behind without progress for longer than the threshold
    // (2 s in tests), /ready fails and says which projection and why.
    let mut ready = Value::Null;
    for _ in 0..60 {
        let (status, body) = app.get("/ready", None).await;
        ready = body;
        if status == StatusCode::SERVICE_UNAVAILABLE {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(ready["status"], "unavailable", "{ready}");
    let verdicts = ready["projections"]["projections"].as_array().unwrap();
    let analytics = verdicts.iter().find(|p| p["name"] == "analytics").unwrap();
    assert_eq!(analytics["verdict"], "stuck", "{ready}");
    assert!(
        analytics["last_error"]
            .as_str()
            .unwrap()
            .contains("rm_daily_sales"),
        "{ready}"
    );
    assert!(analytics["lag_events"].as_i64().unwrap() > 0);
    let catalog = verdicts.iter().find(|p| p["name"] == "catalog").unwrap();
    assert_eq!(catalog["verdict"], "ok", "{ready}");

    let metrics = app
        .http
        .get(app.at("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let line = |prefix: &str| {
        metrics
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in {metrics}"))
            .to_owned()
    };
    assert!(line("boxoffice_projection_failing{projection=\"analytics\"}").ends_with(" 1"));
    assert!(line("boxoffice_projection_failing{projection=\"catalog\"}").ends_with(" 0"));
    assert!(
        line("boxoffice_projection_last_error_info{projection=\"analytics\"")
            .contains("rm_daily_sales")
    );
    let lag = line("boxoffice_projection_lag_events{projection=\"analytics\"}");
    assert!(!lag.ends_with(" 0"), "{lag}");

    // Repaired, it recovers by itself and /ready is green again.
    rename(&app, "rm_daily_sales_gone", "rm_daily_sales").await;
    app.drain_projections().await;
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..50 {
        status = app.get("/ready", None).await.0;
        if status == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, StatusCode::OK);
    let report = projections::verify::verify(&app.log, &projections::Projection::ALL)
        .await
        .unwrap();
    assert!(report.mismatches.is_empty(), "{:?}", report.mismatches);
}

async fn replay_under_bookings_and_queries_never_breaks_a_read(app: TestApp) {
    let organizer = app.user("organizer").await;
    let (listing, ticket_type) = app
        .listing(
            &organizer,
            // One buyer books 16 times within a minute: limits that allow it.
            serde_json::json!({"ticket_types": [
                {"name": "Floor", "price": {"amount": 2500, "currency": "EUR"}, "capacity": 200},
                {"name": "Balcony", "price": {"amount": 1500, "currency": "EUR"}, "capacity": 50}
            ], "buyer_limits": {"max_seats": 100, "holds_per_minute": 100}}),
            true,
        )
        .await;
    let buyers = [app.user("customer").await, app.user("customer").await];
    for buyer in &buyers {
        app.book(buyer, &listing, &ticket_type, 1, true).await;
    }
    app.drain_projections().await;
    let app = std::sync::Arc::new(app);

    let booking = {
        let (app, listing, ticket_type) = (app.clone(), listing.clone(), ticket_type.clone());
        let buyer = buyers[0].clone();
        tokio::spawn(async move {
            for _ in 0..15 {
                app.book(&buyer, &listing, &ticket_type, 1, true).await;
            }
        })
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let querying = {
        let (app, listing) = (app.clone(), listing.clone());
        let buyer = buyers[1].clone();
        tokio::spawn(async move {
            let mut reads = 0;
            while !*stopped.borrow() || reads < 20 {
                let (status, detail) = app.get(&format!("/api/v1/listings/{listing}"), None).await;
                assert_eq!(status, StatusCode::OK, "{detail}");
                // Never a half-built model: both ticket types, counts that add up.
                let types = detail["ticket_types"].as_array().unwrap();
                assert_eq!(types.len(), 2, "{detail}");
                for t in types {
                    let sum = t["sold"].as_i64().unwrap()
                        + t["held"].as_i64().unwrap()
                        + t["free"].as_i64().unwrap();
                    assert_eq!(sum, t["capacity"].as_i64().unwrap(), "{detail}");
                }
                assert!(types[0]["sold"].as_i64().unwrap() >= 2, "{detail}");
                let (status, search) = app.get("/api/v1/listings?q=jazz", None).await;
                assert_eq!(status, StatusCode::OK, "{search}");
                assert_eq!(search["items"].as_array().unwrap().len(), 1, "{search}");
                let (status, mine) = app.get("/api/v1/me/bookings", Some(&buyer.token)).await;
                assert_eq!(status, StatusCode::OK, "{mine}");
                assert_eq!(mine["items"].as_array().unwrap().len(), 1, "{mine}");
                reads += 1;
            }
            reads
        })
    };
    for _ in 0..2 {
        projections::replay::replay(&app.log, &projections::Projection::ALL, 50, &mut |_| {})
            .await
            .unwrap();
    }
    booking.await.unwrap();
    let _ = stop.send(true);
    let reads = querying.await.unwrap();
    assert!(reads >= 20);
    app.drain_projections().await;
    let (_, detail) = app.get(&format!("/api/v1/listings/{listing}"), None).await;
    assert_eq!(detail["ticket_types"][0]["sold"], 17, "{detail}");
    let report = projections::verify::verify(&app.log, &projections::Projection::ALL)
        .await
        .unwrap();
    assert!(report.mismatches.is_empty(), "{:?}", report.mismatches);
}
