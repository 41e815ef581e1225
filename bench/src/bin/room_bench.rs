//! The waiting-room benchmark (issue 14): a flash sale with the room on. Buyers (10,000 by
//! default) join before the opening; the scheduler lets them in at the set rate; each
//! client does what a well-behaved browser does: it reads its place once, waits until the
//! estimated admission time, tries to hold one seat with the admission token its place
//! then carries, and confirms it. Meanwhile a sample of buyers watch their place over SSE.
//!
//! Prints the time from the opening to sold out, how fair it was (the share of seats that
//! went to the first buyers of the line the opening's seed drew, and how many seated buyers
//! stood behind someone admitted earlier who went without), and the latency from each
//! `admission_granted` event to the SSE `place` event that told its buyer.
//!
//! `cargo run --release -p bench --bin room-bench -- --buyers 10000 --seats 2000`
//! (SQLite, in-process, projections running as in production).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use bench::post;
use chrono::{DateTime, TimeDelta, Utc};
use clap::Parser;
use command_api::ApiConfig;
use domain::listing::{rank, ListingEvent};
use domain::{Actor, Role, UserId};
use eventlog::testing::TestDb;
use eventlog::StreamId;
use http_kit::jwt::Keys;
use serde_json::{json, Value};
use tokio::sync::Semaphore;

/// Waiting-room load generator.
#[derive(Parser, Debug)]
struct Args {
    /// Buyers in the room.
    #[arg(long, default_value_t = 10_000)]
    buyers: usize,
    /// Seats on sale (one per buyer).
    #[arg(long, default_value_t = 2_000)]
    seats: u32,
    /// Buyers let in per minute (set it to the hold rate the engine sustains).
    #[arg(long, default_value_t = 30_000)]
    admitted_per_minute: u32,
    /// Buyers who also watch their place over SSE.
    #[arg(long, default_value_t = 200)]
    watchers: usize,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 256)]
    concurrency: usize,
    /// Longest the sale may run after the opening (seconds).
    #[arg(long, default_value_t = 120)]
    max_seconds: u64,
}

