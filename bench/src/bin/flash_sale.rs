//! The flash-sale benchmark: one published listing with many seats, hundreds of buyers
//! over HTTP keep-alive holding 1–4 seats and confirming until it sells out. The same run
//! measures the load with the hot writer off (plain load-decide-append with retries) and a
//! no-op endpoint's request rate, prints the ratios, and checks the log for overselling.
//! The projections run in the same process, as in production; a watcher polls the
//! `catalog` checkpoint every millisecond to measure how long after a booking's answer
//! its position becomes visible on the read side.
//!
//!
//! With `--external`, the same sale also drives a `boxoffice serve` child process (the
//! release binary beside this one, or `--server-bin`) over loopback and reports the
//! server's CPU per confirmed booking from `/proc`, PostgreSQL's backends included.
//!
//! With `--cluster DIR`, only that sale runs, through the load balancer of a deployment
//! that `scripts/cluster.sh up` started in DIR: CPU per booking sums every API process and
//! the whole PostgreSQL server, the writers' cross-process conflicts come from each API
//! process's `/metrics`, and a last `scale-result` line sums it up for
//! `scripts/scale-bench.sh`.
//!
//! `cargo run --release -p bench --bin flash-sale -- --postgres-url postgres://…`

use bench::post;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use bench::external::{self, Cluster, CpuProbe, CpuReading, ServerProcess};
use clap::Parser;
use command_api::ApiConfig;
use domain::listing::ListingState;
use domain::{Actor, Aggregate, ListingAggregate, Role, UserId};
use eventlog::testing::TestDb;
use eventlog::{EventLog, StreamId};
use http_kit::jwt::Keys;
use projections::status::checkpoint_name;
use rand::Rng;
use serde_json::{json, Value};

/// Flash-sale load generator.
#[derive(Parser, Debug)]
struct Args {
    /// Seats on sale.
    #[arg(long, default_value_t = 100_000)]
    seats: u32,
    /// Concurrent buyers.
    #[arg(long, default_value_t = 256)]
    buyers: usize,
    /// Longest a sale may run before it is cut off (seconds).
    #[arg(long, default_value_t = 60)]
    max_seconds: u64,
    /// Seconds of the no-op measurement.
    #[arg(long, default_value_t = 5)]
    noop_seconds: u64,
    /// Do not run the projections in-process (and do not measure their lag).
    #[arg(long)]
    no_projections: bool,
    /// PostgreSQL server to create scratch databases on (else only SQLite runs).
    #[arg(long, env = "TEST_DATABASE_URL")]
    postgres_url: Option<String>,
    /// Also run the sale against an external `boxoffice serve` process and report its
    /// CPU per confirmed booking.
    #[arg(long)]
    external: bool,
    /// The `boxoffice` binary for `--external` (default: the one beside this benchmark).
    #[arg(long)]
    server_bin: Option<PathBuf>,
    /// Run only the sale through the load balancer of the cluster whose state directory
    /// this is (`scripts/cluster.sh`'s `CLUSTER_DIR`).
    #[arg(long)]
    cluster: Option<PathBuf>,
}

/// The JWT secret of the external server, which the benchmark signs its buyers' tokens
/// with: every buyer comes from 127.0.0.1, whose log-ins the server rightly limits.
const EXTERNAL_SECRET: &str = "flash-sale-external-secret-0123456789";

struct Server {
    url: String,
    log: EventLog,
    /// The scratch database, dropped with the server (None: a cluster's own).
    _db: Option<TestDb>,
    external: Option<External>,
}

/// A server in other processes: one `serve` child or a whole cluster.
struct External {
    /// The child process, killed when dropped (None: a cluster).
    _process: Option<ServerProcess>,
    probe: CpuProbe,
    /// The keys its tokens are signed with.
    keys: Keys,
    /// Base URL of every API process, whose `/metrics` count the writers' conflicts.
    metrics: Vec<String>,
}

