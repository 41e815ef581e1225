//! One way to start the whole system: [`run`] takes a [`Config`], a listener and a
//! shutdown future, starts every part (state, the ticket-code reindex, the scheduler,
//! projections, the relay, the notifier, HTTP) and returns once all of them have stopped.
//! `main`, the API tests and the benchmarks all go through it ([`System::start`] then
//! [`System::serve`] is `run` in two steps, for callers that need a handle in between).

use std::convert::Infallible;
use std::future::Future;
use std::time::Duration;

use command_api::{ApiConfig, AppState, Scheduler};
use eventlog::EventLog;
use http_kit::{AppConfig, Clock, Ops, Secret, ServeConfig};
use notifier::NotifierConfig;
use projections::relay::{KafkaArgs, RelayConfig};
use projections::{Projection, Projections, RunnerConfig};
use tokio::net::TcpListener;

use crate::supervisor::{Backoff, Supervisor};

/// Everything the system needs to run, already parsed and connected.
#[derive(Debug, Clone)]
pub struct Config {
    /// The event log (connected and migrated); its pool also holds every other table.
    pub log: EventLog,
    /// The application clock (the system's; a hand-moved one in tests).
    pub clock: Clock,
    /// The secret that signs access tokens and e-mail verification tokens.
    pub secret: Secret,
    /// Command API policy and limits.
    pub api: ApiConfig,
    /// Load demo data first when the log is empty.
    pub demo: bool,
    /// Run every projection in this process with these settings (`None`: projector
    /// workers run elsewhere, `boxoffice project`).
    pub projections: Option<RunnerConfig>,
    /// `/ready` fails when a projection has been behind the head without progress this long.
    pub stuck_after: Duration,
    /// Kafka: with brokers, the relay runs here and the notifier consumes the topic.
    pub kafka: KafkaArgs,
    /// The relay's settings (used when Kafka is configured).
    pub relay: RelayConfig,
    /// Run the notifier here with these settings (`None`: no e-mail from this process).
    pub notifier: Option<NotifierConfig>,
    /// Restart pauses of the supervised background tasks.
    pub backoff: Backoff,
    /// Serve the built web app from this directory at `/` (`None`: the API only).
    pub web_dir: Option<std::path::PathBuf>,
    /// Connection hygiene: header-read timeout and the connection cap.
    pub serve: ServeConfig,
    /// Bounds on live availability streams (how many at once, how long each).
    pub streams: query_api::StreamLimits,
    /// Bounds on the query API's cache of public catalog answers.
    pub read_cache: query_api::CacheLimits,
}

impl Config {
    /// The defaults of `boxoffice serve` over `log`, signing with `secret`.
    pub fn new(log: EventLog, secret: Secret) -> Self {
        Self {
            log,
            clock: Clock::system(),
            secret,
            api: ApiConfig::default(),
            demo: false,
            projections: Some(RunnerConfig::default()),
            stuck_after: Duration::from_secs(30),
            kafka: KafkaArgs {
                brokers: None,
                topic: "boxoffice.events".to_owned(),
            },
            relay: RelayConfig::default(),
            notifier: Some(NotifierConfig::default()),
            backoff: Backoff::default(),
            web_dir: None,
            serve: ServeConfig::default(),
            streams: query_api::StreamLimits::default(),
            read_cache: query_api::CacheLimits::default(),
        }
    }
}

/// Starts every part on `listener` and runs until `shutdown` resolves and everything has
/// stopped (in-flight requests finish, background tasks are told to stop and awaited).
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    System::start(config).await?.serve(listener, shutdown).await
}

/// The system between start and serve: state built, demo data loaded, index rebuilt.
#[derive(Debug)]
pub struct System {
    config: Config,
    state: AppState,
    registry: Projections,
}

impl System {
    /// Builds the state, loads demo data when asked (into an empty log), and rebuilds the
    /// ticket-code index from what the log holds beyond its checkpoint.
    pub async fn start(config: Config) -> anyhow::Result<Self> {
        let state = crate::state(&config);
        if config.demo {
            crate::demo::seed(&config.log, state.clone()).await?;
        }
        let indexed = command_api::index::reindex(&config.log, &state.recorder).await?;
        tracing::info!(bookings = indexed, "ticket-code index rebuilt");
        // Before serving, so a token of an account suspended a minute ago is refused by
        // the first request this process answers.
        state
            .access
            .catch_up(&config.log, state.clock.now())
            .await?;
        Ok(Self {
            config,
            state,
            registry: Projections::new(),
        })
    }

    /// The command API's state (for a scheduler run by hand, say).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The projections' statuses, which the runners of this process report to.
    pub fn projections(&self) -> &Projections {
        &self.registry
    }

