//! `boxoffice`: one binary, one subcommand per part. Thin by design: parse config, start
//! telemetry, connect, hand over to the library that does the work.

mod cli;
mod telemetry;

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
            let listener = tokio::net::TcpListener::bind(&args.addr)
                .await
                .with_context(|| format!("binding {}", args.addr))?;
            tracing::info!(addr = %listener.local_addr()?, "boxoffice serving");
            println!("boxoffice listening on http://{}", listener.local_addr()?);
            command_api::serve(listener, command_api::router(log), shutdown_signal()).await?;
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
