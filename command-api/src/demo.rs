//! Demo data: organizers, customers, listings and a few sales created through the API's
//! own routes (in process, no network), so everything the demo shows went through the
//! same checks as a real client's requests: Alice has tickets for the jazz night and waits
//! for the sold-out workshop that Bob booked, so "my tickets", the waitlist position and the
//! organizer's analytics all have something to show.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use chrono::{TimeDelta, Utc};
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::state::AppState;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "boxoffice-demo";

/// What the demo created, for printing.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// (e-mail, kind) of each account.
    pub accounts: Vec<(String, String)>,
    /// (title, listing id) of each published listing.
    pub listings: Vec<(String, String)>,
}

struct Client {
    router: axum::Router,
}

impl Client {
    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> anyhow::Result<Value> {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = request.body(Body::from(body.to_string()))?;
        let response = self.router.clone().oneshot(request).await?;
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await?;
        let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if status != StatusCode::OK && status != StatusCode::CREATED {
            anyhow::bail!("demo request {path} failed with {status}: {value}");
        }
        Ok(value)
    }

    /// Holds `seats` of `ticket_type` and confirms them with the sandbox's paying card.
    async fn book(
        &self,
        token: &str,
        listing: &str,
        ticket_type: &str,
        seats: u32,
    ) -> anyhow::Result<Value> {
        let held = self
            .post(
                &format!("/api/v1/listings/{listing}/holds"),
                Some(token),
                json!({"ticket_type_id": ticket_type, "seats": seats}),
            )
            .await?;
        let hold = held["hold_id"].as_str().unwrap_or_default();
        self.post(
            &format!("/api/v1/listings/{listing}/holds/{hold}/confirm"),
            Some(token),
            json!({"payment_token": "tok_ok"}),
        )
        .await
    }

    async fn account(&self, email: &str, name: &str, kind: &str) -> anyhow::Result<String> {
        self.post(
            "/api/v1/accounts",
            None,
            json!({"email": email, "password": DEMO_PASSWORD, "display_name": name, "kind": kind}),
        )
        .await?;
        let session = self
            .post(
                "/api/v1/sessions",
                None,
                json!({"email": email, "password": DEMO_PASSWORD}),
            )
            .await?;
        Ok(session["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }
}

/// Creates the demo accounts and listings; call on an empty log.
pub async fn seed(state: AppState) -> anyhow::Result<DemoSummary> {
    let log = state.log.clone();
    let client = Client {
        router: crate::api(state).0,
    };
    let mut accounts = Vec::new();
    let organizer = client
        .account("organizer@boxoffice.demo", "Blue Room Events", "organizer")
        .await?;
    accounts.push((
        "organizer@boxoffice.demo".to_owned(),
        "organizer".to_owned(),
    ));
    let mut customers = Vec::new();
    for (email, name) in [
        ("alice@boxoffice.demo", "Alice"),
        ("bob@boxoffice.demo", "Bob"),
        ("admin@boxoffice.demo", "Admin"),
    ] {
        customers.push(client.account(email, name, "customer").await?);
        accounts.push((email.to_owned(), "customer".to_owned()));
    }
    crate::admin::grant_role(&log, "admin@boxoffice.demo", domain::Role::Admin).await?;
    if let Some(admin) = accounts.last_mut() {
        admin.1 = "admin".to_owned();
    }
    let now = Utc::now();
    let specs = [
        (
            "Late Night Jazz",
            "concert",
            "Lyon",
            21,
            vec![("Floor", 2500, 200), ("Balcony", 4000, 40)],
        ),
        (
            "RustConf Europe",
            "conference",
            "Berlin",
            45,
            vec![("Conference day", 19900, 500), ("Student", 0, 50)],
        ),
        (
            "Sourdough Workshop",
            "workshop",
            "Amsterdam",
            10,
            vec![("Seat", 4500, 6)],
        ),
    ];
    let mut listings = Vec::new();
    let mut first_types = Vec::new();
    for (title, category, city, days, types) in specs {
        // An evening: 18:30 UTC is 19:30 in these cities in winter, 20:30 in summer.
        let day = now + TimeDelta::days(days);
        let starts = day
            .date_naive()
            .and_hms_opt(18, 30, 0)
            .map_or(day, |t| t.and_utc());
        let ticket_types: Vec<Value> = types
            .iter()
            .map(|(name, amount, capacity)| {
                json!({"name": name, "price": {"amount": amount, "currency": "EUR"}, "capacity": capacity})
            })
            .collect();
        let created = client
            .post(
                "/api/v1/listings",
                Some(&organizer),
                json!({
                    "title": title,
                    "description": format!("{title}, a demo {category} in {city}."),
                    "venue": {"name": format!("{city} Hall"), "address": "1 Main Street", "city": city, "country": country(city)},
                    "category": category,
                    "starts_at": starts.to_rfc3339(),
                    "ends_at": (starts + TimeDelta::hours(3)).to_rfc3339(),
                    "time_zone": time_zone(city),
                    "sales": {"opens_at": now.to_rfc3339(), "closes_at": (starts - TimeDelta::hours(1)).to_rfc3339()},
                    "max_tickets_per_booking": 6,
                    "ticket_types": ticket_types,
                }),
            )
            .await?;
        let id = created["listing_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        client
            .post(
                &format!("/api/v1/listings/{id}/publish"),
                Some(&organizer),
                json!({}),
            )
            .await?;
        first_types.push(
            created["ticket_type_ids"][0]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
        listings.push((title.to_owned(), id));
    }
    let (alice, bob) = (&customers[0], &customers[1]);
    let (jazz, workshop) = (&listings[0].1, &listings[2].1);
    client.book(alice, jazz, &first_types[0], 2).await?;
    client.book(bob, jazz, &first_types[0], 4).await?;
    client.book(bob, workshop, &first_types[2], 6).await?;
    client
        .post(
            &format!("/api/v1/listings/{workshop}/waitlist"),
            Some(alice),
            json!({"ticket_type_id": first_types[2], "party_size": 1}),
        )
        .await?;
    Ok(DemoSummary { accounts, listings })
}

/// The IANA time zone of a demo city.
fn time_zone(city: &str) -> &'static str {
    match city {
        "Berlin" => "Europe/Berlin",
        "Amsterdam" => "Europe/Amsterdam",
        _ => "Europe/Paris",
    }
}

fn country(city: &str) -> &'static str {
    match city {
        "Berlin" => "DE",
        "Amsterdam" => "NL",
        _ => "FR",
    }
}
