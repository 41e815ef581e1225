//! Suspensions and role changes take effect on the account's next request, with the
//! access token it already holds, in the process that decided them and in every other
//! process on the same database (issue 12, item 6).

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{TestApp, User};

api_test!(
    a_suspended_account_is_refused_on_its_next_request,
    a_role_change_holds_on_the_next_request,
);

async fn hold(
    app: &TestApp,
    buyer: &User,
    listing: &str,
    ticket_type: &str,
) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/listings/{listing}/holds"),
        Some(&buyer.token),
        json!({ "ticket_type_id": ticket_type, "seats": 1 }),
    )
    .await
}

async fn suspend(app: &TestApp, admin: &User, user: &User) -> i64 {
    let path = format!("/api/v1/accounts/{}/suspend", user.id);
    let body = json!({ "reason": "chargebacks" });
    let (status, done) = app.post(&path, Some(&admin.token), body).await;
    assert_eq!(status, StatusCode::OK, "suspend: {done}");
    done["position"].as_i64().unwrap()
}

async fn a_suspended_account_is_refused_on_its_next_request(app: TestApp) {
    let organizer = app.user("organizer").await;
    let (listing, ticket_type) = app.listing(&organizer, json!({}), true).await;
    let buyer = app.user("customer").await;
    let admin = app.admin().await;
    let (status, held) = hold(&app, &buyer, &listing, &ticket_type).await;
    assert_eq!(status, StatusCode::CREATED, "{held}");

    suspend(&app, &admin, &buyer).await;

    let head = app.log_head().await;
    let (status, problem) = hold(&app, &buyer, &listing, &ticket_type).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(problem["status"], 403);
    assert_eq!(app.log_head().await, head, "nothing was written");
    let (status, _) = app.get("/api/v1/me/holds", Some(&buyer.token)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "reads refuse it too");

    let path = format!("/api/v1/accounts/{}/reinstate", buyer.id);
    let (status, _) = app.post(&path, Some(&admin.token), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    // Reinstated, it acts again: lets its first hold go and holds anew.
    let first = held["hold_id"].as_str().unwrap();
    let release = format!("/api/v1/listings/{listing}/holds/{first}/release");
    let (status, released) = app.post(&release, Some(&buyer.token), json!({})).await;
    assert_eq!(status, StatusCode::OK, "reinstated: {released}");
    let (status, held) = hold(&app, &buyer, &listing, &ticket_type).await;
    assert_eq!(status, StatusCode::CREATED, "reinstated: {held}");
}

async fn a_role_change_holds_on_the_next_request(app: TestApp) {
    let organizer = app.user("organizer").await;
    let admin = app.admin().await;
    let (listing, _) = app.listing(&organizer, json!({}), false).await;

    let path = format!("/api/v1/accounts/{}/role", organizer.id);
    let body = json!({ "role": { "kind": "customer" } });
    let (status, done) = app.post(&path, Some(&admin.token), body).await;
    assert_eq!(status, StatusCode::OK, "{done}");

    let (_, me) = app.get("/api/v1/me", Some(&organizer.token)).await;
    assert_eq!(me["role"], "customer", "{me}");
    let (status, problem) = app
        .get("/api/v1/organizer/listings", Some(&organizer.token))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let (status, problem) = app
        .post(
            &format!("/api/v1/listings/{listing}/publish"),
            Some(&organizer.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
}

/// Two apps on one PostgreSQL database, as two `serve` processes behind a load balancer:
/// the one that did not decide the suspension learns it from the log, and one that
/// starts afterwards refuses the token from its first request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suspension_reaches_every_process() {
    let first = TestApp::postgres().await;
    let second = first.beside().await;
    let organizer = first.user("organizer").await;
    let (listing, ticket_type) = first.listing(&organizer, json!({}), true).await;
    let buyer = first.user("customer").await;
    let admin = first.admin().await;
    let (status, held) = hold(&second, &buyer, &listing, &ticket_type).await;
    assert_eq!(status, StatusCode::CREATED, "{held}");

    let position = suspend(&first, &admin, &buyer).await;

    assert!(
        second
            .access
            .wait_for(position, Duration::from_secs(10))
            .await,
        "the second process did not follow the log to {position}"
    );
    let (status, problem) = hold(&second, &buyer, &listing, &ticket_type).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let third = first.beside().await;
    let (status, problem) = hold(&third, &buyer, &listing, &ticket_type).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a process started later: {problem}"
    );
}
