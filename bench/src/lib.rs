//! Shared helpers for the benchmarks in `src/bin/`: timing loops, figure printing and the
//! in-process app.

/// The benchmarks run on the allocator the binary runs on (see `src/main.rs`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod app;
pub mod external;

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Runs `workers` copies of `op` until `duration` has passed; returns items per second.
///
/// `op` returns how many items (events, rows) it completed in one call.
pub async fn throughput<F, Fut>(workers: usize, duration: Duration, op: F) -> anyhow::Result<f64>
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<u64>> + Send,
{
    let op = Arc::new(op);
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::with_capacity(workers);
    for worker in 0..workers {
        let (op, done) = (op.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            let mut round = 0u64;
            while Instant::now() < deadline {
                let n = op(worker, round).await?;
                done.fetch_add(n, Ordering::Relaxed);
                round += 1;
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let elapsed = start.elapsed().as_secs_f64();
    Ok(done.load(Ordering::Relaxed) as f64 / elapsed)
}

/// Prints one figure as an aligned row.
pub fn row(label: &str, per_second: f64, unit: &str) {
    println!("  {label:<58} {per_second:>12.0} {unit}/s");
}

/// The word printed beside a target: whether the figure met it.
pub fn verdict(reached: bool) -> &'static str {
    if reached {
        "reached"
    } else {
        "NOT reached"
    }
}

/// Prints a ratio with the two figures it compares and whether it is at least `target`.
pub fn ratio_target(label: &str, ours: f64, baseline: f64, target: f64) {
    let r = if baseline > 0.0 { ours / baseline } else { 0.0 };
    println!(
        "  {label:<58} {r:>12.2}x  ({ours:.0} / {baseline:.0}; target >= {target}x: {})",
        verdict(r >= target)
    );
}

/// Prints a ratio with the two figures it compares.
pub fn ratio(label: &str, ours: f64, baseline: f64) {
    let r = if baseline > 0.0 { ours / baseline } else { 0.0 };
    println!("  {label:<58} {r:>12.2}x  ({ours:.0} / {baseline:.0})");
}

/// Request rate and latencies of a closed loop: `workers` tasks each call `op` back to
/// back until `duration` has passed.
#[derive(Debug, Default)]
pub struct Latencies {
    /// Successful calls per second.
    pub rate: f64,
    /// Latency of every successful call, in microseconds.
    pub micros: Vec<u32>,
    /// Calls that failed (transport error or unexpected status).
    pub errors: u64,
}

impl Latencies {
    /// The `p` quantile (0–1) of the latencies, in milliseconds.
    pub fn quantile_ms(&mut self, p: f64) -> f64 {
        if self.micros.is_empty() {
            return 0.0;
        }
        self.micros.sort_unstable();
        let i = ((self.micros.len() as f64 - 1.0) * p).round() as usize;
        f64::from(self.micros[i]) / 1000.0
    }

    /// Prints rate, p50 and p99 as one row.
    pub fn print(&mut self, label: &str) {
        let (p50, p99) = (self.quantile_ms(0.5), self.quantile_ms(0.99));
        println!(
            "  {label:<44} {:>9.0} req/s  p50 {p50:>7.2} ms  p99 {p99:>7.2} ms  errors {}",
            self.rate, self.errors
        );
    }
}

/// Runs `workers` copies of `op` until `duration` has passed, timing every call.
///
/// `op` returns whether the call succeeded; only successful calls count and are timed.
pub async fn latencies<F, Fut>(workers: usize, duration: Duration, op: F) -> Latencies
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let op = Arc::new(op);
    let start = Instant::now();
    let deadline = start + duration;
    let tasks: Vec<_> = (0..workers)
        .map(|worker| {
            let op = op.clone();
            tokio::spawn(async move {
                let (mut micros, mut errors, mut round) = (Vec::new(), 0u64, 0u64);
                while Instant::now() < deadline {
                    let t = Instant::now();
                    if op(worker, round).await {
                        micros.push(t.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                    } else {
                        errors += 1;
                    }
                    round += 1;
                }
                (micros, errors)
            })
        })
        .collect();
    let mut out = Latencies::default();
    for task in tasks {
        if let Ok((micros, errors)) = task.await {
            out.micros.extend(micros);
            out.errors += errors;
        }
    }
    out.rate = out.micros.len() as f64 / start.elapsed().as_secs_f64();
    out
}

/// POSTs `body` as JSON (with a bearer `token` when given); answers the status and the
/// JSON body (`Null` when there is none).
pub async fn post(
    client: &reqwest::Client,
    url: String,
    token: Option<&str>,
    body: serde_json::Value,
) -> anyhow::Result<(u16, serde_json::Value)> {
    let mut request = client.post(url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    Ok((
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    ))
}

/// Creates and publishes a free listing of `seats` one-type seats on sale now, with the
/// top-level fields of `changes` replacing the defaults (title, limits, ...); answers its
/// id and its ticket type's id.
pub async fn published_listing(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    seats: u32,
    changes: serde_json::Value,
) -> anyhow::Result<(String, String)> {
    use anyhow::Context;
    let now = chrono::Utc::now();
    let days = chrono::TimeDelta::days;
    let mut body = serde_json::json!({
        "title": "Flash sale", "venue": {"name": "Arena", "address": "1 Main St", "city": "Lyon", "country": "FR"},
        "category": "concert",
        "starts_at": (now + days(30)).to_rfc3339(),
        "ends_at": (now + days(30) + chrono::TimeDelta::hours(3)).to_rfc3339(),
        "time_zone": "Europe/Paris",
        "sales": {"opens_at": (now - chrono::TimeDelta::minutes(1)).to_rfc3339(), "closes_at": (now + days(29)).to_rfc3339()},
        "max_tickets_per_booking": 4,
        "ticket_types": [{"name": "Floor", "price": {"amount": 0, "currency": "EUR"}, "capacity": seats}],
    });
    if let (Some(body), serde_json::Value::Object(changes)) = (body.as_object_mut(), changes) {
        body.extend(changes);
    }
    let (status, body) = post(client, format!("{url}/api/v1/listings"), Some(token), body).await?;
    if status != 201 {
        anyhow::bail!("create listing: {status} {body}");
    }
    let id = body["listing_id"]
        .as_str()
        .context("listing id")?
        .to_owned();
    let tt = body["ticket_type_ids"][0]
        .as_str()
        .context("type id")?
        .to_owned();
    let publish = format!("{url}/api/v1/listings/{id}/publish");
    let (status, body) = post(client, publish, Some(token), serde_json::json!({})).await?;
    if status != 200 {
        anyhow::bail!("publish: {status} {body}");
    }
    Ok((id, tt))
}
