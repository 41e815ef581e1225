//! A listing that breaks a rule of its own (ends before it starts, sales close before
//! they open, a capacity of 0 or above the maximum, two ticket types with one name, mixed
//! currencies) is a 422 naming the field, on create and on change, and nothing is
//! written (issue 12, item 9). What the listing's state refuses stays a 409.

use chrono::TimeDelta;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::reads::fields;
use crate::support::{TestApp, User};

api_test!(
    a_new_listing_that_breaks_a_rule_names_the_field,
    a_change_that_breaks_a_rule_names_the_field,
);

/// A change to a request body.
type Change = Box<dyn FnOnce(&mut Value)>;

/// A valid listing body with `change` applied to it.
fn listing(app: &TestApp, change: impl FnOnce(&mut Value)) -> Value {
    let mut body = app.listing_body(json!({
        "ticket_types": [
            {"name": "Floor", "price": {"amount": 2500, "currency": "EUR"}, "capacity": 10},
            {"name": "Balcony", "price": {"amount": 1500, "currency": "EUR"}, "capacity": 10},
        ],
    }));
    change(&mut body);
    body
}

async fn refused(app: &TestApp, user: &User, path: &str, body: Value) -> Vec<String> {
    let head = app.log_head().await;
    let (status, problem) = app.post(path, Some(&user.token), body).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{path}: {problem}"
    );
    assert_eq!(problem["status"], 422);
    assert!(problem["errors"][0]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    assert_eq!(app.log_head().await, head, "nothing was written");
    fields(&problem)
}

async fn a_new_listing_that_breaks_a_rule_names_the_field(app: TestApp) {
    let organizer = app.user("organizer").await;
    let now = app.clock.now();
    let cases: Vec<(Change, &str)> = vec![
        (
            Box::new(|b| b["ends_at"] = b["starts_at"].clone()),
            "ends_at",
        ),
        (
            Box::new(|b| b["sales"]["closes_at"] = b["sales"]["opens_at"].clone()),
            "sales.closes_at",
        ),
        (
            Box::new(move |b| b["starts_at"] = json!((now - TimeDelta::days(1)).to_rfc3339())),
            "starts_at",
        ),
        (
            Box::new(|b| b["ticket_types"][1]["capacity"] = json!(0)),
            "ticket_types[1].capacity",
        ),
        (
            Box::new(|b| b["ticket_types"][0]["capacity"] = json!(1_000_001)),
            "ticket_types[0].capacity",
        ),
        (
            Box::new(|b| b["total_capacity"] = json!(0)),
            "total_capacity",
        ),
        (
            Box::new(|b| b["ticket_types"][1]["name"] = json!("FLOOR")),
            "ticket_types[1].name",
        ),
        (
            Box::new(|b| b["ticket_types"][1]["price"]["currency"] = json!("USD")),
            "ticket_types[1].price.currency",
        ),
    ];
    for (change, field) in cases {
        let body = listing(&app, change);
        assert_eq!(
            refused(&app, &organizer, "/api/v1/listings", body).await,
            [field]
        );
    }
    let (status, created) = app
        .post(
            "/api/v1/listings",
            Some(&organizer.token),
            listing(&app, |_| {}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "the valid body: {created}");
}

async fn a_change_that_breaks_a_rule_names_the_field(app: TestApp) {
    let organizer = app.user("organizer").await;
    let (status, created) = app
        .post(
            "/api/v1/listings",
            Some(&organizer.token),
            listing(&app, |_| {}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["listing_id"].as_str().unwrap();
    let floor = created["ticket_type_ids"][0].as_str().unwrap();
    let details = |change: &dyn Fn(&mut Value)| {
        let mut body = listing(&app, |_| {});
        let body = body.as_object_mut().unwrap();
        body.remove("ticket_types");
        let mut body = Value::Object(body.clone());
        change(&mut body);
        body
    };
    let path = format!("/api/v1/listings/{id}/details");
    let ends_first = details(&|b| b["ends_at"] = b["starts_at"].clone());
    assert_eq!(
        refused(&app, &organizer, &path, ends_first).await,
        ["ends_at"]
    );
    let sales_inverted = details(&|b| b["sales"]["closes_at"] = b["sales"]["opens_at"].clone());
    assert_eq!(
        refused(&app, &organizer, &path, sales_inverted).await,
        ["sales.closes_at"]
    );

    let path = format!("/api/v1/listings/{id}/ticket_types");
    let new_type = |name: &str, currency: &str, capacity: u32| json!({"name": name, "price": {"amount": 100, "currency": currency}, "capacity": capacity});
    let cases = [
        (new_type("floor", "EUR", 5), "name"),
        (new_type("Box", "USD", 5), "price.currency"),
        (new_type("Box", "EUR", 0), "capacity"),
        (new_type("Box", "EUR", 1_000_001), "capacity"),
    ];
    for (body, field) in cases {
        assert_eq!(refused(&app, &organizer, &path, body).await, [field]);
    }

    let path = format!("/api/v1/listings/{id}/ticket_types/{floor}/capacity");
    let too_many = json!({"capacity": 1_000_001});
    assert_eq!(
        refused(&app, &organizer, &path, too_many).await,
        ["capacity"]
    );
}
