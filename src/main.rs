//! `boxoffice`: one binary, one subcommand per part. Thin by design: parse config, start
//! telemetry, connect, hand over to the library that does the work.

mod cli;
mod telemetry;
mod tools;

use anyhow::Context;
use clap::Parser;
use eventlog::EventLog;
use http_kit::Secret;

use crate::cli::{Cli, Command};

/// mimalloc rather than glibc's malloc: the hot path allocates and frees small buffers on
/// every request across threads, and a profile of the flash sale spent a fifth of its
/// samples in glibc's malloc/free (issue #13; `make bench` shows the difference).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    match cli.command {
        Command::Migrate => {
            let log = connect(&cli.database_url, cli.db_acquire_timeout).await?;
            log.migrate().await.context("applying migrations")?;
            println!("migrations applied to {}", redact(&cli.database_url));
        }
        Command::Serve(args) => {
            let log = connect(&cli.database_url, cli.db_acquire_timeout).await?;
            log.migrate().await.context("applying migrations")?;
            let listener = tokio::net::TcpListener::bind(&args.addr)
                .await
                .with_context(|| format!("binding {}", args.addr))?;
            let stop = shutdown_signal();
            tracing::info!(addr = %listener.local_addr()?, "boxoffice serving");
            println!("boxoffice listening on http://{}", listener.local_addr()?);
            boxoffice::run(config(log, &args), listener, stop).await?;
        }
        Command::Relay(args) => {
            anyhow::ensure!(
                args.kafka.brokers.is_some(),
                "the relay needs --kafka-brokers (env KAFKA_BROKERS)"
            );
            let log = connect(&cli.database_url, cli.db_acquire_timeout).await?;
            log.migrate().await.context("applying migrations")?;
            let (kafka, relay, relay_log) = (args.kafka, args.relay, log.clone());
            supervised(
                "relay",
                log,
                args.metrics_addr.as_deref(),
                move |shutdown| {
                    projections::relay::run(
                        kafka.clone(),
                        relay.clone(),
                        relay_log.clone(),
                        shutdown.wait(),
                    )
                },
            )
            .await?;
        }
        Command::Notify(args) => {
            args.notifier.check()?;
            let log = connect(&cli.database_url, cli.db_acquire_timeout).await?;
            log.migrate().await.context("applying migrations")?;
            let (kafka, mail, mail_log) = (args.kafka, args.notifier, log.clone());
            supervised(
                "notifier",
                log,
                args.metrics_addr.as_deref(),
                move |shutdown| {
                    notifier::run(
                        kafka.clone(),
                        mail.clone(),
                        mail_log.clone(),
                        shutdown.wait(),
                    )
                },
            )
            .await?;
        }
        Command::Notifications(command) => {
            let log = connect(&cli.database_url, cli.db_acquire_timeout).await?;
            log.migrate().await.context("applying migrations")?;
            notifications(log, command).await?;
        }
        Command::Grant(args) => {
            let log = connect(&cli.database_url, cli.db_acquire_timeout).await?;
            log.migrate().await.context("applying migrations")?;
            let role = match args.role.as_str() {
                "admin" => domain::Role::Admin,
                "organizer" => domain::Role::Organizer,
                "customer" => domain::Role::Customer,
                other => anyhow::bail!("unknown role {other:?}: use admin, organizer or customer"),
            };
            let user = command_api::admin::grant_role(&log, &args.email, role)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "user {user} is now {role}; the role applies from their next log-in or refresh"
            );
        }
        Command::Project(args) => {
            let which = args.choice.resolve()?;
            let log = connect(&cli.database_url, cli.db_acquire_timeout).await?;
            log.migrate().await.context("applying migrations")?;
            tracing::info!(projections = ?which, "projector workers running");
            let registry = projections::Projections::new();
            let config = projections::RunnerConfig {
                batch: args.batch.max(1),
                ..projections::RunnerConfig::default()
            };
            let signal = shutdown_signal();
            let (stop, mut stopped) = tokio::sync::watch::channel(false);
            if let Some(addr) = &args.metrics_addr {
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("binding {addr}"))?;
                println!("projector health on http://{}", listener.local_addr()?);
                let stuck_after = std::time::Duration::from_secs(args.projection_stuck_after);
                let ops = http_kit::Ops::new(log.clone())
                    .with_readiness("projections", registry.readiness_check(stuck_after));
                let mut stopped = stopped.clone();
                tokio::spawn(http_kit::serve(listener, ops.router(), async move {
                    let _ = stopped.changed().await;
                }));
            }
            let shutdown = async move {
                signal.await;
                let _ = stop.send(true);
            };
            tokio::spawn(shutdown);
            projections::run(log, registry, which, config, async move {
                let _ = stopped.changed().await;
            })
            .await;
        }
        Command::Replay(args) => {
            let which = args.choice.resolve()?;
            let log = connect(&cli.database_url, cli.db_acquire_timeout).await?;
            log.migrate().await.context("applying migrations")?;
            tools::replay(&log, &which, args.batch).await?;
        }
        Command::Verify(args) => {
            let which = args.choice.resolve()?;
            let log = connect(&cli.database_url, cli.db_acquire_timeout).await?;
            log.migrate().await.context("applying migrations")?;
            if !tools::verify(&log, &which).await? {
                std::process::exit(1);
            }
        }
        Command::Demo(args) => {
            let log = connect(&cli.database_url, cli.db_acquire_timeout).await?;
            log.migrate().await.context("applying migrations")?;
            let config = config(log.clone(), &args);
            boxoffice::demo::seed(&log, boxoffice::state(&config)).await?;
        }
    }
    Ok(())
}

