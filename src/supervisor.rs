//! Supervised background tasks. Each task is restarted whenever it fails (returns an
//! error, panics, or ends before shutdown), after an exponential backoff, for as long as
//! the process runs. A failure is logged once, here; `boxoffice_task_restarts_total` counts
//! restarts, `boxoffice_task_failing` is 1 from a failure until the restarted task has
//! stayed up for a while, and [`TaskHealth`] shows the same under `/ready`.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How long to wait before a restart, and when a restarted task counts as healthy again.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// The pause after the first failure; it doubles with each failure in a row.
    pub initial: Duration,
    /// The longest pause.
    pub max: Duration,
    /// A task that has stayed up this long since its restart is healthy again (its
    /// pause starts over at `initial`).
    pub healthy_after: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(30),
            healthy_after: Duration::from_secs(10),
        }
    }
}

/// A future that resolves when the supervisor is told to stop; every attempt of a task
/// gets one and must return soon after it resolves.
#[derive(Debug, Clone)]
pub struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
    /// Resolves once shutdown has begun (at once if it already has).
    pub async fn wait(mut self) {
        let _ = self.0.wait_for(|stopping| *stopping).await;
    }

    fn begun(&self) -> bool {
        *self.0.borrow()
    }
}

/// One task's health, as `/ready` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TaskStatus {
    /// `running`, or `failing` from a failure until the task has stayed up again.
    pub state: &'static str,
    /// Restarts since the process started.
    pub restarts: u64,
    /// The last failure (while failing).
    pub last_error: Option<String>,
    /// When the current run of failures began (while failing).
    pub failing_since: Option<DateTime<Utc>>,
}

/// The health of every supervised task, shared with `/ready`.
#[derive(Debug, Clone, Default)]
pub struct TaskHealth(Arc<Mutex<BTreeMap<&'static str, TaskStatus>>>);

impl TaskHealth {
    /// Every task's status, by name.
    pub fn statuses(&self) -> BTreeMap<&'static str, TaskStatus> {
        self.0.lock().expect("task health").clone()
    }

    /// A `/ready` check that shows every task. It never fails readiness: a failing
    /// background task does not stop this process from answering requests, and it is
    /// already being restarted.
    pub fn readiness_check(&self) -> impl Fn(i64) -> (bool, Value) + Send + Sync + 'static {
        let health = self.clone();
        move |_head| {
            (
                true,
                serde_json::to_value(health.statuses()).unwrap_or_default(),
            )
        }
    }

    fn update(&self, task: &'static str, change: impl FnOnce(&mut TaskStatus)) {
        let mut statuses = self.0.lock().expect("task health");
        let status = statuses.entry(task).or_insert(TaskStatus {
            state: "running",
            restarts: 0,
            last_error: None,
            failing_since: None,
        });
        change(status);
        let failing = if status.state == "failing" { 1.0 } else { 0.0 };
        metrics::gauge!("boxoffice_task_failing", "task" => task).set(failing);
    }
}

/// Starts, restarts and finally stops the background tasks of one process.
#[derive(Debug)]
pub struct Supervisor {
    backoff: Backoff,
    stop: watch::Sender<bool>,
    health: TaskHealth,
    tasks: Vec<JoinHandle<()>>,
}

impl Supervisor {
    /// A supervisor with no tasks yet.
    pub fn new(backoff: Backoff) -> Self {
        Self {
            backoff,
            stop: watch::channel(false).0,
            health: TaskHealth::default(),
            tasks: Vec::new(),
        }
    }

    /// The tasks' health, for `/ready`.
    pub fn health(&self) -> TaskHealth {
        self.health.clone()
    }

    /// Runs `task` under supervision as `name`: `start` makes one attempt from the
    /// shutdown future that attempt must obey, and is called again after every failure.
    pub fn spawn<F, Fut, E>(&mut self, name: &'static str, mut start: F)
    where
        F: FnMut(Shutdown) -> Fut + Send + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Display + Send + 'static,
    {
        let shutdown = Shutdown(self.stop.subscribe());
        let (backoff, health) = (self.backoff, self.health.clone());
        health.update(name, |_| {});
        metrics::counter!("boxoffice_task_restarts_total", "task" => name).absolute(0);
        self.tasks.push(tokio::spawn(async move {
            let mut pause = backoff.initial;
            loop {
                let mut attempt = tokio::spawn(start(shutdown.clone()));
                let healthy = tokio::time::sleep(backoff.healthy_after);
                tokio::pin!(healthy);
                let outcome = loop {
                    tokio::select! {
                        outcome = &mut attempt => break outcome,
                        _ = &mut healthy, if !healthy.is_elapsed() => {
                            pause = backoff.initial;
                            health.update(name, |s| {
                                s.state = "running";
                                s.last_error = None;
                                s.failing_since = None;
                            });
                        }
                    }
                };
                let error = match outcome {
                    Ok(Ok(())) if shutdown.begun() => return,
                    Ok(Ok(())) => "ended on its own before shutdown".to_owned(),
                    Ok(Err(error)) => error.to_string(),
                    Err(joined) if joined.is_panic() => format!("panicked: {}", panic_text(joined)),
                    Err(joined) => joined.to_string(),
                };
                if shutdown.begun() {
                    tracing::warn!(task = name, %error, "background task failed while stopping");
                    return;
                }
                tracing::error!(task = name, %error, restart_in = ?pause, "background task failed; restarting");
                metrics::counter!("boxoffice_task_restarts_total", "task" => name).increment(1);
                health.update(name, |s| {
                    s.state = "failing";
                    s.restarts += 1;
                    s.last_error = Some(error);
                    s.failing_since.get_or_insert_with(Utc::now);
                });
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = shutdown.clone().wait() => return,
                }
                pause = (pause * 2).min(backoff.max);
            }
        }));
    }

