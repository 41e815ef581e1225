//! The deadline scheduler: issues hold-expiry, offer-expiry and sales-closing commands
//! when they fall due, through the same listing writers as every other command. Each
//! listing's next deadline is recorded after every commit (`listing_deadlines`); at start
//! the scheduler recomputes them from the log, so it catches up after a restart.

use std::future::Future;
use std::time::Duration;

use domain::listing::ListingStatus;
use domain::{ListingAggregate, ListingId};
use uuid::Uuid;

use crate::commands::deadlines::issue_due;
use crate::commands::listings::cancel_bookings_of;
use crate::commands::{minutes, CommandError};
use crate::db::{fetch_all, PoolConn};
use crate::state::AppState;
use crate::store;

/// The checkpoint holding the log position up to which the last catch-up recomputed
/// deadlines.
pub const CATCH_UP_CHECKPOINT: &str = "scheduler.catch-up";

/// How often the scheduler looks for due deadlines.
pub const TICK: Duration = Duration::from_millis(500);

/// Issues due deadline commands for every listing.
#[derive(Debug, Clone)]
pub struct Scheduler {
    state: AppState,
}

impl Scheduler {
    /// A scheduler over the app's writers, log and clock.
    pub fn new(state: AppState) -> Self {
        Self { state }
    }

    /// Recomputes the next deadline of every listing written since the last catch-up
    /// (after a restart, or a crash between a commit and its deadline record), and
    /// finishes the booking fan-out of any listing cancelled since. Only the streams
    /// written after the previous catch-up are loaded, so a start costs what changed.
    pub async fn catch_up(&self) -> Result<usize, CommandError> {
        let log = &self.state.log;
        let since = log.checkpoint(CATCH_UP_CHECKPOINT).await?;
        let head = log.head().await?;
        let mut conn = PoolConn::acquire(log).await?;
        let streams = fetch_all!(
            conn.db(),
            (String,),
            "SELECT DISTINCT stream_id FROM events \
             WHERE stream_id LIKE 'listing-%' AND position > $1 AND position <= $2",
            since,
            head
        )?;
        drop(conn);
        for (stream,) in &streams {
            let stream = store::stream_id(stream.clone());
            let loaded = store::load::<ListingAggregate>(log, &stream).await?;
            self.state.recorder.deadline(&stream, &loaded.state);
            // A crash part-way through a listing's cancellation left some bookings
            // standing: finish the fan-out (bookings already cancelled are skipped).
            if let Some(listing) = loaded.state.listing() {
                if listing.status() == ListingStatus::Cancelled {
                    cancel_bookings_of(&self.state, listing.id()).await?;
                }
            }
        }
        self.state.recorder.flush().await;
        store::save_checkpoint(log, CATCH_UP_CHECKPOINT, head).await?;
        Ok(streams.len())
    }

    /// Issues the commands of every deadline due now; returns how many listings it touched.
    pub async fn run_due(&self) -> Result<usize, CommandError> {
        self.state.recorder.flush().await;
        let now = self.state.clock.now();
        let mut conn = PoolConn::acquire(&self.state.log).await?;
        let due = fetch_all!(
            conn.db(),
            (String,),
            "SELECT stream_id FROM listing_deadlines WHERE due_at <= $1",
            now.timestamp_millis()
        )?;
        drop(conn);
        let offer_for = minutes(self.state.config.offer_minutes)?;
        for (stream,) in &due {
            let Some(id) = stream
                .strip_prefix("listing-")
                .and_then(|u| Uuid::parse_str(u).ok())
            else {
                continue;
            };
            let result = issue_due(&self.state, ListingId::from(id), now, offer_for).await;
            if let Err(error) = result {
                tracing::warn!(%error, stream.id = %stream, "a due deadline failed; will retry");
            }
        }
        Ok(due.len())
    }

    /// Runs until `shutdown`: catches up once, then checks for due deadlines every tick.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        if let Err(error) = self.catch_up().await {
            tracing::warn!(%error, "scheduler catch-up failed");
        }
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = &mut shutdown => break,
                _ = tokio::time::sleep(TICK) => {
                    if let Err(error) = self.run_due().await {
                        tracing::warn!(%error, "scheduler pass failed");
                    }
                }
            }
        }
    }
}