/// Issue 13's targets: hold, confirm and catalog-visible p99 below this many ms...
const LATENCY_TARGET_MS: f64 = 50.0;
/// ...and booking requests at least this share of the no-op request rate.
const BOOKING_TO_NOOP_TARGET: f64 = 0.5;

/// The writers' counter of cross-process conflicts (command-api/src/writer).
const CONFLICTS: &str = "boxoffice_writer_conflicts_total";

async fn start(db: TestDb, hot: bool, run_projections: bool) -> anyhow::Result<Server> {
    let log = db.log().await;
    let config = ApiConfig {
        hot_writer: hot,
        // Every buyer logs in from 127.0.0.1 here.
        login_failures_per_address: u32::MAX,
        ..ApiConfig::default()
    };
    let app = bench::app::start(log.clone(), config, run_projections).await?;
    Ok(Server {
        url: app.url,
        log,
        _db: Some(db),
        external: None,
    })
}

/// `boxoffice serve` as a child process on `db`, projections on, as deployed on one node.
async fn start_external(db: TestDb, binary: &std::path::Path) -> anyhow::Result<Server> {
    let log = db.log().await;
    let log_file =
        std::env::temp_dir().join(format!("flash-sale-serve-{}.log", std::process::id()));
    let process = ServerProcess::start(
        binary,
        db.url(),
        EXTERNAL_SECRET,
        &["--web-dir", "/nonexistent"],
        &log_file,
    )
    .await?;
    let probe = CpuProbe::new(process.pid(), db.url());
    let keys = Keys::new(EXTERNAL_SECRET.as_bytes(), Duration::from_secs(3600));
    Ok(Server {
        url: process.url.clone(),
        log,
        _db: Some(db),
        external: Some(External {
            metrics: vec![process.url.clone()],
            _process: Some(process),
            probe,
            keys,
        }),
    })
}

/// The load balancer of a running cluster, with its API processes and PostgreSQL server.
async fn connect_cluster(cluster: &Cluster) -> anyhow::Result<Server> {
    let log = EventLog::connect(&cluster.database_url)
        .await
        .context("connecting to the cluster's database")?;
    let keys = Keys::new(cluster.jwt_secret.as_bytes(), Duration::from_secs(3600));
    Ok(Server {
        url: cluster.url.clone(),
        log,
        _db: None,
        external: Some(External {
            _process: None,
            probe: cluster.probe(),
            keys,
            metrics: cluster.api.iter().map(|(_, url)| url.clone()).collect(),
        }),
    })
}