const SECRET: &str = "bench-secret-bench-secret-bench-secret";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let db = TestDb::sqlite();
    let log = db.log().await;
    let config = ApiConfig {
        login_failures_per_address: u32::MAX,
        ..ApiConfig::default()
    };
    let app = bench::app::start(log.clone(), config, true).await?;
    let url = app.url.clone();
    let client = reqwest::Client::new();
    let keys = Keys::new(SECRET.as_bytes(), Duration::from_secs(3600));
    let token = |role: Role| -> anyhow::Result<(UserId, String)> {
        let id = UserId::from(uuid::Uuid::now_v7());
        Ok((id, keys.issue(Actor::new(id, role), Utc::now())?.0))
    };
    let (_, organizer) = token(Role::Organizer)?;
    let one_each = json!({"title": "Room sale", "max_tickets_per_booking": 1});
    let (listing, ticket_type) =
        bench::published_listing(&client, &url, &organizer, args.seats, one_each).await?;
    let buyers: Vec<(UserId, String)> = (0..args.buyers)
        .map(|_| token(Role::Customer))
        .collect::<anyhow::Result<_>>()?;

    // Joining takes a while; the opening is set once everyone is in.
    let room = format!("{url}/api/v1/listings/{listing}/waiting_room");
    let far = Utc::now() + TimeDelta::hours(1);
    set_room(&client, &room, &organizer, far, args.admitted_per_minute).await?;
    let started = Instant::now();
    let gate = Arc::new(Semaphore::new(args.concurrency));
    let joins = buyers.iter().map(|(_, t)| {
        let (client, gate, path, t) = (
            client.clone(),
            gate.clone(),
            format!("{room}/join"),
            t.clone(),
        );
        async move {
            let _turn = gate.acquire().await;
            post(&client, path, Some(&t), json!({})).await
        }
    });
    for answer in futures::future::join_all(joins).await {
        let (status, body) = answer?;
        if status != 201 {
            bail!("join: {status} {body}");
        }
    }
    let joined_in = started.elapsed().as_secs_f64();
    println!(
        "room bench (SQLite, in-process): {} buyers joined in {joined_in:.1} s ({:.0}/s); {} seats; {} let in per minute",
        args.buyers,
        args.buyers as f64 / joined_in,
        args.seats,
        args.admitted_per_minute
    );
    let opens_at = Utc::now() + TimeDelta::seconds(3);
    set_room(
        &client,
        &room,
        &organizer,
        opens_at,
        args.admitted_per_minute,
    )
    .await?;

    // Watchers: spread over the buyers, each notes when its stream said "admitted".
    let step = (args.buyers / args.watchers.max(1)).max(1);
    let watchers: Vec<_> = buyers
        .iter()
        .step_by(step)
        .take(args.watchers)
        .map(|(id, t)| {
            let (id, t) = (*id, t.clone());
            let path = format!("{room}/me/stream");
            let client = client.clone();
            tokio::spawn(async move { (id, watch_until_admitted(&client, &path, &t).await) })
        })
        .collect();

    // Every buyer: wait for the turn, hold one seat, confirm.
    let deadline = Instant::now() + Duration::from_secs(args.max_seconds + 3);
    let gate = Arc::new(Semaphore::new(args.concurrency));
    let tasks: Vec<_> = buyers
        .iter()
        .map(|(id, t)| {
            let (id, t, client, gate) = (*id, t.clone(), client.clone(), gate.clone());
            let (url, listing, ticket_type) = (url.clone(), listing.clone(), ticket_type.clone());
            tokio::spawn(async move {
                let seated = buy(&client, &url, &listing, &ticket_type, &t, &gate, deadline).await;
                (id, seated)
            })
        })
        .collect();
    let mut seated: HashMap<UserId, DateTime<Utc>> = HashMap::new();
    let mut without: std::collections::BTreeMap<String, u64> = Default::default();
    let mut errors = 0u64;
    for task in tasks {
        match task.await? {
            (id, Ok(Ok(at))) => {
                seated.insert(id, at);
            }
            (_, Ok(Err(why))) => *without.entry(why).or_default() += 1,
            (_, Err(_)) => errors += 1,
        }
    }

    // The log: the seed's line, who was let in when.
    let stream = StreamId::new(format!("listing-{listing}"))?;
    let events: Vec<ListingEvent> = log
        .read_stream(&stream, 1, 10_000_000)
        .await?
        .into_iter()
        .map(|e| serde_json::from_value(e.payload))
        .collect::<Result<_, _>>()?;
    let (seed, opened_at) = events
        .iter()
        .find_map(|e| match e {
            ListingEvent::WaitingRoomOpened { seed, at } => Some((*seed, *at)),
            _ => None,
        })
        .context("the room opened")?;
    let admitted: HashMap<UserId, DateTime<Utc>> = events
        .iter()
        .filter_map(|e| match e {
            ListingEvent::AdmissionGranted { buyer, at, .. } => Some((*buyer, *at)),
            _ => None,
        })
        .collect();
    let mut line: Vec<UserId> = buyers.iter().map(|(id, _)| *id).collect();
    line.sort_by_key(|id| (rank(seed, *id), *id));

    let sold_out = seated.values().max().copied();
    let first = line.iter().take(seated.len());
    let in_order = first.filter(|id| seated.contains_key(id)).count();
    // A seated buyer behind someone admitted earlier who went without.
    let mut missed_before = 0usize;
    let mut inversions = 0usize;
    for id in &line {
        match (admitted.contains_key(id), seated.contains_key(id)) {
            (true, false) => missed_before += 1,
            (true, true) if missed_before > 0 => inversions += 1,
            _ => {}
        }
    }
    match sold_out {
        Some(at) if seated.len() as u32 == args.seats => println!(
            "  opening to sold out: {:.2} s ({} seats, {} admissions, {:.0} bookings/s)",
            (at - opened_at).num_milliseconds() as f64 / 1000.0,
            seated.len(),
            admitted.len(),
            seated.len() as f64 / ((at - opened_at).num_milliseconds().max(1) as f64 / 1000.0)
        ),
        _ => println!(
            "  NOT sold out within {} s: {} of {} seats booked",
            args.max_seconds,
            seated.len(),
            args.seats
        ),
    }
    println!(
        "  fairness: {:.1}% of the seats went to the first {} of the seed's line; {} seated buyers stood behind an earlier admission that went without",
        100.0 * in_order as f64 / seated.len().max(1) as f64,
        seated.len(),
        inversions
    );
    let mut lags: Vec<f64> = Vec::new();
    let mut unseen = 0usize;
    for watcher in watchers {
        let (id, told) = watcher.await?;
        match (told, admitted.get(&id)) {
            (Ok(Some(told)), Some(at)) => {
                lags.push((told - *at).num_microseconds().unwrap_or(0) as f64 / 1000.0)
            }
            (_, Some(_)) => unseen += 1,
            _ => {}
        }
    }
    lags.sort_by(f64::total_cmp);
    let q = |p: f64| {
        lags.get(((lags.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    println!(
        "  place over SSE, admission event to the buyer's 'admitted' event: {} watchers told, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} admitted watchers not told in time)",
        lags.len(),
        q(0.5),
        q(0.99),
        q(1.0),
        unseen
    );
    println!("  went without: {without:?}; request errors: {errors}");
    Ok(())
}

async fn set_room(
    client: &reqwest::Client,
    room: &str,
    token: &str,
    opens_at: DateTime<Utc>,
    rate: u32,
) -> anyhow::Result<()> {
    let body = json!({"enabled": true, "opens_at": opens_at, "admitted_per_minute": rate, "admission_minutes": 5});
    let (status, body) = post(client, room.to_owned(), Some(token), body).await?;
    if status != 200 {
        bail!("waiting room: {status} {body}");
    }
    Ok(())
}

/// Reads the place stream until it says "admitted"; when that event arrived.
async fn watch_until_admitted(
    client: &reqwest::Client,
    path: &str,
    token: &str,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    let mut response = client.get(path).bearer_auth(token).send().await?;
    let mut buffer = String::new();
    let limit = tokio::time::Instant::now() + Duration::from_secs(300);
    while let Ok(chunk) = tokio::time::timeout_at(limit, response.chunk()).await {
        let Some(chunk) = chunk? else { return Ok(None) };
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let data = block.lines().find_map(|l| l.strip_prefix("data:"));
            if let Some(data) = data {
                let place: Value = serde_json::from_str(data.trim())?;
                if place["status"] == "admitted" {
                    return Ok(Some(Utc::now()));
                }
            }
        }
    }
    Ok(None)
}

/// One buyer: waits for the turn the place estimates, holds one seat and confirms it;
/// when the confirmation was answered, or why it went without (sold out, say).
async fn buy(
    client: &reqwest::Client,
    url: &str,
    listing: &str,
    ticket_type: &str,
    token: &str,
    gate: &Semaphore,
    deadline: Instant,
) -> anyhow::Result<Result<DateTime<Utc>, String>> {
    let place_url = format!("{url}/api/v1/listings/{listing}/waiting_room/me");
    let hold_url = format!("{url}/api/v1/listings/{listing}/holds");
    while Instant::now() < deadline {
        let place: Value = {
            let _turn = gate.acquire().await?;
            client
                .get(&place_url)
                .bearer_auth(token)
                .send()
                .await?
                .json()
                .await?
        };
        match place["status"].as_str() {
            Some("admitted") => {}
            // Not joined yet: the read model has not caught up with the join.
            Some("waiting" | "not_joined") => {
                let wait = place["estimated_admission_at"]
                    .as_str()
                    .and_then(|t| t.parse::<DateTime<Utc>>().ok())
                    .map_or(Duration::from_millis(500), |at| {
                        (at - Utc::now())
                            .to_std()
                            .unwrap_or_default()
                            .max(Duration::from_millis(100))
                    });
                tokio::time::sleep(wait.min(Duration::from_secs(5))).await;
                continue;
            }
            other => {
                let why = other.map_or_else(|| place.to_string(), str::to_owned);
                return Ok(Err(format!("place {why}")));
            }
        }
        let _turn = gate.acquire().await?;
        // The admission token the place read gave: the hold needs it while the room is on.
        let admission = place["admission_token"]
            .as_str()
            .context("admission token")?;
        let (status, held) = post(
            client,
            hold_url.clone(),
            Some(token),
            json!({"ticket_type_id": ticket_type, "seats": 1, "admission_token": admission}),
        )
        .await?;
        if status != 201 {
            // Sold out, or let in just now and the projection has not caught up: ask again.
            if held["detail"]
                .as_str()
                .is_some_and(|d| d.contains("waiting room"))
            {
                continue;
            }
            return Ok(Err(format!("hold {status} {}", held["detail"])));
        }
        let hold = held["hold_id"].as_str().context("hold id")?;
        let (status, body) = post(
            client,
            format!("{hold_url}/{hold}/confirm"),
            Some(token),
            json!({}),
        )
        .await?;
        if status != 201 {
            bail!("confirm: {status} {body}");
        }
        return Ok(Ok(Utc::now()));
    }
    Ok(Err("out of time".into()))
}
