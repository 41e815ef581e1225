//! One task per process that writes the command side's lookup rows (each listing's next
//! deadline, each booking's ticket codes) in batches, off the request path.
//!
//! Writing them from every request handler made hundreds of tiny transactions compete
//! with the log's own group commit for SQLite's single write lock and for pool
//! connections; here every record waiting in the queue goes into one transaction. Readers
//! that must see a record just sent (check-in right after a confirmation, the scheduler,
//! a listing's cancellation) call [`Recorder::flush`] first. A crash can lose the last
//! batch; the scheduler's catch-up and `index::reindex` rebuild both from the log at start.

use std::collections::HashMap;

use domain::listing::ListingState;
use eventlog::sql::{value_rows, Arg, Db};
use eventlog::{EventLog, StreamId};
use tokio::sync::{mpsc, oneshot};

use crate::db::{exec, Target};

enum Record {
    Deadline {
        stream: String,
        due: Option<i64>,
    },
    Booking {
        listing: String,
        booking: String,
        codes: Vec<String>,
    },
    Flush(oneshot::Sender<()>),
}

/// The handle to the recording task.
#[derive(Debug, Clone)]
pub struct Recorder {
    queue: mpsc::UnboundedSender<Record>,
}

impl std::fmt::Debug for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Record")
    }
}

impl Recorder {
    /// Starts the task on `log`'s database.
    pub fn start(log: EventLog) -> Self {
        let (queue, records) = mpsc::unbounded_channel();
        tokio::spawn(run(log, records));
        Self { queue }
    }

    /// Records when the listing `stream` folded into `state` next needs the scheduler.
    pub fn deadline(&self, stream: &StreamId, state: &ListingState) {
        let due = state.next_deadline().map(|d| d.due_at.timestamp_millis());
        let _ = self.queue.send(Record::Deadline {
            stream: stream.to_string(),
            due,
        });
    }

    /// Records a confirmed booking's ticket codes and its listing.
    pub fn booking(&self, listing: String, booking: String, codes: Vec<String>) {
        let _ = self.queue.send(Record::Booking {
            listing,
            booking,
            codes,
        });
    }

    /// Waits until everything recorded before this call is written.
    pub async fn flush(&self) {
        let (done, written) = oneshot::channel();
        if self.queue.send(Record::Flush(done)).is_ok() {
            let _ = written.await;
        }
    }
}

async fn run(log: EventLog, mut records: mpsc::UnboundedReceiver<Record>) {
    while let Some(first) = records.recv().await {
        let mut batch = vec![first];
        while let Ok(more) = records.try_recv() {
            batch.push(more);
        }
        let mut deadlines: HashMap<String, Option<i64>> = HashMap::new();
        let mut bookings = Vec::new();
        let mut flushes = Vec::new();
        for record in batch {
            match record {
                // The newest deadline of a listing wins.
                Record::Deadline { stream, due } => {
                    deadlines.insert(stream, due);
                }
                Record::Booking {
                    listing,
                    booking,
                    codes,
                } => bookings.push((listing, booking, codes)),
                Record::Flush(done) => flushes.push(done),
            }
        }
        if !deadlines.is_empty() || !bookings.is_empty() {
            for attempt in 0..5 {
                match write(&log, &deadlines, &bookings).await {
                    Ok(()) => break,
                    Err(error) => {
                        tracing::warn!(%error, attempt, "writing lookup rows failed");
                        tokio::time::sleep(std::time::Duration::from_millis(100 << attempt)).await;
                    }
                }
            }
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
}

async fn write(
    log: &EventLog,
    deadlines: &HashMap<String, Option<i64>>,
    bookings: &[(String, String, Vec<String>)],
) -> Result<(), eventlog::LogError> {
    // Lookup rows: the start-up catch-ups rebuild them from their (durable) checkpoints.
    let mut tx = log.begin_rebuildable().await?;
    {
        let mut target = Target::of(&mut tx);
        for (stream, due) in deadlines {
            match due {
                Some(due) => exec!(
                    target.reborrow(),
                    "INSERT INTO listing_deadlines (stream_id, due_at) VALUES ($1, $2) \
                     ON CONFLICT (stream_id) DO UPDATE SET due_at = excluded.due_at",
                    stream,
                    *due
                )?,
                None => exec!(
                    target.reborrow(),
                    "DELETE FROM listing_deadlines WHERE stream_id = $1",
                    stream
                )?,
            };
        }
    }
    // Each table's rows in one statement (a few hundred at a time): a batch of bookings
    // then costs the write gate two statements, not one per ticket.
    let mut codes = Vec::new();
    for (listing, booking, ticket_codes) in bookings {
        for code in ticket_codes {
            codes.push(vec![
                Arg::from(code.as_str()),
                booking.as_str().into(),
                listing.as_str().into(),
            ]);
        }
    }
    insert_many(
        &mut tx,
        "INSERT INTO ticket_codes (code, booking_id, listing_id) VALUES ",
        " ON CONFLICT (code) DO NOTHING",
        codes,
    )
    .await?;
    let listed = bookings
        .iter()
        .map(|(listing, booking, _)| vec![Arg::from(listing.as_str()), booking.as_str().into()])
        .collect();
    insert_many(
        &mut tx,
        "INSERT INTO listing_bookings (listing_id, booking_id) VALUES ",
        " ON CONFLICT (listing_id, booking_id) DO NOTHING",
        listed,
    )
    .await?;
    tx.commit().await
}

/// Inserts `rows` (each the same number of values) with `head` + their `VALUES` list +
/// `tail`, [`ROWS_PER_INSERT`] rows a statement.
async fn insert_many(
    tx: &mut eventlog::LogTx,
    head: &str,
    tail: &str,
    rows: Vec<Vec<Arg>>,
) -> Result<(), sqlx::Error> {
    let Some(width) = rows.first().map(Vec::len) else {
        return Ok(());
    };
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let args: Vec<Arg> = rows.by_ref().take(ROWS_PER_INSERT).flatten().collect();
        let sql = format!("{head}{}{tail}", value_rows(args.len() / width, width));
        Db::of(tx).exec(&sql, args).await?;
    }
    Ok(())
}

/// Rows per multi-row insert (SQLite binds at most 32,766 values a statement).
const ROWS_PER_INSERT: usize = 500;