    /// Starts the supervised background tasks and serves HTTP on `listener` until
    /// `shutdown`; returns once the server and every task have stopped.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Self {
            config,
            state,
            registry,
        } = self;
        // The recorder first, so the tasks' first metrics are kept.
        http_kit::metrics::handle();
        let mut supervisor = Supervisor::new(config.backoff);
        let cache = query_api::ReadCache::new(config.read_cache);
        spawn_tasks(&mut supervisor, &config, &state, &registry, &cache);
        let ops = Ops::new(config.log.clone())
            .with_readiness("projections", registry.readiness_check(config.stuck_after))
            .with_readiness("tasks", supervisor.health().readiness_check());
        let reads = query_api::QueryState::new(
            config.log.clone(),
            state.keys.clone(),
            state.access.clone(),
            state.clock.clone(),
            registry,
        )
        .with_stream_limits(config.streams)
        .with_cache(cache);
        let app = http_kit::app(
            [command_api::api(state), query_api::api(reads)],
            ops.router(),
            AppConfig {
                info: crate::info(),
                body_limit: config.api.body_limit,
                fallback: config.web_dir.as_deref().map(crate::web::router),
            },
        );
        let served = http_kit::serve_with(listener, app, config.serve.clone(), shutdown).await;
        supervisor.stop().await;
        Ok(served?)
    }
}

/// Deletes stored idempotency keys past their age or count bound, once a minute.
async fn forget_idempotency_keys(
    log: &EventLog,
    clock: &Clock,
    shutdown: crate::supervisor::Shutdown,
) -> Result<(), command_api::store::StoreError> {
    let stop = shutdown.wait();
    tokio::pin!(stop);
    loop {
        let max = command_api::idempotency::MAX_KEYS;
        let forgotten = command_api::idempotency::forget_old(log, clock.now(), max).await?;
        if forgotten > 0 {
            tracing::debug!(forgotten, "old idempotency keys deleted");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = &mut stop => return Ok(()),
        }
    }
}

/// The scheduler, the access view's follower, the idempotency-key purge, the read
/// cache's checkpoint follower, and as configured the projections, the relay and the
/// notifier.
fn spawn_tasks(
    supervisor: &mut Supervisor,
    config: &Config,
    state: &AppState,
    registry: &Projections,
    cache: &query_api::ReadCache,
) {
    let scheduler = Scheduler::new(state.clone());
    supervisor.spawn("scheduler", move |shutdown| {
        let scheduler = scheduler.clone();
        async move {
            scheduler.run(shutdown.wait()).await;
            Ok::<(), Infallible>(())
        }
    });
    let (access, log, clock) = (
        state.access.clone(),
        config.log.clone(),
        state.clock.clone(),
    );
    supervisor.spawn("access", move |shutdown| {
        let (access, log, clock) = (access.clone(), log.clone(), clock.clone());
        async move { access.follow(&log, &clock, shutdown.wait()).await }
    });
    let (log, clock) = (config.log.clone(), state.clock.clone());
    supervisor.spawn("idempotency-keys", move |shutdown| {
        let (log, clock) = (log.clone(), clock.clone());
        async move { forget_idempotency_keys(&log, &clock, shutdown).await }
    });
    let (cache, log, statuses) = (cache.clone(), config.log.clone(), registry.clone());
    supervisor.spawn("read-cache", move |shutdown| {
        let (cache, log, statuses) = (cache.clone(), log.clone(), statuses.clone());
        async move { cache.follow(&log, &statuses, shutdown.wait()).await }
    });
    if let Some(runner) = config.projections.clone() {
        let (log, registry) = (config.log.clone(), registry.clone());
        supervisor.spawn("projections", move |shutdown| {
            let all = Projection::ALL.to_vec();
            let run = projections::run(
                log.clone(),
                registry.clone(),
                all,
                runner.clone(),
                shutdown.wait(),
            );
            async move {
                run.await;
                Ok::<(), Infallible>(())
            }
        });
    }
    if config.kafka.brokers.is_some() {
        let (kafka, relay, log) = (
            config.kafka.clone(),
            config.relay.clone(),
            config.log.clone(),
        );
        supervisor.spawn("relay", move |shutdown| {
            projections::relay::run(kafka.clone(), relay.clone(), log.clone(), shutdown.wait())
        });
    }
    if let Some(mail) = config.notifier.clone() {
        let (kafka, log) = (config.kafka.clone(), config.log.clone());
        supervisor.spawn("notifier", move |shutdown| {
            notifier::run(kafka.clone(), mail.clone(), log.clone(), shutdown.wait())
        });
    }
}

#[cfg(test)]
mod tests;
