//! The whole service in-process for a benchmark: command API, query API and the
//! projections runner on one log, wired like the binary (and `TestApp`), on port 0.

use command_api::{ApiConfig, AppState, Clock};
use eventlog::EventLog;
use projections::{Projection, Projections, RunnerConfig};

/// A running app: its base URL and the projections' statuses.
pub struct App {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    /// The projections running inside the app.
    pub projections: Projections,
}

/// Starts command API, query API and (if `run_projections`) every projection on `log`.
pub async fn start(log: EventLog, config: ApiConfig, run_projections: bool) -> anyhow::Result<App> {
    let clock = Clock::system();
    let state = AppState::new(
        log.clone(),
        clock.clone(),
        b"bench-secret-bench-secret-bench-secret",
        config,
    );
    let registry = Projections::new();
    if run_projections {
        tokio::spawn(projections::run(
            log.clone(),
            registry.clone(),
            Projection::ALL.to_vec(),
            RunnerConfig::default(),
            std::future::pending(),
        ));
    }
    let stuck_after = std::time::Duration::from_secs(30);
    let readiness = registry.clone();
    let state = state.with_readiness("projections", move |head| {
        let verdict = readiness.readiness(head, chrono::Utc::now(), stuck_after);
        (
            verdict.ready,
            serde_json::to_value(verdict).unwrap_or_default(),
        )
    });
    let reads = query_api::QueryState::new(log, state.keys.clone(), clock, registry.clone());
    let router = command_api::app(state, query_api::router(reads), Some(query_api::openapi()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(command_api::serve(listener, router, std::future::pending()));
    Ok(App {
        url,
        projections: registry,
    })
}
