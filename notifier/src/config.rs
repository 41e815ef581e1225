//! Configuration of the notifier: SMTP server, sender, links, Kafka consumer group, retries.

use std::time::Duration;

use basics::Secret;

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SmtpTls {
    /// Plain text (local relays and test servers only).
    None,
    /// Upgrade with STARTTLS (usually port 587).
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// Options of the notifier.
#[derive(Debug, Clone, clap::Args)]
pub struct NotifierConfig {
    /// SMTP server host; without it, messages are printed (template and user id) instead of sent.
    #[arg(long = "smtp-host", env = "SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// SMTP server port.
    #[arg(long = "smtp-port", env = "SMTP_PORT", default_value_t = 587)]
    pub smtp_port: u16,
    /// SMTP transport security.
    #[arg(
        long = "smtp-tls",
        env = "SMTP_TLS",
        value_enum,
        default_value = "starttls"
    )]
    pub smtp_tls: SmtpTls,
    /// SMTP user name (with --smtp-password).
    #[arg(long = "smtp-user", env = "SMTP_USER")]
    pub smtp_user: Option<String>,
    /// SMTP password (never logged).
    #[arg(long = "smtp-password", env = "SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<Secret>,
    /// Sender of every message, e.g. `boxoffice <tickets@example.com>`.
    #[arg(
        long = "mail-from",
        env = "MAIL_FROM",
        default_value = "boxoffice <no-reply@boxoffice.invalid>"
    )]
    pub mail_from: String,
    /// Public address of the web app, for links in messages.
    #[arg(
        long = "public-url",
        env = "BOXOFFICE_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,
    /// Secret shared with the command API (its token secret) that signs e-mail verification
    /// links; without it links carry no token.
    #[arg(
        long = "email-token-secret",
        env = "BOXOFFICE_JWT_SECRET",
        hide_env_values = true
    )]
    pub email_token_secret: Option<Secret>,
    /// Kafka consumer group of the notifiers (used when Kafka is configured).
    #[arg(
        long = "notifier-group",
        env = "NOTIFIER_GROUP",
        default_value = "boxoffice-notifier"
    )]
    pub group: String,
    /// Kafka consumer session timeout (ms): how soon a dead notifier's partitions move on.
    #[arg(
        long = "kafka-session-timeout-ms",
        env = "KAFKA_SESSION_TIMEOUT_MS",
        default_value_t = 45_000
    )]
    pub kafka_session_timeout_ms: u64,
    /// Name of the notifier's checkpoint in the log (used when Kafka is not configured).
    #[arg(
        id = "notifier_checkpoint",
        long = "notifier-checkpoint",
        env = "NOTIFIER_CHECKPOINT",
        default_value = "notifier"
    )]
    pub checkpoint: String,
    /// How long before a hold expires its reminder is sent (seconds).
    #[arg(
        long = "hold-reminder-lead-secs",
        env = "HOLD_REMINDER_LEAD_SECS",
        default_value_t = 300
    )]
    pub hold_reminder_lead_secs: u64,
    /// Events older than this (hours) when first taken in send nothing: attaching a new
    /// notifier to a long log must not mail its whole history.
    #[arg(
        long = "max-event-age-hours",
        env = "NOTIFIER_MAX_EVENT_AGE_HOURS",
        default_value_t = 72
    )]
    pub max_event_age_hours: u64,
    /// Attempts at one message before it is parked as failed.
    #[arg(
        long = "smtp-max-attempts",
        env = "SMTP_MAX_ATTEMPTS",
        default_value_t = 12
    )]
    pub max_attempts: u32,
    /// Longest pause between two attempts at one message (ms); pauses double up to it.
    #[arg(
        id = "smtp_max_backoff_ms",
        long = "smtp-max-backoff-ms",
        env = "SMTP_MAX_BACKOFF_MS",
        default_value_t = 300_000
    )]
    pub max_backoff_ms: u64,
    /// How often the sender looks for due messages when nothing wakes it (ms).
    #[arg(
        long = "notifier-poll-ms",
        env = "NOTIFIER_POLL_MS",
        default_value_t = 1_000
    )]
    pub poll_ms: u64,
    /// How long a sender's claim on a message lasts (seconds): of several senders on one
    /// database only the claimant sends it, and if it dies mid-send another sender
    /// retries once the claim is over. Keep it above a batch of sends (10 messages at up
    /// to 20 s each).
    #[arg(
        long = "notifier-claim-secs",
        env = "NOTIFIER_CLAIM_SECS",
        default_value_t = 300
    )]
    pub claim_secs: u64,
}

impl Default for NotifierConfig {
    fn default() -> Self {
        Self {
            smtp_host: None,
            smtp_port: 587,
            smtp_tls: SmtpTls::Starttls,
            smtp_user: None,
            smtp_password: None,
            mail_from: "boxoffice <no-reply@boxoffice.invalid>".to_owned(),
            public_url: "http://127.0.0.1:8080".to_owned(),
            email_token_secret: None,
            group: "boxoffice-notifier".to_owned(),
            kafka_session_timeout_ms: 45_000,
            checkpoint: "notifier".to_owned(),
            hold_reminder_lead_secs: 300,
            max_event_age_hours: 72,
            max_attempts: 12,
            max_backoff_ms: 300_000,
            poll_ms: 1_000,
            claim_secs: 300,
        }
    }
}

impl NotifierConfig {
    /// Whether a mailer can be built from these settings (the sender address parses, TLS
    /// is available): a standalone `notify` refuses to start rather than restart forever.
    pub fn check(&self) -> Result<(), crate::NotifierError> {
        crate::mailer::Mailer::new(self)
            .map(|_| ())
            .map_err(crate::NotifierError::Config)
    }

    pub(crate) fn backoff(&self, attempts: u32) -> Duration {
        let exponent = attempts.saturating_sub(1).min(20);
        Duration::from_millis(500u64.saturating_mul(1 << exponent))
            .min(Duration::from_millis(self.max_backoff_ms.max(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, clap::Parser)]
    struct Everything {
        #[command(flatten)]
        kafka: projections::relay::KafkaArgs,
        #[command(flatten)]
        relay: projections::relay::RelayConfig,
        #[command(flatten)]
        notifier: NotifierConfig,
    }

    #[test]
    fn relay_and_notifier_options_fit_in_one_command_like_serve() {
        use clap::CommandFactory;
        Everything::command().debug_assert();
    }

    #[test]
    fn the_smtp_password_never_shows_in_debug_output() {
        let config = NotifierConfig {
            smtp_password: Some("hunter2".parse().expect("infallible")),
            ..NotifierConfig::default()
        };
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
