//! The history-length benchmark: a hold on a listing whose stream has 1,000,000 events
//! against a hold on one with 10, on SQLite and PostgreSQL. Loading a listing is its
//! newest snapshot plus the events after it, so the two should cost the same.
//!
//! The long stream is seeded fast, without HTTP: hold-and-release pairs decided by the
//! domain (`decide`), spread over `--history-days` of event time, appended in large
//! batches, and a snapshot saved at the last multiple of the writer's snapshot interval,
//! as the hot writer would have left it. Then, over HTTP:
//! - warm: one process, one client alternating a hold on each listing (each released
//!   right after), p50 and p99 of the holds;
//! - cold: `--cold-runs` fresh starts of the system (new pool, empty writers), the first
//!   hold on each listing after the start, p50 and p99 over the runs.
//!
//! `cargo run --release -p bench --bin history-bench -- --postgres-url postgres://…`

use bench::post;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::{DateTime, TimeDelta, Utc};
use clap::Parser;
use command_api::{scheduler, store, ApiConfig};
use domain::listing::{
    decide, BuyerLimits, CreateListing, HoldSeats, ListingDetails, ListingEvent, ListingState,
    NewTicketType, PublishListing, ReleaseHold, SalesWindow, Venue, MAX_HOLDS_PER_MINUTE,
};
use domain::{
    Actor, CountryCode, Currency, DomainEvent, HoldDuration, HoldId, ListingId, LongText, Money,
    Role, SeatCount, ShortText, TicketTypeId, TimeZoneName, UserId,
};
use eventlog::testing::TestDb;
use eventlog::{EventLog, ExpectedVersion, NewEvent, StreamAppend, StreamId};
use http_kit::jwt::Keys;
use http_kit::Secret;
use serde_json::json;
use uuid::Uuid;

/// History-length benchmark.
#[derive(Parser, Debug)]
struct Args {
    /// Events of the long listing stream.
    #[arg(long, default_value_t = 1_000_000)]
    events: u64,
    /// Events of the short listing stream.
    #[arg(long, default_value_t = 10)]
    short_events: u64,
    /// Days of event time the long stream's holds are spread over (a listing keeps the
    /// holds of its last day in its state, so this sets how much state the snapshot holds).
    #[arg(long, default_value_t = 365)]
    history_days: i64,
    /// Events per seeding append (one transaction).
    #[arg(long, default_value_t = 5000)]
    append_batch: usize,
    /// Holds measured per listing in the warm phase (after 50 unmeasured ones).
    #[arg(long, default_value_t = 1000)]
    warm_holds: usize,
    /// Fresh starts of the system for the cold phase.
    #[arg(long, default_value_t = 10)]
    cold_runs: usize,
    /// PostgreSQL server to create scratch databases on (else only SQLite runs).
    #[arg(long, env = "TEST_DATABASE_URL")]
    postgres_url: Option<String>,
}

/// The JWT secret of the system under test; the benchmark signs its buyer's tokens with it.
const SECRET: &str = "history-bench-secret-0123456789abcdef";

/// Target of the issue: p50(1M events) / p50(10 events).
const TARGET: f64 = 1.5;

fn text(s: &str) -> ShortText {
    ShortText::parse(s).expect("valid text")
}

/// A listing selling from `opens` until 30 days after `now`.
fn details(opens: DateTime<Utc>, now: DateTime<Utc>) -> ListingDetails {
    let starts = now + TimeDelta::days(31);
    ListingDetails {
        title: text("History"),
        description: LongText::parse("A listing with a long stream").expect("valid"),
        venue: Venue {
            name: text("Hall"),
            address: text("1 Main St"),
            city: text("Lyon"),
            country: CountryCode::parse("FR").expect("valid"),
        },
        category: text("concert"),
        starts_at: starts,
        ends_at: starts + TimeDelta::hours(3),
        time_zone: TimeZoneName::parse("Europe/Paris").expect("valid"),
        sales: SalesWindow {
            opens_at: opens,
            closes_at: now + TimeDelta::days(30),
        },
        max_tickets_per_booking: SeatCount::new(4).expect("valid"),
    }
}

