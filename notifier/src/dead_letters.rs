//! The operator's view of parked messages: `boxoffice notifications failed` lists them,
//! `boxoffice notifications retry` puts them back in the queue and sends them.

use chrono::{DateTime, Utc};
use eventlog::EventLog;
use serde::Serialize;
use uuid::Uuid;

use crate::NotifierError;
use eventlog::sql::{Arg, Db};

/// A message that failed for good (recipient by user id; addresses are never shown).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeadLetter {
    /// The event that caused it.
    pub event_id: String,
    /// The recipient's user id.
    pub recipient: String,
    /// The template name.
    pub template: String,
    /// The last error.
    pub reason: String,
    /// Attempts made.
    pub attempts: i64,
    /// When it was parked.
    pub failed_at: DateTime<Utc>,
}

/// Every dead letter, oldest first.
pub async fn failed(log: &EventLog) -> Result<Vec<DeadLetter>, NotifierError> {
    let mut tx = log.begin().await?;
    let rows: Vec<(String, String, String, String, i64, DateTime<Utc>)> = Db::of(&mut tx)
        .fetch(
            "SELECT event_id, recipient, template, reason, attempts, failed_at \
             FROM notifier_dead_letters ORDER BY failed_at, event_id",
            vec![],
        )
        .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(
            |(event_id, recipient, template, reason, attempts, failed_at)| DeadLetter {
                event_id,
                recipient,
                template,
                reason,
                attempts,
                failed_at,
            },
        )
        .collect())
}

/// Puts dead letters (all, or those of one event) back in the queue, due now. Returns how
/// many; a running notifier (or [`crate::retry_failed`]) sends them.
pub async fn requeue(
    log: &EventLog,
    event: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<u64, NotifierError> {
    let filter = event.map(|e| e.to_string());
    let mut tx = log.begin().await?;
    let mut db = Db::of(&mut tx);
    let count = db
        .exec(
            "UPDATE notifier_deliveries SET status = 'pending', attempts = 0, due_at = $1, updated_at = $1 \
             WHERE status = 'dead' AND ($2 IS NULL OR event_id = $2)",
            vec![Arg::Time(now), Arg::OptText(filter.clone())],
        )
        .await?;
    db.exec(
        "DELETE FROM notifier_dead_letters WHERE ($1 IS NULL OR event_id = $1)",
        vec![Arg::OptText(filter)],
    )
    .await?;
    tx.commit().await?;
    Ok(count)
}

/// How many messages are due at `now` and not sent yet.
pub(crate) async fn pending_now(log: &EventLog, now: DateTime<Utc>) -> Result<i64, NotifierError> {
    let mut tx = log.begin().await?;
    let rows: Vec<(i64,)> = Db::of(&mut tx)
        .fetch(
            "SELECT COUNT(*) FROM notifier_deliveries WHERE status = 'pending' AND due_at <= $1",
            vec![Arg::Time(now)],
        )
        .await?;
    tx.commit().await?;
    Ok(rows.first().map(|r| r.0).unwrap_or(0))
}
