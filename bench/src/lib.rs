//! Shared helpers for the benchmarks in `src/bin/`: timing loops and figure printing.

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

/// Prints a ratio with the two figures it compares.
pub fn ratio(label: &str, ours: f64, baseline: f64) {
    let r = if baseline > 0.0 { ours / baseline } else { 0.0 };
    println!("  {label:<58} {r:>12.2}x  ({ours:.0} / {baseline:.0})");
}
