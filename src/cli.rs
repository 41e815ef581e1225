//! Command-line and environment configuration of every subcommand.

use clap::{Args, Parser, Subcommand, ValueEnum};
use http_kit::Secret;

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

    /// Seconds a request waits for a database connection before it is answered 503
    /// (fail fast while the database is unreachable).
    #[arg(
        long,
        global = true,
        env = "BOXOFFICE_DB_ACQUIRE_TIMEOUT",
        default_value_t = 2
    )]
    pub db_acquire_timeout: u64,

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
    /// Publish every event of the log to Kafka (the relay), until stopped.
    Relay(RelayArgs),
    /// Send e-mail for events (from Kafka when configured, else from the log), until stopped.
    Notify(NotifyArgs),
    /// Inspect and retry e-mail that failed for good.
    #[command(subcommand)]
    Notifications(NotificationsCommand),
    /// Load demo organizers, customers and listings into an empty database and exit.
    Demo(ServeArgs),
    /// Give a registered account a role from the console (e.g. the first admin).
    Grant(GrantArgs),
    /// Run projector workers (read models) on their own, until stopped.
    Project(ProjectArgs),
    /// Rebuild projections from the log into fresh tables and swap them in when caught up;
    /// a running `serve` keeps answering from the old tables meanwhile.
    Replay(ReplayArgs),
    /// Fold the log from scratch and compare it with the read models; prints every
    /// mismatch and exits non-zero if there is any.
    Verify(VerifyArgs),
}

/// Which projections a command works on.
#[derive(Debug, Args)]
pub struct ProjectionChoice {
    /// A projection by name (`catalog`, `bookings`, `analytics`); repeat for several.
    #[arg(long = "projection", value_name = "NAME")]
    pub projections: Vec<String>,
    /// Every projection (the default when none is named).
    #[arg(long, conflicts_with = "projections")]
    pub all: bool,
}

impl ProjectionChoice {
    /// The chosen projections, or an error naming the unknown one.
    pub fn resolve(&self) -> anyhow::Result<Vec<projections::Projection>> {
        if self.all || self.projections.is_empty() {
            return Ok(projections::Projection::ALL.to_vec());
        }
        self.projections
            .iter()
            .map(|name| {
                projections::Projection::parse(name).ok_or_else(|| {
                    anyhow::anyhow!(
                        "unknown projection {name:?}: use catalog, bookings or analytics"
                    )
                })
            })
            .collect()
    }
}

/// Options of `project`.
#[derive(Debug, Args)]
pub struct ProjectArgs {
    /// The projections this worker runs.
    #[command(flatten)]
    pub choice: ProjectionChoice,
    /// Events applied per transaction.
    #[arg(long, env = "BOXOFFICE_PROJECTION_BATCH", default_value_t = 1000)]
    pub batch: usize,
    /// Serve `/health`, `/ready` and `/metrics` on this address (e.g. `127.0.0.1:9100`).
    #[arg(long, env = "BOXOFFICE_METRICS_ADDR")]
    pub metrics_addr: Option<String>,
    /// `/ready` fails when a projection has been behind the log head without progress
    /// for this many seconds.
    #[arg(long, env = "BOXOFFICE_PROJECTION_STUCK_AFTER", default_value_t = 30)]
    pub projection_stuck_after: u64,
}

/// Options of `replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The projections to rebuild.
    #[command(flatten)]
    pub choice: ProjectionChoice,
    /// Events applied per transaction.
    #[arg(long, default_value_t = 20_000)]
    pub batch: usize,
}