/// When each `catalog` checkpoint was first seen, polled every millisecond until `stop`.
async fn watch_catalog(
    log: EventLog,
    stop: Arc<AtomicBool>,
) -> anyhow::Result<Vec<(i64, Instant)>> {
    let name = checkpoint_name("catalog");
    let mut seen = Vec::new();
    let mut last = log.checkpoint(&name).await?;
    let mut tick = tokio::time::interval(Duration::from_millis(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while !stop.load(Ordering::Relaxed) {
        tick.tick().await;
        let position = log.checkpoint(&name).await?;
        if position > last {
            last = position;
            seen.push((position, Instant::now()));
        }
    }
    Ok(seen)
}

/// Microseconds from each answer (position, when it arrived) to the first poll that saw
/// the `catalog` checkpoint at or past it; 0 when it was visible before the answer came.
fn visible_lag(answers: &[(i64, Instant)], seen: &[(i64, Instant)]) -> (Vec<u32>, usize) {
    let mut lags = Vec::with_capacity(answers.len());
    let mut never = 0;
    for (position, answered) in answers {
        let i = seen.partition_point(|(p, _)| p < position);
        match seen.get(i) {
            Some((_, at)) => {
                lags.push(at.saturating_duration_since(*answered).as_micros() as u32);
            }
            None => never += 1,
        }
    }
    (lags, never)
}

/// Registers a `kind` account and returns an access token for it: from a log-in, or
/// signed with `keys` (the external server's secret) when given.
async fn login(
    client: &reqwest::Client,
    url: &str,
    kind: &str,
    i: usize,
    keys: Option<&Keys>,
) -> anyhow::Result<String> {
    let email = format!("{kind}{i}-{}@bench.example", uuid::Uuid::new_v4().simple());
    let password = "flash sale password";
    let (status, body) = post(
        client,
        format!("{url}/api/v1/accounts"),
        None,
        json!({"email": email, "password": password, "display_name": "Buyer", "kind": kind}),
    )
    .await?;
    if status != 201 {
        bail!("register: {status} {body}");
    }
    if let Some(keys) = keys {
        let id: uuid::Uuid = body["user_id"].as_str().context("user id")?.parse()?;
        let role = if kind == "organizer" {
            Role::Organizer
        } else {
            Role::Customer
        };
        let (token, _) = keys.issue(Actor::new(UserId::from(id), role), chrono::Utc::now())?;
        return Ok(token);
    }
    let (status, body) = post(
        client,
        format!("{url}/api/v1/sessions"),
        None,
        json!({"email": email, "password": password}),
    )
    .await?;
    if status != 200 {
        bail!("log in: {status} {body}");
    }
    Ok(body["access_token"].as_str().context("token")?.to_owned())
}

#[derive(Default)]
struct Outcome {
    holds: u64,
    confirms: u64,
    seats: u64,
    hold_latency: Vec<u32>,
    confirm_latency: Vec<u32>,
    errors: u64,
    retries: u64,
    elapsed: f64,
    /// (log position, when the answer arrived) of every successful hold and confirmation.
    answers: Vec<(i64, Instant)>,
    /// Answer-to-visible lag on the `catalog` projection, microseconds.
    visible_lag: Vec<u32>,
    /// Answers whose position the catalog had not shown when the watcher stopped.
    never_visible: usize,
    /// External server only: CPU used during the sale, and its resident memory after it.
    server_cpu: Option<(CpuReading, f64)>,
    /// External server only: conflicts its writers met with another process's appends.
    conflicts: Option<f64>,
    /// The log check: nothing oversold and every confirmed seat sold.
    accounted: bool,
}

async fn sale(server: &Server, args: &Args) -> anyhow::Result<Outcome> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.buyers + 8)
        .build()?;
    let keys = server.external.as_ref().map(|external| &external.keys);
    let organizer = login(&client, &server.url, "organizer", 0, keys).await?;
    // Each of the few hundred buyers books over and over: limits that allow it.
    let limits = json!({"buyer_limits": {"max_seats": 1_000_000, "holds_per_minute": 10_000}});
    let (listing_id, tt) =
        bench::published_listing(&client, &server.url, &organizer, args.seats, limits).await?;
    let mut tokens = Vec::with_capacity(args.buyers);
    for i in 0..args.buyers {
        tokens.push(login(&client, &server.url, "customer", i, keys).await?);
    }
    let probe = server.external.as_ref().map(|external| &external.probe);
    let metrics = server
        .external
        .as_ref()
        .map(|external| external.metrics.clone())
        .unwrap_or_default();
    let conflicts_before = external::counter_sum(&client, &metrics, CONFLICTS).await?;
    let cpu_before = probe.map(CpuProbe::read).transpose()?;
    let sold_out = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicU64::new(0));
    let stop_watch = Arc::new(AtomicBool::new(args.no_projections));
    let watcher = tokio::spawn(watch_catalog(server.log.clone(), stop_watch.clone()));
    let deadline = Instant::now() + Duration::from_secs(args.max_seconds);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for token in tokens {
        let (client, url, listing_id, tt) = (
            client.clone(),
            server.url.clone(),
            listing_id.clone(),
            tt.clone(),
        );
        let (sold_out, errors) = (sold_out.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Outcome::default();
            let mut want: u32 = rand::rng().random_range(1..=4);
            while !sold_out.load(Ordering::Relaxed) && Instant::now() < deadline {
                let t = Instant::now();
                let Ok((status, body)) = post(
                    &client,
                    format!("{url}/api/v1/listings/{listing_id}/holds"),
                    Some(&token),
                    json!({"ticket_type_id": tt, "seats": want}),
                )
                .await
                else {
                    errors.fetch_add(1, Ordering::Relaxed);
                    continue;
                };
                out.hold_latency.push(t.elapsed().as_micros() as u32);
                if status == 409 && is_concurrent_change(&body) {
                    // The plain path gave up after its retries; the buyer tries again.
                    out.retries += 1;
                    continue;
                }
                if status == 409 {
                    let detail = body["detail"].as_str().unwrap_or("");
                    if want > 1 && detail.contains("left") {
                        want -= 1;
                        continue;
                    }
                    sold_out.store(true, Ordering::Relaxed);
                    break;
                }
                if status != 201 {
                    errors.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                out.holds += 1;
                if let Some(position) = body["position"].as_i64() {
                    out.answers.push((position, Instant::now()));
                }
                let hold = body["hold_id"].as_str().unwrap_or_default().to_owned();
                let mut status = 0;
                for _ in 0..20 {
                    let t = Instant::now();
                    let Ok((code, body)) = post(
                        &client,
                        format!("{url}/api/v1/listings/{listing_id}/holds/{hold}/confirm"),
                        Some(&token),
                        json!({}),
                    )
                    .await
                    else {
                        break;
                    };
                    out.confirm_latency.push(t.elapsed().as_micros() as u32);
                    if let (201, Some(position)) = (code, body["position"].as_i64()) {
                        out.answers.push((position, Instant::now()));
                    }
                    status = code;
                    if code == 409 && is_concurrent_change(&body) {
                        out.retries += 1;
                        continue;
                    }
                    break;
                }
                if status == 201 {
                    out.confirms += 1;
                    out.seats += u64::from(want);
                } else {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
                want = rand::rng().random_range(1..=4);
            }
            out
        }));
    }
    let mut total = Outcome::default();
    for task in tasks {
        let out = task.await?;
        total.holds += out.holds;
        total.confirms += out.confirms;
        total.seats += out.seats;
        total.retries += out.retries;
        total.hold_latency.extend(out.hold_latency);
        total.confirm_latency.extend(out.confirm_latency);
        total.answers.extend(out.answers);
    }
    total.elapsed = start.elapsed().as_secs_f64();
    total.errors = errors.load(Ordering::Relaxed);
    if let (Some(probe), Some(before)) = (probe, cpu_before) {
        total.server_cpu = Some((probe.read()? - before, probe.rss_mib()?));
        let after = external::counter_sum(&client, &metrics, CONFLICTS).await?;
        total.conflicts = Some(after - conflicts_before);
    }

    // Let the catalog catch up with the last answer (at most 10 s), then stop watching.
    let newest = if args.no_projections {
        0
    } else {
        total.answers.iter().map(|a| a.0).max().unwrap_or(0)
    };
    let catalog = checkpoint_name("catalog");
    let catch_up = Instant::now() + Duration::from_secs(10);
    while server.log.checkpoint(&catalog).await? < newest && Instant::now() < catch_up {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    stop_watch.store(true, Ordering::Relaxed);
    let seen = watcher.await??;
    if !args.no_projections {
        (total.visible_lag, total.never_visible) = visible_lag(&total.answers, &seen);
    }

    // Verify from the log: fold the listing stream afresh.
    let log = &server.log;
    let stream = StreamId::new(format!("listing-{listing_id}"))?;
    let mut state = ListingState::default();
    let mut from = 1;
    loop {
        let events = log.read_stream(&stream, from, 5000).await?;
        let Some(last) = events.last() else { break };
        from = last.stream_version + 1;
        for e in events {
            let event = serde_json::from_value(e.payload)?;
            state = ListingAggregate::evolve(state, &event);
        }
    }
    let availability = state.availability();
    let a = availability.first().context("availability")?;
    total.accounted = a.sold + a.held + a.offered <= a.capacity && u64::from(a.sold) == total.seats;
    println!(
        "    log check: capacity {}, sold {}, held {}, free {} -> {}",
        a.capacity,
        a.sold,
        a.held,
        a.free,
        if total.accounted {
            "not oversold, every confirmed seat accounted for"
        } else {
            "MISMATCH"
        }
    );
    if a.sold + a.held + a.offered > a.capacity {
        bail!("OVERSOLD: {a:?}");
    }
    Ok(total)
}

