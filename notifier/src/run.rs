//! Running the notifier: one source task taking events in, one sender task sending what
//! is due, both stopped by the shutdown future.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use basics::Clock;
use chrono::TimeDelta;
use eventlog::EventLog;
use projections::relay::KafkaArgs;
use tokio::sync::{watch, Notify};
use tracing::{error, info};
use uuid::Uuid;

use crate::config::NotifierConfig;
use crate::dead_letters::requeue;
use crate::mailer::Mailer;
use crate::sender::{Sender, BATCH};
use crate::sources::Intake;
use crate::NotifierError;

/// Runs the notifier until `shutdown` resolves: from Kafka when `kafka.brokers` is set,
/// else from the log.
pub async fn run(
    kafka: KafkaArgs,
    config: NotifierConfig,
    log: EventLog,
    shutdown: impl Future<Output = ()>,
) -> Result<(), NotifierError> {
    run_with_clock(kafka, config, log, Clock::system(), shutdown).await
}

/// [`run`] with a given clock (tests control time with it).
pub async fn run_with_clock(
    kafka: KafkaArgs,
    config: NotifierConfig,
    log: EventLog,
    clock: Clock,
    shutdown: impl Future<Output = ()>,
) -> Result<(), NotifierError> {
    let mailer = Mailer::new(&config).map_err(NotifierError::Config)?;
    // The series exists before the first failure, so the dead-letter alert can use it.
    metrics::counter!(crate::sender::FAILED_TOTAL).absolute(0);
    let wake = Arc::new(Notify::new());
    let (stop, stopped) = watch::channel(false);
    let sender = Sender {
        log: log.clone(),
        config: config.clone(),
        mailer,
        clock: clock.clone(),
    };
    let poll = Duration::from_millis(config.poll_ms.max(10));
    let sending = tokio::spawn(send_loop(sender, wake.clone(), poll, stopped.clone()));
    let intake = Intake {
        log,
        reminder_lead: TimeDelta::seconds(
            i64::try_from(config.hold_reminder_lead_secs).unwrap_or(300),
        ),
        max_age: TimeDelta::hours(i64::try_from(config.max_event_age_hours).unwrap_or(72)),
        clock,
        wake,
    };
    let source = async {
        match &kafka.brokers {
            Some(brokers) => {
                intake
                    .consume_kafka(
                        brokers,
                        &kafka.topic,
                        &config.group,
                        config.kafka_session_timeout_ms,
                        stopped.clone(),
                    )
                    .await
            }
            None => intake.tail_log(&config.checkpoint, stopped.clone()).await,
        }
    };
    tokio::pin!(source, shutdown);
    let result = tokio::select! {
        result = &mut source => result,
        _ = &mut shutdown => {
            let _ = stop.send(true);
            source.await
        }
    };
    let _ = stop.send(true);
    let sent = sending
        .await
        .map_err(|e| NotifierError::Config(e.to_string()))?;
    info!("notifier stopped");
    result.and(sent)
}

async fn send_loop(
    sender: Sender,
    wake: Arc<Notify>,
    poll: Duration,
    mut stop: watch::Receiver<bool>,
) -> Result<(), NotifierError> {
    loop {
        if *stop.borrow() {
            return Ok(());
        }
        match sender.send_due().await {
            // A full batch means more may be due: go again at once.
            Ok(n) if n >= BATCH => continue,
            Ok(_) => {}
            Err(e) => error!(error = %e, "sender pass failed; retrying"),
        }
        tokio::select! {
            _ = stop.wait_for(|s| *s) => return Ok(()),
            _ = wake.notified() => {}
            _ = tokio::time::sleep(poll) => {}
        }
    }
}

/// Puts dead letters (all, or one event's) back in the queue and sends them now; returns
/// how many were requeued. Those that fail again are parked again.
pub async fn retry_failed(
    config: NotifierConfig,
    log: EventLog,
    event: Option<Uuid>,
) -> Result<u64, NotifierError> {
    let clock = Clock::system();
    let count = requeue(&log, event, clock.now()).await?;
    let sender = Sender {
        mailer: Mailer::new(&config).map_err(NotifierError::Config)?,
        log,
        config,
        clock,
    };
    while sender.send_due().await? > 0 {
        let remaining = crate::dead_letters::pending_now(&sender.log, sender.clock.now()).await?;
        if remaining == 0 {
            break;
        }
    }
    Ok(count)
}
