//! A tail of the whole log that wakes as soon as new events commit: on an in-process
//! signal from the writer, on PostgreSQL NOTIFY from other processes, and on a poll
//! timer as the fallback (other SQLite processes, a lost notification).

use std::time::Duration;

use tokio::sync::watch;

use crate::error::LogError;
use crate::log::EventLog;
use crate::types::StoredEvent;

/// Reads the log in position order from a starting point, waiting when it is caught up.
#[derive(Debug)]
pub struct Subscription {
    log: EventLog,
    after: i64,
    batch: usize,
    poll: Duration,
    head: watch::Receiver<i64>,
}

impl Subscription {
    pub(crate) fn new(log: EventLog, after: i64, batch: usize, poll: Duration) -> Self {
        let head = log.head_sender().subscribe();
        Self {
            log,
            after,
            batch,
            poll,
            head,
        }
    }

    /// The position of the last event returned (or the starting point).
    pub fn position(&self) -> i64 {
        self.after
    }

    /// The next batch of events after [`Subscription::position`], waiting until there is one.
    pub async fn next_batch(&mut self) -> Result<Vec<StoredEvent>, LogError> {
        loop {
            // Mark the current head seen *before* reading, so a commit that lands between
            // the read and the wait still wakes us.
            self.head.borrow_and_update();
            let events = self.log.read_all(self.after, self.batch).await?;
            if let Some(last) = events.last() {
                self.after = last.position;
                return Ok(events);
            }
            tokio::select! {
                changed = self.head.changed() => {
                    if changed.is_err() {
                        tokio::time::sleep(self.poll).await;
                    }
                }
                _ = tokio::time::sleep(self.poll) => {}
            }
        }
    }

    /// Like [`Subscription::next_batch`], but gives up after `timeout` with an empty batch.
    pub async fn next_batch_within(
        &mut self,
        timeout: Duration,
    ) -> Result<Vec<StoredEvent>, LogError> {
        match tokio::time::timeout(timeout, self.next_batch()).await {
            Ok(result) => result,
            Err(_) => Ok(Vec::new()),
        }
    }
}