fn is_concurrent_change(problem: &Value) -> bool {
    problem["type"]
        .as_str()
        .is_some_and(|t| t.ends_with("concurrent-change"))
}

fn pct(samples: &mut [u32], p: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    samples.sort_unstable();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    f64::from(samples[i]) / 1000.0
}

fn report(label: &str, o: &mut Outcome) -> f64 {
    let rate = (o.holds + o.confirms) as f64 / o.elapsed;
    println!(
        "  {label}: {:.1}s, {} holds ({:.0}/s), {} confirmations ({:.0}/s), {} seats, {} errors, {} conflict answers retried",
        o.elapsed,
        o.holds,
        o.holds as f64 / o.elapsed,
        o.confirms,
        o.confirms as f64 / o.elapsed,
        o.seats,
        o.errors,
        o.retries
    );
    let (hold_p99, confirm_p99) = (
        pct(&mut o.hold_latency, 0.99),
        pct(&mut o.confirm_latency, 0.99),
    );
    println!(
        "    hold latency ms p50 {:.1} p99 {hold_p99:.1} max {:.1}; confirm p50 {:.1} p99 {confirm_p99:.1} max {:.1}; target both p99 < {LATENCY_TARGET_MS} ms: {}",
        pct(&mut o.hold_latency, 0.5),
        pct(&mut o.hold_latency, 1.0),
        pct(&mut o.confirm_latency, 0.5),
        pct(&mut o.confirm_latency, 1.0),
        bench::verdict(hold_p99 < LATENCY_TARGET_MS && confirm_p99 < LATENCY_TARGET_MS)
    );
    if let Some((cpu, rss)) = o.server_cpu {
        let per_booking = external::ms_per(cpu.server + cpu.database, o.confirms);
        println!(
            "    server CPU per confirmed booking: {per_booking:.2} ms (serve {:.2} ms + database {:.2} ms; hold and confirm together); serve RSS after the sale {rss:.0} MiB",
            external::ms_per(cpu.server, o.confirms),
            external::ms_per(cpu.database, o.confirms),
        );
    }
    if let Some(conflicts) = o.conflicts {
        println!("    cross-process conflicts the writers reloaded and retried: {conflicts:.0}");
    }
    if o.visible_lag.len() + o.never_visible == 0 {
        return rate;
    }
    let p99 = pct(&mut o.visible_lag, 0.99);
    println!(
        "    catalog visible after the answer, ms: p50 {:.1} p99 {p99:.1} max {:.1} ({} answers{}); target p99 < {LATENCY_TARGET_MS} ms: {}",
        pct(&mut o.visible_lag, 0.5),
        pct(&mut o.visible_lag, 1.0),
        o.visible_lag.len(),
        if o.never_visible > 0 {
            format!(", {} never visible within 10 s", o.never_visible)
        } else {
            String::new()
        },
        bench::verdict(p99 < LATENCY_TARGET_MS && o.never_visible == 0)
    );
    rate
}

