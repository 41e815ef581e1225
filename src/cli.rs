//! Command-line and environment configuration of every subcommand.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// boxoffice: an event-sourced booking engine.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// Database: `sqlite:PATH` (embedded default) or `postgres://USER:PASS@HOST/DB`.
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        default_value = "sqlite:data/boxoffice.db",
        hide_env_values = true
    )]
    pub database_url: String,

    /// Log format on stderr.
    #[arg(
        long,
        global = true,
        env = "BOXOFFICE_LOG_FORMAT",
        default_value = "text"
    )]
    pub log_format: LogFormat,

    /// What to run.
    #[command(subcommand)]
    pub command: Command,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The parts of boxoffice.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Everything in one process (the embedded default): migrations, then the API.
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BOXOFFICE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
}