/// The system's configuration from `serve`'s options over a connected `log`.
fn config(log: EventLog, args: &cli::ServeArgs) -> boxoffice::Config {
    let secret = args.jwt_secret.clone().unwrap_or_else(|| {
        tracing::warn!("BOXOFFICE_JWT_SECRET is not set: using a random secret");
        let bytes: [u8; 32] = rand::random();
        Secret::new(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
    });
    boxoffice::Config {
        api: command_api::ApiConfig {
            hold_minutes: args.hold_minutes,
            offer_minutes: args.offer_minutes,
            hot_writer: args.hot_writer,
            trusted_proxies: args.trusted_proxies.clone(),
            ..command_api::ApiConfig::default()
        },
        demo: args.demo,
        projections: args.projections.then(projections::RunnerConfig::default),
        stuck_after: std::time::Duration::from_secs(args.projection_stuck_after),
        kafka: args.kafka.clone(),
        relay: args.relay.clone(),
        notifier: args.run_notifier.then(|| args.notifier.clone()),
        web_dir: Some(args.web_dir.clone()),
        serve: serve_config(args),
        streams: query_api::StreamLimits {
            max: args.max_streams,
            ..query_api::StreamLimits::default()
        },
        ..boxoffice::Config::new(log, secret)
    }
}

/// Runs one background task (`relay`, `notifier`) the way `serve` runs its own: under a
/// supervisor that restarts it with backoff when it fails (a database outage, say) and
/// counts the restarts, until SIGTERM. With `metrics_addr`, `/health`, `/ready` (the
/// database and the task's state) and `/metrics` are served there.
async fn supervised<F, Fut, E>(
    name: &'static str,
    log: EventLog,
    metrics_addr: Option<&str>,
    start: F,
) -> anyhow::Result<()>
where
    F: FnMut(boxoffice::supervisor::Shutdown) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<(), E>> + Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    // The recorder first, so the task's first metrics are kept.
    http_kit::metrics::handle();
    let signal = shutdown_signal();
    let mut supervisor = boxoffice::Supervisor::new(boxoffice::Backoff::default());
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    let mut served = None;
    if let Some(addr) = metrics_addr {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding {addr}"))?;
        println!("{name} health on http://{}", listener.local_addr()?);
        let ops =
            http_kit::Ops::new(log).with_readiness("tasks", supervisor.health().readiness_check());
        served = Some(tokio::spawn(http_kit::serve(
            listener,
            ops.router(),
            async move {
                let _ = stopped.changed().await;
            },
        )));
    }
    supervisor.spawn(name, start);
    tracing::info!(task = name, "running until stopped");
    signal.await;
    supervisor.stop().await;
    let _ = stop.send(true);
    if let Some(served) = served {
        let _ = served.await;
    }
    Ok(())
}

/// Connection hygiene from the flags; the cap defaults to three quarters of the open-file
/// limit (raised to the hard limit first), leaving room for the database and the log.
fn serve_config(args: &cli::ServeArgs) -> http_kit::ServeConfig {
    let files = http_kit::raise_fd_limit();
    let max_connections = match (args.max_connections, files) {
        (0, Some(files)) => usize::try_from(files / 4 * 3).unwrap_or(usize::MAX).max(64),
        (0, None) => http_kit::ServeConfig::default().max_connections,
        (n, _) => n,
    };
    tracing::info!(max_connections, open_files = ?files, "connection limits");
    http_kit::ServeConfig {
        header_read_timeout: std::time::Duration::from_secs(args.header_read_timeout),
        max_connections,
        ..http_kit::ServeConfig::default()
    }
}

/// `notifications failed` prints parked e-mail; `notifications retry` resends it.
async fn notifications(log: EventLog, command: cli::NotificationsCommand) -> anyhow::Result<()> {
    match command {
        cli::NotificationsCommand::Failed => {
            let parked = notifier::failed(&log).await?;
            println!("{} parked message(s)", parked.len());
            for letter in parked {
                println!(
                    "{}  event {}  user {}  {}  attempts {}  {}",
                    letter.failed_at.to_rfc3339(),
                    letter.event_id,
                    letter.recipient,
                    letter.template,
                    letter.attempts,
                    letter.reason
                );
            }
        }
        cli::NotificationsCommand::Retry(args) => {
            let count =
                notifier::retry_failed(args.notifier.clone(), log.clone(), args.event).await?;
            let left = notifier::failed(&log).await?.len();
            println!("{count} message(s) retried; {left} still parked");
        }
    }
    Ok(())
}

async fn connect(url: &str, acquire_timeout_secs: u64) -> anyhow::Result<EventLog> {
    if let Some(path) = url.strip_prefix("sqlite:") {
        let path = path.trim_start_matches("//");
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).with_context(|| format!("creating {dir:?}"))?;
            }
        }
    }
    let options = eventlog::LogOptions {
        acquire_timeout: std::time::Duration::from_secs(acquire_timeout_secs),
        ..eventlog::LogOptions::default()
    };
    EventLog::connect_with(url, options)
        .await
        .with_context(|| format!("connecting to {}", redact(url)))
}

/// The URL without its password, fit for logs and messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Installs the SIGINT and SIGTERM handlers at once, so a signal that arrives while the
/// process is still starting is not lost (a lazily installed handler leaves the default
/// action, death by signal, in place until the future is first polled), and returns the
/// future that resolves at the first of them.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let handlers = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        )
    };
    async move {
        #[cfg(unix)]
        match handlers {
            (Ok(mut interrupt), Ok(mut terminate)) => {
                tokio::select! {
                    _ = interrupt.recv() => {},
                    _ = terminate.recv() => {},
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutdown signal received; finishing in-flight requests");
    }
}
