//! `boxoffice`: one binary, one subcommand per part. Thin by design: parse config, start
//! telemetry, connect, hand over to the library that does the work.

mod cli;
mod health;
mod telemetry;
mod tools;
mod web;

use anyhow::Context;
use clap::Parser;
use eventlog::EventLog;

use crate::cli::{Cli, Command};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    match cli.command {
        Command::Migrate => {
            let log = connect(&cli.database_url).await?;
            log.migrate().await.context("applying migrations")?;
            println!("migrations applied to {}", redact(&cli.database_url));
        }
        Command::Serve(args) => {
            let log = connect(&cli.database_url).await?;
            log.migrate().await.context("applying migrations")?;
            let state = app_state(&log, &args);
            if args.demo {
                demo(&log, state.clone()).await?;
            }
            let listener = tokio::net::TcpListener::bind(&args.addr)
                .await
                .with_context(|| format!("binding {}", args.addr))?;
            let indexed = command_api::index::reindex(&log, &state.recorder).await?;
            tracing::info!(bookings = indexed, "ticket-code index rebuilt");
            let (stop, stopped) = tokio::sync::watch::channel(false);
            let registry = projections::Projections::new();
            let stuck_after = std::time::Duration::from_secs(args.projection_stuck_after);
            let state = state.with_readiness("projections", registry.readiness_check(stuck_after));
            let scheduler = command_api::Scheduler::new(state.clone());
            let mut scheduler_stop = stopped.clone();
            let scheduler = tokio::spawn(scheduler.run(async move {
                let _ = scheduler_stop.changed().await;
            }));
            let mut workers = vec![scheduler];
            if args.projections {
                let (log, registry, mut stop) = (log.clone(), registry.clone(), stopped.clone());
                workers.push(tokio::spawn(projections::run(
                    log,
                    registry,
                    projections::Projection::ALL.to_vec(),
                    projections::RunnerConfig::default(),
                    async move {
                        let _ = stop.changed().await;
                    },
                )));
            }
            if args.kafka.brokers.is_some() {
                let (kafka, relay, log) = (args.kafka.clone(), args.relay.clone(), log.clone());
                let mut stop = stopped.clone();
                workers.push(tokio::spawn(async move {
                    let stopped = async move {
                        let _ = stop.changed().await;
                    };
                    if let Err(error) = projections::relay::run(kafka, relay, log, stopped).await {
                        tracing::error!(%error, "the relay stopped");
                    }
                }));
            }
            {
                let (kafka, config, log) = (args.kafka.clone(), args.notifier.clone(), log.clone());
                let mut stop = stopped.clone();
                workers.push(tokio::spawn(async move {
                    let stopped = async move {
                        let _ = stop.changed().await;
                    };
                    if let Err(error) = notifier::run(kafka, config, log, stopped).await {
                        tracing::error!(%error, "the notifier stopped");
                    }
                }));
            }
            tracing::info!(addr = %listener.local_addr()?, "boxoffice serving");
            println!("boxoffice listening on http://{}", listener.local_addr()?);
            let shutdown = async move {
                shutdown_signal().await;
                let _ = stop.send(true);
            };
            let reads = query_api::QueryState::new(
                log.clone(),
                state.keys.clone(),
                state.clock.clone(),
                registry,
            );
            let app = command_api::app(state, query_api::router(reads), Some(query_api::openapi()));
            let app = app.merge(web::router(&args.web_dir));
            command_api::serve(listener, app, shutdown).await?;
            for worker in workers {
                let _ = worker.await;
            }
        }
        Command::Relay(args) => {
            let log = connect(&cli.database_url).await?;
            log.migrate().await.context("applying migrations")?;
            projections::relay::run(args.kafka, args.relay, log, shutdown_signal()).await?;
        }
        Command::Notify(args) => {
            let log = connect(&cli.database_url).await?;
            log.migrate().await.context("applying migrations")?;
            notifier::run(args.kafka, args.notifier, log, shutdown_signal()).await?;
        }
        Command::Notifications(command) => {
            let log = connect(&cli.database_url).await?;
            log.migrate().await.context("applying migrations")?;
            notifications(log, command).await?;
        }
        Command::Grant(args) => {
            let log = connect(&cli.database_url).await?;
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
            let log = connect(&cli.database_url).await?;
            log.migrate().await.context("applying migrations")?;
            tracing::info!(projections = ?which, "projector workers running");
            let registry = projections::Projections::new();
            let config = projections::RunnerConfig {
                batch: args.batch.max(1),
                ..projections::RunnerConfig::default()
            };
            let (stop, mut stopped) = tokio::sync::watch::channel(false);
            if let Some(addr) = &args.metrics_addr {
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("binding {addr}"))?;
                println!("projector health on http://{}", listener.local_addr()?);
                let stuck_after = std::time::Duration::from_secs(args.projection_stuck_after);
                let router = health::router(log.clone(), registry.clone(), stuck_after);
                let mut stopped = stopped.clone();
                tokio::spawn(command_api::serve(listener, router, async move {
                    let _ = stopped.changed().await;
                }));
            }
            let shutdown = async move {
                shutdown_signal().await;
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
            let log = connect(&cli.database_url).await?;
            log.migrate().await.context("applying migrations")?;
            tools::replay(&log, &which, args.batch).await?;
        }
        Command::Verify(args) => {
            let which = args.choice.resolve()?;
            let log = connect(&cli.database_url).await?;
            log.migrate().await.context("applying migrations")?;
            if !tools::verify(&log, &which).await? {
                std::process::exit(1);
            }
        }
        Command::Demo(args) => {
            let log = connect(&cli.database_url).await?;
            log.migrate().await.context("applying migrations")?;
            demo(&log, app_state(&log, &args)).await?;
        }
    }
    Ok(())
}

fn app_state(log: &EventLog, args: &cli::ServeArgs) -> command_api::AppState {
    let secret = match &args.jwt_secret {
        Some(secret) => secret.0.clone().into_bytes(),
        None => {
            tracing::warn!("BOXOFFICE_JWT_SECRET is not set: using a random secret");
            rand::random::<[u8; 32]>().to_vec()
        }
    };
    let config = command_api::ApiConfig {
        hold_minutes: args.hold_minutes,
        offer_minutes: args.offer_minutes,
        hot_writer: args.hot_writer,
        ..command_api::ApiConfig::default()
    };
    command_api::AppState::new(log.clone(), command_api::Clock::system(), &secret, config)
}

/// Seeds demo data into an empty log and prints how to log in.
async fn demo(log: &EventLog, state: command_api::AppState) -> anyhow::Result<()> {
    if log.head().await? > 0 {
        println!("demo data skipped: the database already has events");
        return Ok(());
    }
    let summary = command_api::demo::seed(state).await?;
    println!(
        "demo data loaded; every account's password is {:?}",
        command_api::demo::DEMO_PASSWORD
    );
    for (email, kind) in &summary.accounts {
        println!("  {kind:<10} {email}");
    }
    for (title, id) in &summary.listings {
        println!("  listing    {title}: {id}");
    }
    Ok(())
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

async fn connect(url: &str) -> anyhow::Result<EventLog> {
    if let Some(path) = url.strip_prefix("sqlite:") {
        let path = path.trim_start_matches("//");
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).with_context(|| format!("creating {dir:?}"))?;
            }
        }
    }
    EventLog::connect(url)
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

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut term) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            term.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