    /// Tells every task to stop and waits until all have.
    pub async fn stop(self) {
        self.stop.send_replace(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// The message a panic carried, if it was text.
fn panic_text(joined: tokio::task::JoinError) -> String {
    let payload = joined.into_panic();
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-text payload".to_owned())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn quick() -> Backoff {
        Backoff {
            initial: Duration::from_millis(1),
            max: Duration::from_millis(5),
            healthy_after: Duration::from_millis(200),
        }
    }

    async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
        for _ in 0..500 {
            if done() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("{what} did not happen within 2.5 s");
    }

    #[tokio::test]
    async fn a_failing_task_is_restarted_shown_failing_then_healthy_again() {
        let mut supervisor = Supervisor::new(quick());
        let attempts = Arc::new(AtomicU32::new(0));
        let counted = attempts.clone();
        supervisor.spawn("flaky", move |shutdown| {
            let attempt = counted.fetch_add(1, Ordering::SeqCst);
            async move {
                if attempt < 2 {
                    return Err(format!("boom {attempt}"));
                }
                shutdown.wait().await;
                Ok(())
            }
        });
        let health = supervisor.health();
        eventually("a third attempt", || attempts.load(Ordering::SeqCst) == 3).await;
        let status = &health.statuses()["flaky"];
        assert_eq!((status.state, status.restarts), ("failing", 2));
        assert_eq!(status.last_error.as_deref(), Some("boom 1"));
        let (ready, detail) = (health.readiness_check())(0);
        assert!(ready, "a failing task is shown, not fatal");
        assert_eq!(detail["flaky"]["state"], "failing");

        eventually("healthy again", || {
            health.statuses()["flaky"].state == "running"
        })
        .await;
        assert_eq!(health.statuses()["flaky"].restarts, 2);
        supervisor.stop().await;
        assert_eq!(
            attempts.load(Ordering::SeqCst),
            3,
            "not restarted by the stop"
        );
    }

    #[tokio::test]
    async fn a_panicking_task_and_one_that_ends_early_are_both_restarted() {
        let mut supervisor = Supervisor::new(quick());
        let (panics, ends) = (Arc::new(AtomicU32::new(0)), Arc::new(AtomicU32::new(0)));
        let counted = panics.clone();
        supervisor.spawn("panics", move |shutdown| {
            let attempt = counted.fetch_add(1, Ordering::SeqCst);
            async move {
                if attempt == 0 {
                    panic!("the first attempt panics");
                }
                shutdown.wait().await;
                Ok::<(), String>(())
            }
        });
        let counted = ends.clone();
        supervisor.spawn("ends", move |shutdown| {
            let attempt = counted.fetch_add(1, Ordering::SeqCst);
            async move {
                if attempt > 0 {
                    shutdown.wait().await;
                }
                Ok::<(), String>(())
            }
        });
        let health = supervisor.health();
        eventually("both restarted", || {
            panics.load(Ordering::SeqCst) == 2 && ends.load(Ordering::SeqCst) == 2
        })
        .await;
        let statuses = health.statuses();
        assert!(statuses["panics"]
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("the first attempt panics")));
        assert_eq!(
            statuses["ends"].last_error.as_deref(),
            Some("ended on its own before shutdown")
        );
        supervisor.stop().await;
    }

    #[tokio::test]
    async fn the_pause_doubles_up_to_the_maximum_and_stop_interrupts_it() {
        let backoff = Backoff {
            initial: Duration::from_millis(20),
            max: Duration::from_secs(60),
            healthy_after: Duration::from_secs(60),
        };
        let mut supervisor = Supervisor::new(backoff);
        let attempts = Arc::new(AtomicU32::new(0));
        let counted = attempts.clone();
        supervisor.spawn("always", move |_| {
            counted.fetch_add(1, Ordering::SeqCst);
            async { Err::<(), _>("down") }
        });
        // Pauses of 20, 40, 80 ms: four attempts take at least 140 ms.
        let started = std::time::Instant::now();
        eventually("four attempts", || attempts.load(Ordering::SeqCst) == 4).await;
        assert!(started.elapsed() >= Duration::from_millis(140));
        let stopping = std::time::Instant::now();
        supervisor.stop().await;
        assert!(
            stopping.elapsed() < Duration::from_secs(1),
            "stop waits out no pause"
        );
    }
}
