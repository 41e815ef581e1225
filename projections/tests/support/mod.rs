//! What the read-side test binaries share: running projectors, verifying, small SQL
//! helpers, and the macro that runs a test on both backends.
// Each test binary uses some of these.
#![allow(dead_code)]

use std::time::Duration;

use eventlog::sql::{Arg, Conn};
use eventlog::EventLog;
use projections::testing::SeedPlan;
use projections::{Projection, Projections, RunnerConfig};
use tokio::sync::oneshot;

/// Runs each named `async fn(&TestDb)` on SQLite and on PostgreSQL.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = eventlog::testing::TestDb::sqlite();
                    super::$name(&db).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = eventlog::testing::TestDb::postgres().await;
                    super::$name(&db).await;
                }
            )*
        }
    };
}

/// The projector runner of every projection, on its own task.
pub struct Running {
    pub registry: Projections,
    pub stop: Option<oneshot::Sender<()>>,
    pub task: tokio::task::JoinHandle<()>,
}

impl Running {
    pub fn start(log: &EventLog, config: RunnerConfig) -> Self {
        let registry = Projections::new();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(projections::run(
            log.clone(),
            registry.clone(),
            Projection::ALL.to_vec(),
            config,
            async move {
                let _ = stopped.await;
            },
        ));
        Self {
            registry,
            stop: Some(stop),
            task,
        }
    }

    pub async fn drain(&self, log: &EventLog) {
        let head = log.head().await.unwrap();
        let reached = self
            .registry
            .wait_for(log, &names(), head, Duration::from_secs(60))
            .await
            .unwrap();
        assert!(reached, "projections stuck: {:?}", self.registry.statuses());
    }

    pub async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.await.unwrap();
    }
}

/// Every projection's name.
pub fn names() -> Vec<&'static str> {
    Projection::ALL.iter().map(|p| p.name()).collect()
}

/// A runner that retries and checks idleness quickly.
pub fn fast() -> RunnerConfig {
    RunnerConfig {
        max_backoff: Duration::from_millis(200),
        idle_check: Duration::from_millis(200),
        ..RunnerConfig::default()
    }
}

/// Verifies every projection and fails on any mismatch.
pub async fn verify_clean(log: &EventLog) {
    let report = projections::verify::verify(log, &Projection::ALL)
        .await
        .unwrap();
    assert!(
        report.mismatches.is_empty(),
        "verify found {} mismatches, e.g. {:?}",
        report.mismatches.len(),
        report.mismatches.iter().take(5).collect::<Vec<_>>()
    );
}

/// The one integer a query answers.
pub async fn scalar(log: &EventLog, sql: &str) -> i64 {
    let mut conn = Conn::acquire(log).await.unwrap();
    let rows: Vec<(i64,)> = conn.db().fetch(sql, Vec::new()).await.unwrap();
    rows[0].0
}

/// Runs a statement; returns the rows it touched.
pub async fn exec(log: &EventLog, sql: &str, args: Vec<Arg>) -> u64 {
    let mut conn = Conn::acquire(log).await.unwrap();
    conn.db().exec(sql, args).await.unwrap()
}

/// A seed of about `events` events.
pub fn plan(events: u64, seed_value: u64) -> SeedPlan {
    SeedPlan {
        events,
        seed: seed_value,
        ..SeedPlan::default()
    }
}