async fn noop(server: &Server, args: &Args) -> anyhow::Result<f64> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.buyers + 8)
        .build()?;
    let url = format!("{}/health", server.url);
    let rate = bench::throughput(
        args.buyers,
        Duration::from_secs(args.noop_seconds),
        move |_, _| {
            let (client, url) = (client.clone(), url.clone());
            async move {
                client.get(url).send().await?.bytes().await?;
                Ok(1)
            }
        },
    )
    .await?;
    Ok(rate)
}

async fn backend(
    name: &str,
    fresh: impl Fn() -> futures::future::BoxFuture<'static, TestDb>,
    args: &Args,
) -> anyhow::Result<()> {
    println!("\n{name}: {} seats, {} buyers", args.seats, args.buyers);
    let hot = start(fresh().await, true, !args.no_projections).await?;
    let mut hot_out = sale(&hot, args).await?;
    let hot_rate = report("hot writer", &mut hot_out);
    let plain = start(fresh().await, false, !args.no_projections).await?;
    let mut plain_out = sale(&plain, args).await?;
    let plain_rate = report("plain (hot writer off)", &mut plain_out);
    let noop_rate = noop(&hot, args).await?;
    println!("  no-op GET /health: {noop_rate:.0} requests/s");
    bench::ratio_target(
        "booking requests / no-op requests",
        hot_rate,
        noop_rate,
        BOOKING_TO_NOOP_TARGET,
    );
    bench::ratio(
        "hot writer / plain optimistic retries",
        hot_rate,
        plain_rate,
    );
    if args.external {
        let binary = external::server_binary(args.server_bin.clone())?;
        let server = start_external(fresh().await, &binary).await?;
        let mut out = sale(&server, args).await?;
        let rate = report(
            "external serve process (hot writer, projections on)",
            &mut out,
        );
        let noop_rate = noop(&server, args).await?;
        println!("  no-op GET /health on that process: {noop_rate:.0} requests/s");
        bench::ratio_target(
            "external: booking requests / no-op requests",
            rate,
            noop_rate,
            BOOKING_TO_NOOP_TARGET,
        );
        if let Some((cpu, _)) = out.server_cpu {
            let target = if name == "SQLite" { 0.5 } else { 1.0 };
            let per_booking = external::ms_per(cpu.server + cpu.database, out.confirms);
            println!(
                "  {:<58} {per_booking:>12.2} ms  (target <= {target} ms: {})",
                "server CPU per confirmed booking",
                bench::verdict(per_booking <= target)
            );
        }
    }
    Ok(())
}

