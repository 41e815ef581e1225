//! Where events come from: the Kafka topic as a consumer group (offset stored only after
//! the event is taken in), or, with no Kafka configured, the log itself with a checkpoint
//! that commits together with what the event caused.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use eventlog::{EventLog, StoredEvent};
use projections::relay::wire;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::Message;
use tokio::sync::{watch, Notify};
use tracing::{info, warn};

use crate::ingest::ingest;
use crate::NotifierError;
use basics::Clock;

/// What the sources share.
pub(crate) struct Intake {
    pub log: EventLog,
    pub reminder_lead: TimeDelta,
    pub max_age: TimeDelta,
    pub clock: Clock,
    pub wake: Arc<Notify>,
}

impl Intake {
    /// Takes in events in one transaction, moving `checkpoint` (when given) with them.
    async fn take(
        &self,
        events: &[StoredEvent],
        checkpoint: Option<&str>,
    ) -> Result<(), NotifierError> {
        // From the log, what an event caused commits with the checkpoint: a power cut that
        // loses both makes the notifier take the events in again, so that commit need
        // not wait for the disk. From Kafka, the offset is committed to the broker after
        // this returns, so the rows must be on disk first.
        let mut tx = if checkpoint.is_some() {
            self.log.begin_rebuildable().await?
        } else {
            self.log.begin().await?
        };
        let mut recorded = 0;
        for event in events {
            recorded += ingest(
                &mut tx,
                event,
                self.reminder_lead,
                self.max_age,
                self.clock.now(),
            )
            .await?;
        }
        if let (Some(name), Some(last)) = (checkpoint, events.last()) {
            tx.save_checkpoint(name, last.position).await?;
        }
        tx.commit().await?;
        if recorded > 0 {
            self.wake.notify_one();
        }
        Ok(())
    }

    /// Tails the log from the checkpoint `name` until `stop` turns true.
    pub(crate) async fn tail_log(
        &self,
        name: &str,
        mut stop: watch::Receiver<bool>,
    ) -> Result<(), NotifierError> {
        let start = self.log.checkpoint(name).await?;
        let mut tail = self.log.subscribe(start);
        info!(
            notifier.source = "log",
            notifier.from = start,
            "notifier consuming"
        );
        loop {
            let batch = tokio::select! {
                _ = stop.wait_for(|s| *s) => return Ok(()),
                batch = tail.next_batch() => batch?,
            };
            for chunk in batch.chunks(200) {
                self.take(chunk, Some(name)).await?;
            }
        }
    }

    /// Consumes `topic` as member of `group` until `stop` turns true.
    pub(crate) async fn consume_kafka(
        &self,
        brokers: &str,
        topic: &str,
        group: &str,
        session_timeout_ms: u64,
        mut stop: watch::Receiver<bool>,
    ) -> Result<(), NotifierError> {
        let consumer: StreamConsumer = ClientConfig::new()
            .set("bootstrap.servers", brokers)
            .set("group.id", group)
            .set("enable.auto.commit", "true")
            .set("auto.commit.interval.ms", "1000")
            .set("enable.auto.offset.store", "false")
            .set("auto.offset.reset", "earliest")
            .set("session.timeout.ms", session_timeout_ms.to_string())
            .set(
                "heartbeat.interval.ms",
                (session_timeout_ms / 10).max(100).to_string(),
            )
            // Finds a topic created after we subscribed in seconds, not librdkafka's 5 minutes.
            .set("topic.metadata.refresh.interval.ms", "5000")
            .create()?;
        consumer.subscribe(&[topic])?;
        info!(notifier.source = "kafka", kafka.topic = %topic, "notifier consuming");
        let result = self.consume(&consumer, &mut stop).await;
        // Committing and closing can block for minutes on a slow broker: off the runtime,
        // with a bounded wait.
        let closing = tokio::task::spawn_blocking(move || {
            let _ = consumer.commit_consumer_state(CommitMode::Sync);
            drop(consumer);
        });
        if tokio::time::timeout(Duration::from_secs(10), closing)
            .await
            .is_err()
        {
            warn!("kafka consumer still closing; left behind");
        }
        result
    }

    async fn consume(
        &self,
        consumer: &StreamConsumer,
        stop: &mut watch::Receiver<bool>,
    ) -> Result<(), NotifierError> {
        loop {
            let message = tokio::select! {
                _ = stop.wait_for(|s| *s) => return Ok(()),
                message = consumer.recv() => message,
            };
            let message = match message {
                Ok(message) => message,
                Err(error) => {
                    warn!(%error, "kafka receive failed; retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    continue;
                }
            };
            match wire::decode(message.payload().unwrap_or_default()) {
                Ok(event) => {
                    // A database hiccup must not skip the event: retry until taken in.
                    let mut pause = Duration::from_millis(100);
                    while let Err(error) = self.take(std::slice::from_ref(&event), None).await {
                        warn!(%error, event.position = event.position, "could not take in event; retrying");
                        tokio::select! {
                            _ = stop.wait_for(|s| *s) => return Ok(()),
                            _ = tokio::time::sleep(pause) => {}
                        }
                        pause = (pause * 2).min(Duration::from_secs(10));
                    }
                }
                Err(error) => {
                    warn!(%error, kafka.offset = message.offset(), "undecodable message skipped");
                }
            }
            consumer.store_offset_from_message(&message)?;
        }
    }
}
