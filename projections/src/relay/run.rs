//! The relay loop: tail the log from the checkpoint, publish each batch, wait for the
//! broker's acknowledgements, then move the checkpoint. A failure keeps the unacknowledged
//! tail and retries it with backoff, so nothing is lost (at-least-once; consumers dedupe
//! by event id).

use std::future::Future;
use std::time::Duration;

use eventlog::{EventLog, LogError, StoredEvent};
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use tracing::{info, warn};

use super::config::{KafkaArgs, RelayConfig};
use super::kafka::{drop_off_runtime, producer};
use super::wire::encode;

/// Gauge with the number of committed events the broker has not acknowledged yet.
pub const LAG_GAUGE: &str = "boxoffice_relay_lag_events";

/// Why the relay stopped.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// No `--kafka-brokers` was given.
    #[error("the relay needs --kafka-brokers (env KAFKA_BROKERS)")]
    NoBrokers,
    /// The producer could not be configured.
    #[error("kafka producer: {0}")]
    Kafka(#[from] KafkaError),
    /// The log failed.
    #[error("event log: {0}")]
    Log(#[from] LogError),
}

/// Publishes every event after the relay's checkpoint to `kafka.topic` until `shutdown`
/// resolves. Broker outages are retried forever; only log failures end it early.
pub async fn run(
    kafka: KafkaArgs,
    config: RelayConfig,
    log: EventLog,
    shutdown: impl Future<Output = ()>,
) -> Result<(), RelayError> {
    let brokers = kafka.brokers.clone().ok_or(RelayError::NoBrokers)?;
    let mut producer = producer(&brokers, config.delivery_timeout_ms)?;
    let start = log.checkpoint(&config.checkpoint).await?;
    let mut tail = log.subscribe(start);
    // The gauge exists from the start, not from the first batch: an idle relay is 0
    // behind, and the relay-lag alert sees it.
    report_lag(&log, &config.checkpoint).await;
    let mut pending: Vec<StoredEvent> = Vec::new();
    let mut failures = 0u32;
    info!(relay.topic = %kafka.topic, relay.from = start, "relay started");
    tokio::pin!(shutdown);
    'relay: loop {
        if pending.is_empty() {
            tokio::select! {
                _ = &mut shutdown => break,
                batch = tail.next_batch() => pending = batch?,
            }
        }
        // Waiting for acknowledgements can take the whole delivery timeout when the broker
        // is gone: keep the lag gauge true meanwhile (its first tick is immediate).
        let (acked, error) = {
            let publishing = publish(&producer, &kafka.topic, &pending);
            tokio::pin!(publishing);
            let mut every_second = tokio::time::interval(Duration::from_secs(1));
            loop {
                tokio::select! {
                    _ = &mut shutdown => break 'relay,
                    published = &mut publishing => break published,
                    _ = every_second.tick() => report_lag(&log, &config.checkpoint).await,
                }
            }
        };
        if acked > 0 {
            let last = pending[acked - 1].position;
            save_checkpoint(&log, &config.checkpoint, last).await?;
            pending.drain(..acked);
        }
        report_lag(&log, &config.checkpoint).await;
        let Some(error) = error else {
            failures = 0;
            continue;
        };
        failures = failures.saturating_add(1);
        let pause = backoff(failures, config.max_backoff());
        warn!(%error, relay.unacked = pending.len(), retry.ms = pause.as_millis() as u64,
            "broker did not acknowledge; retrying");
        // A failed idempotent producer may be fenced for good: start over with a new one.
        let old = std::mem::replace(
            &mut producer,
            self::producer(&brokers, config.delivery_timeout_ms)?,
        );
        drop_off_runtime(old, Duration::from_secs(5)).await;
        tokio::select! {
            _ = &mut shutdown => break,
            _ = tokio::time::sleep(pause) => {}
        }
    }
    info!(relay.position = tail.position(), "relay stopping");
    drop_off_runtime(producer, Duration::from_secs(10)).await;
    Ok(())
}

/// Sends `events` in order and waits for every acknowledgement. Returns how many leading
/// events were acknowledged and the first error, if any.
async fn publish(
    producer: &FutureProducer,
    topic: &str,
    events: &[StoredEvent],
) -> (usize, Option<KafkaError>) {
    let mut deliveries = Vec::with_capacity(events.len());
    let mut enqueue_error = None;
    for event in events {
        let message = encode(event);
        let headers = message
            .headers
            .iter()
            .fold(OwnedHeaders::new(), |h, (key, value)| {
                h.insert(Header {
                    key,
                    value: Some(value.as_bytes()),
                })
            });
        let record = FutureRecord::to(topic)
            .key(&message.key)
            .payload(&message.value)
            .headers(headers);
        match producer.send_result(record) {
            Ok(delivery) => deliveries.push(delivery),
            Err((error, _)) => {
                enqueue_error = Some(error);
                break;
            }
        }
    }
    let enqueued = deliveries.len();
    for (acked, delivery) in deliveries.into_iter().enumerate() {
        match delivery.await {
            Ok(Ok(_)) => {}
            Ok(Err((error, _))) => return (acked, Some(error)),
            Err(_) => return (acked, Some(KafkaError::Canceled)),
        }
    }
    // Everything before the first one that could not be enqueued was acknowledged.
    (enqueued, enqueue_error)
}

async fn save_checkpoint(log: &EventLog, name: &str, position: i64) -> Result<(), LogError> {
    let mut tx = log.begin().await?;
    tx.save_checkpoint(name, position).await?;
    tx.commit().await
}

async fn report_lag(log: &EventLog, name: &str) {
    if let (Ok(head), Ok(done)) = (log.head().await, log.checkpoint(name).await) {
        metrics::gauge!(LAG_GAUGE).set((head - done).max(0) as f64);
    }
}

fn backoff(failures: u32, max: Duration) -> Duration {
    let exponent = failures.saturating_sub(1).min(16);
    Duration::from_millis(200u64.saturating_mul(1 << exponent)).min(max)
}
