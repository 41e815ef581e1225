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
    /// Load demo organizers, customers and listings into an empty database and exit.
    Demo(ServeArgs),
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BOXOFFICE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,

    /// Secret that signs access tokens (at least 32 bytes). Unset: a random one per start,
    /// so tokens do not survive a restart and processes cannot share them.
    #[arg(long, env = "BOXOFFICE_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<Secret>,

    /// Minutes a hold keeps its seats.
    #[arg(long, env = "BOXOFFICE_HOLD_MINUTES", default_value_t = 10)]
    pub hold_minutes: u32,

    /// Minutes a waitlist offer stays open.
    #[arg(long, env = "BOXOFFICE_OFFER_MINUTES", default_value_t = 60)]
    pub offer_minutes: u32,

    /// Decide listing commands in one in-memory writer per listing (`false`: plain
    /// load-decide-append with retries, for comparison).
    #[arg(long, env = "BOXOFFICE_HOT_WRITER", default_value_t = true, action = clap::ArgAction::Set)]
    pub hot_writer: bool,

    /// Load demo data first when the database is empty (what `make run` does).
    #[arg(long, env = "BOXOFFICE_DEMO")]
    pub demo: bool,
}

/// A secret from the command line or environment; never printed.
#[derive(Clone)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl std::str::FromStr for Secret {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() < 32 {
            Err("use at least 32 characters".into())
        } else {
            Ok(Self(s.to_owned()))
        }
    }
}
