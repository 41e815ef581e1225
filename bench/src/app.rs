//! The whole service in-process for a benchmark, started like the binary (and `TestApp`)
//! by `boxoffice::System`, on port 0.

use command_api::ApiConfig;
use eventlog::EventLog;
use http_kit::Secret;
use projections::{Projections, RunnerConfig};

/// A running app: its base URL and the projections' statuses.
pub struct App {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    /// The projections running inside the app.
    pub projections: Projections,
}

/// Starts the system on `log` with `config`, running the projections if `run_projections`.
/// The notifier is off: it would add its own writes to every event the benchmark
/// measures, and print every message.
pub async fn start(log: EventLog, config: ApiConfig, run_projections: bool) -> anyhow::Result<App> {
    let system = boxoffice::System::start(boxoffice::Config {
        api: config,
        projections: run_projections.then(RunnerConfig::default),
        notifier: None,
        ..boxoffice::Config::new(log, Secret::new("bench-secret-bench-secret-bench-secret"))
    })
    .await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let projections = system.projections().clone();
    tokio::spawn(system.serve(listener, std::future::pending()));
    Ok(App { url, projections })
}