/// Options of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The projections to check.
    #[command(flatten)]
    pub choice: ProjectionChoice,
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BOXOFFICE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,

    /// Secret that signs access tokens (at least 32 bytes). Unset: a random one per start,
    /// so tokens do not survive a restart and processes cannot share them.
    #[arg(long, env = "BOXOFFICE_JWT_SECRET", hide_env_values = true, value_parser = long_secret)]
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

    /// The built web app to serve at `/` (`npm run build` in `web/`); a missing directory
    /// logs a warning and serves the API only.
    #[arg(long, env = "BOXOFFICE_WEB_DIR", default_value = "web/dist")]
    pub web_dir: std::path::PathBuf,

    /// Seconds a connection may take to send a request head, and may stay idle between
    /// requests, before it is closed (slow-loris and idle keep-alive connections).
    #[arg(long, env = "BOXOFFICE_HEADER_READ_TIMEOUT", default_value_t = 10)]
    pub header_read_timeout: u64,

    /// Most connections open at once; past it the oldest is asked to close and, when
    /// none can, new ones are shed (`boxoffice_http_connections_shed_total`). 0: three
    /// quarters of the open-file limit.
    #[arg(long, env = "BOXOFFICE_MAX_CONNECTIONS", default_value_t = 0)]
    pub max_connections: usize,

    /// Proxies and load balancers, as comma-separated CIDRs (`10.0.0.0/8,192.0.2.7`),
    /// whose `X-Forwarded-For` names the client for the log-in limits. Empty: the
    /// connection's peer is the client and the header is ignored (any client can write it).
    #[arg(long, env = "BOXOFFICE_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: command_api::auth::rate_limit::TrustedProxies,

    /// Most live availability streams (Server-Sent Events) open at once in this
    /// process; past it a new one is a 503. Each re-reads its listing every second.
    #[arg(long, env = "BOXOFFICE_MAX_STREAMS", default_value_t = 1000)]
    pub max_streams: usize,

    /// Load demo data first when the database is empty (what `make run` does).
    #[arg(long, env = "BOXOFFICE_DEMO")]
    pub demo: bool,

    /// Run the projector workers in this process (`false` for API-only processes at
    /// scale, with `boxoffice project` workers beside them).
    #[arg(long, env = "BOXOFFICE_PROJECTIONS", default_value_t = true, action = clap::ArgAction::Set)]
    pub projections: bool,

    /// `/ready` fails when a projection has been behind the log head without progress
    /// for this many seconds.
    #[arg(long, env = "BOXOFFICE_PROJECTION_STUCK_AFTER", default_value_t = 30)]
    pub projection_stuck_after: u64,

    /// Run the notifier (e-mail) in this process (`false` for API-only processes at
    /// scale, with `boxoffice notify` beside them).
    #[arg(
        id = "run_notifier",
        long = "notifier",
        env = "BOXOFFICE_NOTIFIER",
        default_value_t = true,
        action = clap::ArgAction::Set
    )]
    pub run_notifier: bool,

    /// Kafka connection: with brokers set, `serve` also runs the relay, and the notifier
    /// consumes the topic; without, the notifier tails the log directly.
    #[command(flatten)]
    pub kafka: projections::relay::KafkaArgs,

    /// Relay options (used when Kafka is configured).
    #[command(flatten)]
    pub relay: projections::relay::RelayConfig,

    /// Notifier options (SMTP; without a host, mail is printed instead of sent).
    #[command(flatten)]
    pub notifier: notifier::NotifierConfig,
}

/// A signing secret of at least 32 characters (never printed: [`Secret`]).
fn long_secret(value: &str) -> Result<Secret, String> {
    if value.len() < 32 {
        Err("use at least 32 characters".into())
    } else {
        Ok(Secret::new(value))
    }
}

/// Options of `relay`.
#[derive(Debug, Args)]
pub struct RelayArgs {
    /// The Kafka cluster and topic.
    #[command(flatten)]
    pub kafka: projections::relay::KafkaArgs,
    /// The relay's own settings.
    #[command(flatten)]
    pub relay: projections::relay::RelayConfig,
    /// Serve `/health`, `/ready` and `/metrics` (with `boxoffice_relay_lag_events`) on
    /// this address (e.g. `127.0.0.1:9101`).
    #[arg(long, env = "BOXOFFICE_METRICS_ADDR")]
    pub metrics_addr: Option<String>,
}

/// Options of `notify`.
#[derive(Debug, Args)]
pub struct NotifyArgs {
    /// The Kafka cluster and topic (unset brokers: tail the log instead).
    #[command(flatten)]
    pub kafka: projections::relay::KafkaArgs,
    /// SMTP server, sender and retries.
    #[command(flatten)]
    pub notifier: notifier::NotifierConfig,
    /// Serve `/health`, `/ready` and `/metrics` on this address (e.g. `127.0.0.1:9102`).
    #[arg(long, env = "BOXOFFICE_METRICS_ADDR")]
    pub metrics_addr: Option<String>,
}

/// `notifications failed` and `notifications retry`.
#[derive(Debug, Subcommand)]
pub enum NotificationsCommand {
    /// List e-mail parked after a permanent failure (recipients by user id, never address).
    Failed,
    /// Put parked e-mail back in the queue and send it now.
    Retry(Box<RetryArgs>),
}

/// Options of `notifications retry`.
#[derive(Debug, Args)]
pub struct RetryArgs {
    /// Only the messages caused by this event id (default: every parked message).
    #[arg(long)]
    pub event: Option<uuid::Uuid>,
    /// SMTP server and sender to resend with.
    #[command(flatten)]
    pub notifier: notifier::NotifierConfig,
}

/// Options of `grant`.
#[derive(Debug, Args)]
pub struct GrantArgs {
    /// The e-mail the account registered with.
    #[arg(long)]
    pub email: String,
    /// The role to give: `admin`, `organizer` or `customer`.
    #[arg(long, default_value = "admin")]
    pub role: String,
}
