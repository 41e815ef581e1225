//! The notifier: turns events into e-mail and sends each message once.
//!
//! A pure [`notification_for`] decides which messages an event causes; taking an event in
//! records them (keyed by event id, recipient and template, so a redelivered event sends
//! nothing twice) together with the source's checkpoint; a sender delivers what is due
//! over SMTP with retries, and parks permanent failures as dead letters.

mod config;
mod dead_letters;
mod ingest;
mod mailer;
mod plan;
mod run;
mod sender;
mod sources;
mod templates;

pub use basics::{Clock, Secret};
pub use config::{NotifierConfig, SmtpTls};
pub use dead_letters::{failed, requeue, DeadLetter};
pub use plan::{
    directory_change, notification_for, Audience, DirectoryChange, Facts, Intent, Plan, Template,
};
pub use run::{retry_failed, run, run_with_clock};
pub use sender::FAILED_TOTAL;
pub use templates::{escape, render, Letter, Rendered};

/// Why the notifier stopped or an operation failed.
#[derive(Debug, thiserror::Error)]
pub enum NotifierError {
    /// The configuration is unusable.
    #[error("configuration: {0}")]
    Config(String),
    /// The log failed.
    #[error("event log: {0}")]
    Log(#[from] eventlog::LogError),
    /// A notifier table statement failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The Kafka consumer failed.
    #[error("kafka: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
}