/// A seeded listing: its id, ticket type, stream length and the snapshot left for it.
struct Seeded {
    id: ListingId,
    ticket_type: TicketTypeId,
    events: u64,
    snapshot: Option<(u64, usize)>,
}

fn to_new<E: DomainEvent>(events: &[E]) -> Vec<NewEvent> {
    events
        .iter()
        .map(|e| {
            NewEvent::new(
                e.event_type(),
                serde_json::to_value(e).expect("domain events serialize"),
            )
            .with_schema_version(E::SCHEMA_VERSION)
        })
        .collect()
}

/// Seeds one listing stream of about `events` events: drafted and published
/// `history_days` ago, then hold-and-release pairs evenly spread until a minute ago.
async fn seed(
    log: &EventLog,
    events: u64,
    history_days: i64,
    append_batch: usize,
) -> anyhow::Result<Seeded> {
    let now = Utc::now();
    let start = now - TimeDelta::days(history_days);
    let organizer = Actor::new(UserId::from(Uuid::now_v7()), Role::Organizer);
    let buyers: Vec<Actor> = (0..200)
        .map(|_| Actor::new(UserId::from(Uuid::now_v7()), Role::Customer))
        .collect();
    let id = ListingId::from(Uuid::now_v7());
    let ticket_type = TicketTypeId::from(Uuid::now_v7());
    let stream = StreamId::new(id.stream_id()).expect("valid stream id");
    let create = CreateListing {
        actor: organizer,
        listing_id: id,
        details: details(start, now),
        ticket_types: vec![NewTicketType {
            id: ticket_type,
            name: text("General"),
            price: Money::new(2500, Currency::parse("EUR")?)?,
            capacity: 100_000,
        }],
        total_capacity: None,
        // One buyer holds hundreds of times in the measurement: limits that allow it.
        buyer_limits: Some(BuyerLimits {
            max_seats: Some(1_000_000),
            holds_per_minute: MAX_HOLDS_PER_MINUTE,
        }),
        now: start,
    };
    let publish = PublishListing {
        actor: organizer,
        now: start,
    };
    let mut state = ListingState::default();
    let mut pending: Vec<ListingEvent> = Vec::new();
    let mut version = 0u64;
    let mut snapshot: Option<(u64, ListingState)> = None;
    let hold_for = HoldDuration::from_minutes(10)?;
    let pairs = events.saturating_sub(2) / 2;
    let step = (now - TimeDelta::minutes(1) - start) / (pairs.max(1) as i32);
    let mut commands: Vec<domain::listing::ListingCommand> = vec![create.into(), publish.into()];
    let mut pair = 0u64;
    loop {
        for command in commands.drain(..) {
            for event in decide(&state, command).context("seeded command is decided")? {
                state.apply(&event);
                pending.push(event);
                version += 1;
                if version.is_multiple_of(store::SNAPSHOT_EVERY) {
                    snapshot = Some((version, state.clone()));
                }
            }
        }
        if pending.len() >= append_batch || pair >= pairs {
            let append = StreamAppend::new(stream.clone(), ExpectedVersion::Any, to_new(&pending));
            log.append(vec![append]).await?;
            pending.clear();
        }
        if pair >= pairs {
            break;
        }
        let at = start + step * (pair as i32 + 1);
        let buyer = buyers[(pair % buyers.len() as u64) as usize];
        let hold_id = HoldId::from(Uuid::now_v7());
        commands.push(
            HoldSeats {
                actor: buyer,
                hold_id,
                ticket_type_id: ticket_type,
                seats: SeatCount::new(1 + (pair % 3) as u32)?,
                hold_for,
                admission: None,
                now: at,
            }
            .into(),
        );
        commands.push(
            ReleaseHold {
                actor: buyer,
                hold_id,
                offer_for: hold_for,
                now: at + TimeDelta::seconds(1).min(step / 2),
            }
            .into(),
        );
        pair += 1;
    }
    let snapshot = match snapshot {
        Some((at, state)) => {
            let size = serde_json::to_vec(&state)?.len();
            store::save_snapshot(log, &stream, at, &state).await;
            Some((at, size))
        }
        None => None,
    };
    Ok(Seeded {
        id,
        ticket_type,
        events: version,
        snapshot,
    })
}

