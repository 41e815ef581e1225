//! Two `boxoffice serve` processes on one PostgreSQL database: each has its own hot
//! writer for the same listing, so only the log's expected-version check stands between
//! them and overselling. 200 concurrent buyers go for the last 50 seats through both.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use eventlog::testing::TestDb;
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(db: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_boxoffice"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("DATABASE_URL", db)
        .env(
            "BOXOFFICE_JWT_SECRET",
            "two-processes-share-this-secret-0123456789",
        )
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start boxoffice serve");
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    stdout.read_line(&mut line).expect("first line");
    // Keep reading: the notifier prints the mail it would send, and a closed pipe would
    // make those writes fail.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let url = line
        .trim()
        .strip_prefix("boxoffice listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    Server { child, url }
}

async fn post(
    http: &reqwest::Client,
    url: String,
    token: Option<&str>,
    body: Value,
) -> (StatusCode, Value) {
    let mut request = http.post(url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn login(http: &reqwest::Client, url: &str, kind: &str) -> String {
    let email = format!("{kind}-{}@example.com", uuid::Uuid::new_v4().simple());
    let body = json!({"email": email, "password": "correct horse battery", "display_name": "P", "kind": kind});
    let (status, created) = post(http, format!("{url}/api/v1/accounts"), None, body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, session) = post(
        http,
        format!("{url}/api/v1/sessions"),
        None,
        json!({"email": email, "password": "correct horse battery"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{session}");
    session["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_server_processes_on_one_postgres_never_oversell() {
    let db = TestDb::postgres().await;
    db.log().await; // migrate once before both start
    let servers = [serve(db.url()), serve(db.url())];
    let http = reqwest::Client::new();
    let organizer = login(&http, &servers[0].url, "organizer").await;
    let now = chrono::Utc::now();
    let (status, listing) = post(
        &http,
        format!("{}/api/v1/listings", servers[0].url),
        Some(&organizer),
        json!({
            "title": "Last seats", "venue": {"name": "Hall", "address": "1 Main St", "city": "Lyon", "country": "FR"},
            "category": "concert",
            "starts_at": (now + chrono::TimeDelta::days(30)).to_rfc3339(),
            "ends_at": (now + chrono::TimeDelta::days(30) + chrono::TimeDelta::hours(2)).to_rfc3339(),
            "time_zone": "Europe/Paris",
            "sales": {"opens_at": (now - chrono::TimeDelta::minutes(5)).to_rfc3339(), "closes_at": (now + chrono::TimeDelta::days(29)).to_rfc3339()},
            "max_tickets_per_booking": 4,
            "ticket_types": [{"name": "Floor", "price": {"amount": 0, "currency": "EUR"}, "capacity": 50}],
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{listing}");
    let id = listing["listing_id"].as_str().unwrap().to_owned();
    let tt = listing["ticket_type_ids"][0].as_str().unwrap().to_owned();
    let (status, _) = post(
        &http,
        format!("{}/api/v1/listings/{id}/publish", servers[1].url),
        Some(&organizer),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // More buyers than seats: each may have one open hold of the type.
    let mut buyers = Vec::new();
    for i in 0..60 {
        buyers.push(login(&http, &servers[i % 2].url, "customer").await);
    }
    let mut tasks = Vec::new();
    for i in 0..200 {
        let url = format!("{}/api/v1/listings/{id}/holds", servers[i % 2].url);
        let (http, token, tt) = (http.clone(), buyers[i % 60].clone(), tt.clone());
        tasks.push(tokio::spawn(async move {
            post(
                &http,
                url,
                Some(&token),
                json!({"ticket_type_id": tt, "seats": 1}),
            )
            .await
        }));
    }
    let mut held = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            StatusCode::CREATED => held += 1,
            StatusCode::CONFLICT => {
                let detail = body["detail"].as_str().unwrap_or_default().to_owned();
                assert!(
                    detail.contains("sold out")
                        || detail.contains("left")
                        || detail.contains("already hold"),
                    "{detail}"
                );
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(
        held, 50,
        "exactly the 50 seats were held across both processes"
    );

    // And the log agrees: folding the listing afresh shows 50 held, none free.
    let log = db.log().await;
    let stream = eventlog::StreamId::new(format!("listing-{id}")).unwrap();
    let mut state = domain::listing::ListingState::default();
    for stored in log.read_stream(&stream, 1, 10_000).await.unwrap() {
        let event = serde_json::from_value(stored.payload).unwrap();
        state = <domain::ListingAggregate as domain::Aggregate>::evolve(state, &event);
    }
    let availability = &state.availability()[0];
    assert_eq!(availability.held, 50);
    assert_eq!(availability.free, 0);
}
