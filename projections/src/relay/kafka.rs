//! Building the idempotent producer and letting go of rdkafka clients without stalling
//! the async runtime.

use std::time::Duration;

use rdkafka::config::ClientConfig;
use rdkafka::error::KafkaError;
use rdkafka::producer::FutureProducer;

/// An idempotent producer (`acks=all`, ordered retries) for `brokers`.
pub(crate) fn producer(
    brokers: &str,
    delivery_timeout_ms: u64,
) -> Result<FutureProducer, KafkaError> {
    ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set(
            "message.timeout.ms",
            delivery_timeout_ms.max(1000).to_string(),
        )
        .set("linger.ms", "5")
        .create()
}

/// Drops an rdkafka client on a blocking thread and waits at most `within` for it: closing
/// a client can block for a long time when the broker is gone.
pub async fn drop_off_runtime<T: Send + 'static>(client: T, within: Duration) {
    let dropping = tokio::task::spawn_blocking(move || drop(client));
    if tokio::time::timeout(within, dropping).await.is_err() {
        tracing::warn!(
            wait.ms = within.as_millis() as u64,
            "kafka client still closing; left behind"
        );
    }
}