/// The sale through a cluster's load balancer, summed up on one `scale-result` line.
async fn cluster_sale(dir: &std::path::Path, args: &Args) -> anyhow::Result<()> {
    let cluster = Cluster::open(dir)?;
    println!(
        "\ncluster in {}: {} API processes behind {}; {} seats, {} buyers",
        dir.display(),
        cluster.api.len(),
        cluster.url,
        args.seats,
        args.buyers
    );
    let server = connect_cluster(&cluster).await?;
    let mut out = sale(&server, args).await?;
    report("through the load balancer", &mut out);
    let (cpu, _) = out.server_cpu.unwrap_or_default();
    println!(
        "scale-result bookings_per_s={:.0} hold_p99_ms={:.1} confirm_p99_ms={:.1} conflicts={:.0} conflict_answers={} api_cpu_ms={:.2} db_cpu_ms={:.2} cpu_ms={:.2} errors={} seats={} check={}",
        out.confirms as f64 / out.elapsed,
        pct(&mut out.hold_latency, 0.99),
        pct(&mut out.confirm_latency, 0.99),
        out.conflicts.unwrap_or_default(),
        out.retries,
        external::ms_per(cpu.server, out.confirms),
        external::ms_per(cpu.database, out.confirms),
        external::ms_per(cpu.server + cpu.database, out.confirms),
        out.errors,
        out.seats,
        if out.accounted { "ok" } else { "MISMATCH" },
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    println!(
        "flash-sale: hold 1-4 seats then confirm, until sold out or {}s",
        args.max_seconds
    );
    if let Some(dir) = &args.cluster {
        return cluster_sale(dir, &args).await;
    }
    backend("SQLite", || Box::pin(async { TestDb::sqlite() }), &args).await?;
    if let Some(url) = args.postgres_url.clone() {
        std::env::set_var(eventlog::testing::TEST_DATABASE_URL, &url);
        backend("PostgreSQL", || Box::pin(TestDb::postgres()), &args).await?;
    } else {
        println!("\nPostgreSQL skipped: pass --postgres-url or set TEST_DATABASE_URL");
    }
    Ok(())
}