/// A running system and how to stop it.
struct Running {
    url: String,
    stop: tokio::sync::oneshot::Sender<()>,
    served: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// Starts the system on a fresh pool over `db` (no projections, no notifier: a hold reads
/// neither), and waits until the scheduler's start-up catch-up is done, so the first
/// command runs alone.
async fn start(db: &TestDb) -> anyhow::Result<Running> {
    let log = db.log().await;
    let head = log.head().await?;
    let system = boxoffice::System::start(boxoffice::Config {
        api: ApiConfig {
            login_failures_per_address: u32::MAX,
            ..ApiConfig::default()
        },
        projections: None,
        notifier: None,
        ..boxoffice::Config::new(log.clone(), Secret::new(SECRET))
    })
    .await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(system.serve(listener, async move {
        let _ = stopped.await;
    }));
    let give_up = Instant::now() + Duration::from_secs(300);
    while log.checkpoint(scheduler::CATCH_UP_CHECKPOINT).await? < head {
        if Instant::now() > give_up {
            bail!("the scheduler did not catch up in 300 s");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(Running { url, stop, served })
}

impl Running {
    async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        self.served.await??;
        Ok(())
    }
}

/// Registers a customer and returns a token for it, signed with the system's secret.
async fn buyer(client: &reqwest::Client, url: &str) -> anyhow::Result<String> {
    let email = format!("buyer-{}@bench.example", Uuid::new_v4().simple());
    let (status, body) = post(
        client,
        format!("{url}/api/v1/accounts"),
        None,
        json!({"email": email, "password": "history bench password", "display_name": "Buyer", "kind": "customer"}),
    )
    .await?;
    if status != 201 {
        bail!("register: {status} {body}");
    }
    let id: Uuid = body["user_id"].as_str().context("user id")?.parse()?;
    let keys = Keys::new(SECRET.as_bytes(), Duration::from_secs(24 * 3600));
    Ok(keys
        .issue(Actor::new(UserId::from(id), Role::Customer), Utc::now())?
        .0)
}

/// One hold of one seat on `listing`, timed, then its release (not timed).
async fn hold(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    listing: &Seeded,
) -> anyhow::Result<u32> {
    let started = Instant::now();
    let (status, body) = post(
        client,
        format!("{url}/api/v1/listings/{}/holds", listing.id),
        Some(token),
        json!({"ticket_type_id": listing.ticket_type.to_string(), "seats": 1}),
    )
    .await?;
    let micros = started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
    if status != 201 {
        bail!("hold: {status} {body}");
    }
    let hold_id = body["hold_id"].as_str().context("hold id")?;
    let (status, body) = post(
        client,
        format!(
            "{url}/api/v1/listings/{}/holds/{hold_id}/release",
            listing.id
        ),
        Some(token),
        json!({}),
    )
    .await?;
    if status != 200 && status != 204 {
        bail!("release: {status} {body}");
    }
    Ok(micros)
}

fn quantile_ms(samples: &mut [u32], p: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    samples.sort_unstable();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    f64::from(samples[i]) / 1000.0
}

/// Prints p50/p99 of both listings and the ratio of the p50s beside the target.
fn report(phase: &str, long: &mut [u32], short: &mut [u32], args: &Args) {
    let (l50, l99) = (quantile_ms(long, 0.5), quantile_ms(long, 0.99));
    let (s50, s99) = (quantile_ms(short, 0.5), quantile_ms(short, 0.99));
    println!(
        "  {phase:<5} hold, {:>7} events: p50 {l50:>7.2} ms  p99 {l99:>7.2} ms  ({} holds)",
        args.events,
        long.len()
    );
    println!(
        "  {phase:<5} hold, {:>7} events: p50 {s50:>7.2} ms  p99 {s99:>7.2} ms  ({} holds)",
        args.short_events,
        short.len()
    );
    let ratio = if s50 > 0.0 { l50 / s50 } else { 0.0 };
    println!(
        "  {phase:<5} p50 ratio {}/{}: {ratio:.2}x (target <= {TARGET}x: {}); p99 ratio {:.2}x",
        args.events,
        args.short_events,
        bench::verdict(ratio <= TARGET),
        if s99 > 0.0 { l99 / s99 } else { 0.0 }
    );
}

async fn backend(name: &str, db: TestDb, args: &Args) -> anyhow::Result<()> {
    println!("\n{name}:");
    let log = db.log().await;
    let started = Instant::now();
    let long = seed(&log, args.events, args.history_days, args.append_batch).await?;
    let seconds = started.elapsed().as_secs_f64();
    let short = seed(&log, args.short_events, 1, args.append_batch).await?;
    match long.snapshot {
        Some((at, bytes)) => println!(
            "  seeded {} events in {seconds:.1}s ({:.0} events/s); snapshot at v{at} ({bytes} bytes of state), tail {}",
            long.events,
            long.events as f64 / seconds,
            long.events - at
        ),
        None => println!("  seeded {} events (no snapshot)", long.events),
    }
    println!("  short listing: {} events, no snapshot", short.events);
    drop(log);
    let client = reqwest::Client::new();

    // Warm: one process, the writers' states in memory after the first hold.
    let app = start(&db).await?;
    let token = buyer(&client, &app.url).await?;
    let (mut warm_long, mut warm_short) = (Vec::new(), Vec::new());
    for i in 0..args.warm_holds + 50 {
        let l = hold(&client, &app.url, &token, &long).await?;
        let s = hold(&client, &app.url, &token, &short).await?;
        if i >= 50 {
            warm_long.push(l);
            warm_short.push(s);
        }
    }
    app.stop().await?;
    report("warm", &mut warm_long, &mut warm_short, args);

    // Cold: the first hold on each listing after a fresh start, alternating which is first.
    let (mut cold_long, mut cold_short) = (Vec::new(), Vec::new());
    for run in 0..args.cold_runs {
        let app = start(&db).await?;
        let client = reqwest::Client::new();
        // A request that loads neither listing, so the connection is open.
        client.get(format!("{}/health", app.url)).send().await?;
        if run.is_multiple_of(2) {
            cold_long.push(hold(&client, &app.url, &token, &long).await?);
            cold_short.push(hold(&client, &app.url, &token, &short).await?);
        } else {
            cold_short.push(hold(&client, &app.url, &token, &short).await?);
            cold_long.push(hold(&client, &app.url, &token, &long).await?);
        }
        app.stop().await?;
    }
    report("cold", &mut cold_long, &mut cold_short, args);
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    println!(
        "history length: a hold on a {}-event listing stream vs a {}-event one",
        args.events, args.short_events
    );
    backend("SQLite", TestDb::sqlite(), &args).await?;
    if let Some(url) = args.postgres_url.clone() {
        std::env::set_var(eventlog::testing::TEST_DATABASE_URL, &url);
        let db = TestDb::postgres().await;
        backend("PostgreSQL", db, &args)
            .await
            .context("PostgreSQL")?;
    } else {
        println!("\nPostgreSQL skipped: pass --postgres-url or set TEST_DATABASE_URL");
    }
    Ok(())
}
