//! Configuration of the relay and of the Kafka connection it shares with the notifier.

use std::time::Duration;

/// Where the Kafka (or Kafka-compatible) cluster is and which topic carries the events.
#[derive(Debug, Clone, clap::Args)]
pub struct KafkaArgs {
    /// Kafka bootstrap servers, comma-separated `host:port` (any Kafka-compatible cluster).
    #[arg(long = "kafka-brokers", env = "KAFKA_BROKERS")]
    pub brokers: Option<String>,
    /// Topic every event is published to and the notifier consumes.
    #[arg(
        long = "kafka-topic",
        env = "KAFKA_TOPIC",
        default_value = "boxoffice.events"
    )]
    pub topic: String,
}

/// Options of the relay.
#[derive(Debug, Clone, clap::Args)]
pub struct RelayConfig {
    /// Name of the relay's checkpoint in the log's `checkpoints` table.
    #[arg(
        id = "relay_checkpoint",
        long = "relay-checkpoint",
        env = "RELAY_CHECKPOINT",
        default_value = "relay.kafka"
    )]
    pub checkpoint: String,
    /// How long the producer keeps trying one message before the relay retries the batch (ms).
    #[arg(
        id = "relay_delivery_timeout_ms",
        long = "relay-delivery-timeout-ms",
        env = "RELAY_DELIVERY_TIMEOUT_MS",
        default_value_t = 30_000
    )]
    pub delivery_timeout_ms: u64,
    /// Longest pause between retries while the broker is unreachable (ms).
    #[arg(
        id = "relay_max_backoff_ms",
        long = "relay-max-backoff-ms",
        env = "RELAY_MAX_BACKOFF_MS",
        default_value_t = 30_000
    )]
    pub max_backoff_ms: u64,
}

impl Default for RelayConfig {
    fn default() -> Self {
        Self {
            checkpoint: "relay.kafka".to_owned(),
            delivery_timeout_ms: 30_000,
            max_backoff_ms: 30_000,
        }
    }
}

impl RelayConfig {
    pub(crate) fn max_backoff(&self) -> Duration {
        Duration::from_millis(self.max_backoff_ms.max(1))
    }
}
