//! Soak test of the real `boxoffice serve` process: a few hundred concurrent registrations
//! and log-ins, then a few thousand random requests. The process's resident memory must
//! stay within a fixed budget (argon2 needs 19 MiB per hash in flight) and no answer may
//! be a server error.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use rand::seq::IndexedRandom;
use rand::Rng;
use serde_json::{json, Value};

/// Resident memory the server may reach during the soak. The hashing pool's buffers
/// (up to 4 × 19 MiB) plus SQLite's caches and the runtime stay well below it; before the
/// pool, 64 concurrent registrations alone took the process past 500 MB.
const RSS_BUDGET_MB: u64 = 200;
const ACCOUNTS: usize = 320;
const CLIENTS: usize = 64;
const RANDOM_REQUESTS: usize = 3_000;

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
        .env("DATABASE_URL", db)
        .env("RUST_LOG", "error")
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start boxoffice serve");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("read first line");
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let url = line
        .trim()
        .strip_prefix("boxoffice listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    Server { child, url }
}

/// The process's resident set in MB, from /proc.
fn rss_mb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc status");
    kb / 1024
}

async fn post(client: &reqwest::Client, url: &str, body: Value) -> (u16, Value) {
    let reply = client.post(url).json(&body).send().await.unwrap();
    let status = reply.status().as_u16();
    (status, reply.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registrations_log_ins_and_random_requests_stay_within_memory_and_never_5xx() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(&format!("sqlite:{}", dir.path().join("box.db").display()));
    let pid = server.child.id();
    let api = format!("{}/api/v1", server.url);
    let client = reqwest::Client::new();
    let before = rss_mb(pid);

    // Registrations and log-ins, 64 at a time: each one hashes a password.
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let (client, api) = (client.clone(), api.clone());
        tasks.push(tokio::spawn(async move {
            let mut tokens = Vec::new();
            for n in (c..ACCOUNTS).step_by(CLIENTS) {
                let email = format!("soak-{n}@example.com");
                let (status, _) = post(
                    &client,
                    &format!("{api}/accounts"),
                    json!({"email": email, "password": "soak-password-1", "display_name": "Soak", "kind": "customer"}),
                )
                .await;
                assert_eq!(status, 201, "registration {n}");
                for password in ["soak-password-1", "wrong-password-1"] {
                    let (status, body) = post(
                        &client,
                        &format!("{api}/sessions"),
                        json!({"email": email, "password": password}),
                    )
                    .await;
                    assert!(status < 500, "log-in answered {status}: {body}");
                    if let Some(token) = body["access_token"].as_str() {
                        tokens.push(token.to_owned());
                    }
                }
            }
            tokens
        }));
    }
    let mut tokens = Vec::new();
    for task in tasks {
        tokens.extend(task.await.unwrap());
    }
    let after_hashing = rss_mb(pid);
    assert!(!tokens.is_empty(), "some log-in succeeded");

    // Random requests over every resource, with and without a token.
    let tokens = Arc::new(tokens);
    let per_client = RANDOM_REQUESTS / CLIENTS;
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (client, base, tokens) = (client.clone(), server.url.clone(), tokens.clone());
        tasks.push(tokio::spawn(async move {
            let mut errors = Vec::new();
            for _ in 0..per_client {
                let (method, path, body) = random_request();
                let mut request = client.request(method.clone(), format!("{base}{path}"));
                if rand::rng().random_bool(0.7) {
                    let token = tokens.choose(&mut rand::rng()).unwrap();
                    request = request.bearer_auth(token);
                }
                if let Some(body) = body {
                    request = request
                        .header("content-type", "application/json")
                        .body(body);
                }
                let status = request.send().await.unwrap().status().as_u16();
                if status >= 500 {
                    errors.push(format!("{method} {path} -> {status}"));
                }
            }
            errors
        }));
    }
    let mut errors = Vec::new();
    for task in tasks {
        errors.extend(task.await.unwrap());
    }
    let after_random = rss_mb(pid);
    println!(
        "soak: RSS {before} MB at start, {after_hashing} MB after {ACCOUNTS} registrations \
         and {} log-ins, {after_random} MB after {RANDOM_REQUESTS} random requests",
        ACCOUNTS * 2
    );
    assert!(errors.is_empty(), "server errors: {errors:?}");
    assert!(
        after_hashing.max(after_random) <= RSS_BUDGET_MB,
        "resident memory {after_hashing} MB / {after_random} MB is over the {RSS_BUDGET_MB} MB budget"
    );
}

/// A request with a random method, a path over the API's resources with random ids, and
/// a random (often malformed) JSON body.
fn random_request() -> (reqwest::Method, String, Option<String>) {
    let mut rng = rand::rng();
    let id = || -> String {
        match rand::rng().random_range(0..4) {
            0 => uuid::Uuid::now_v7().to_string(),
            1 => "not-a-uuid".into(),
            2 => "%00".into(),
            _ => "00000000-0000-0000-0000-000000000000".into(),
        }
    };
    let paths = [
        "/api/v1/listings".to_owned(),
        format!("/api/v1/listings/{}", id()),
        format!("/api/v1/listings/{}/holds", id()),
        format!("/api/v1/listings/{}/holds/{}/confirm", id(), id()),
        format!("/api/v1/listings/{}/waitlist", id()),
        format!("/api/v1/bookings/{}/cancel", id()),
        "/api/v1/checkins".to_owned(),
        "/api/v1/me/bookings".to_owned(),
        "/api/v1/me/holds".to_owned(),
        "/api/v1/me/waitlist".to_owned(),
        format!(
            "/api/v1/listings?q={}&limit={}",
            id(),
            rng.random_range(-5..500)
        ),
        "/api/v1/organizer/listings".to_owned(),
        "/api/v1/admin/overview".to_owned(),
        "/api/v1/sessions/refresh".to_owned(),
        "/health".to_owned(),
        "/ready".to_owned(),
    ];
    let bodies = [
        None,
        Some("{".to_owned()),
        Some("null".to_owned()),
        Some(json!({"seats": rng.random_range(-3..10), "ticket_type_id": id()}).to_string()),
        Some(json!({"code": id(), "payment_token": "tok_ok"}).to_string()),
        Some(json!({"title": "x".repeat(rng.random_range(0..3000))}).to_string()),
    ];
    let method = if rng.random_bool(0.5) {
        reqwest::Method::GET
    } else {
        reqwest::Method::POST
    };
    (
        method,
        paths.choose(&mut rng).unwrap().clone(),
        bodies.choose(&mut rng).unwrap().clone(),
    )
}
