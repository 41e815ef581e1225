//! The query API end to end: commands through the API, then what the reads show.
//! `catalog`: search and paging; `listing`: one listing, its live availability and
//! read-your-writes; `catalog_cache`: the cache of public answers; `me`: the caller's holds, bookings and waitlist; `organizer`:
//! attendees, analytics and the admin overview.

mod catalog;
mod catalog_cache;
pub(crate) mod listing;
mod me;
mod organizer;

use chrono::TimeDelta;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::TestApp;

/// A listing `days` out with these title, city, category, price and seats.
pub(crate) fn spec(
    app: &TestApp,
    days: i64,
    title: &str,
    city: &str,
    category: &str,
    price: i64,
    seats: u32,
) -> Value {
    let now = app.clock.now();
    let starts = now + TimeDelta::days(days);
    json!({
        "title": title,
        "venue": {"name": "Hall", "address": "1 Main St", "city": city, "country": "FR"},
        "category": category,
        "starts_at": starts.to_rfc3339(),
        "ends_at": (starts + TimeDelta::hours(2)).to_rfc3339(),
        "sales": {"opens_at": now.to_rfc3339(), "closes_at": (starts - TimeDelta::hours(1)).to_rfc3339()},
        "ticket_types": [{"name": "Seat", "price": {"amount": price, "currency": "EUR"}, "capacity": seats}],
    })
}

/// The ids of a page's items, in order.
pub(crate) fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {page}"))
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The fields a 422 names.
pub(crate) fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) async fn search(app: &TestApp, query: &str) -> Vec<String> {
    let (status, page) = app.read(&format!("/api/v1/listings?{query}"), None).await;
    assert_eq!(status, StatusCode::OK, "{query}: {page}");
    ids(&page)
}
