//! The console side of `replay` (a progress bar on a terminal, plain lines otherwise) and
//! `verify` (every mismatch, then a verdict).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use eventlog::EventLog;
use indicatif::{ProgressBar, ProgressStyle};
use projections::replay::Progress;
use projections::Projection;

/// Rebuilds `which` and reports progress on stderr.
pub async fn replay(log: &EventLog, which: &[Projection], batch: usize) -> anyhow::Result<()> {
    let names: Vec<&str> = which.iter().map(|p| p.name()).collect();
    let terminal = std::io::stderr().is_terminal();
    let bar = ProgressBar::new(log.head().await?.max(0) as u64);
    if terminal {
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:40}] {pos}/{len} events  {per_sec}  ETA {eta}",
            )?
            .progress_chars("=> "),
        );
        bar.set_message(format!("replay {}", names.join(", ")));
    } else {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut last_line = Instant::now() - Duration::from_secs(10);
    let mut report = |p: Progress| {
        bar.set_length(p.head.max(p.position) as u64);
        bar.set_position(p.position as u64);
        if !terminal && (p.swapped || last_line.elapsed() >= Duration::from_secs(1)) {
            last_line = Instant::now();
            let left = (p.head - p.position).max(0) as f64;
            let eta = left / p.rate().max(1.0);
            eprintln!(
                "replay {}: {}/{} events, {:.0} events/s, ETA {:.0}s",
                names.join(","),
                p.position,
                p.head,
                p.rate(),
                eta
            );
        }
    };
    let done = projections::replay::replay(log, which, batch, &mut report).await?;
    bar.finish_and_clear();
    println!(
        "replayed {} ({} events up to position {}) in {:.2}s: {:.0} events/s; {} ({:.2}s)",
        names.join(", "),
        done.events,
        done.position,
        done.elapsed.as_secs_f64(),
        done.rate(),
        match done.swapped_by {
            Some(projections::replay::Swapped::Copied) => {
                "the live tables were busy: the new rows were copied into them"
            }
            _ => "new tables swapped in",
        },
        done.swap.as_secs_f64()
    );
    Ok(())
}

/// Verifies `which`; prints every mismatch; returns whether there were none.
pub async fn verify(log: &EventLog, which: &[Projection]) -> anyhow::Result<bool> {
    let report = projections::verify::verify(log, which).await?;
    for (name, checkpoint, rows) in &report.checked {
        println!("{name}: checked {rows} rows at position {checkpoint}");
    }
    for mismatch in &report.mismatches {
        println!("MISMATCH {mismatch}");
    }
    if report.mismatches.is_empty() {
        println!("verify: the read models match the log");
        Ok(true)
    } else {
        println!("verify: {} mismatch(es)", report.mismatches.len());
        Ok(false)
    }
}
