//! Command-side lookups the domain cannot answer from one stream: which booking holds a
//! ticket code, and which bookings a listing has (for cancelling them all).
//!
//! Rows are written by the [`Recorder`] right after the booking's events commit. A crash
//! between the two leaves a booking whose codes are not indexed yet; `reindex` rebuilds
//! the index from the log (run at start), so the gap heals without a manual step.

use domain::booking::BookingEvent;
use domain::BookingId;

use crate::db::{fetch_optional, PoolConn};
use crate::recorder::Recorder;
use crate::store::{self, StoreError};

/// The booking that holds `code`, if any.
pub async fn booking_of(
    log: &eventlog::EventLog,
    code: &str,
) -> Result<Option<BookingId>, StoreError> {
    let mut conn = PoolConn::acquire(log).await?;
    let row = fetch_optional!(
        conn.db(),
        (String,),
        "SELECT booking_id FROM ticket_codes WHERE code = $1",
        code
    )?;
    Ok(row
        .and_then(|(id,)| uuid::Uuid::parse_str(&id).ok())
        .map(BookingId::from))
}

/// The log position up to which the index was last rebuilt.
const REINDEX_CHECKPOINT: &str = "command-index";

/// Indexes the bookings of every event written since the last rebuild, through
/// `recorder`; a start reads only what was written since the previous one.
pub async fn reindex(log: &eventlog::EventLog, recorder: &Recorder) -> Result<usize, StoreError> {
    let mut after = log.checkpoint(REINDEX_CHECKPOINT).await?;
    let mut indexed = 0;
    let mut listings = std::collections::HashMap::new();
    loop {
        let batch = log.read_all(after, 1000).await?;
        let Some(last) = batch.last() else { break };
        after = last.position;
        for stored in batch {
            if stored.stream_id.category() != "booking" {
                continue;
            }
            match serde_json::from_value::<BookingEvent>(stored.payload) {
                Ok(BookingEvent::BookingConfirmed {
                    booking_id,
                    listing_id,
                    ..
                }) => {
                    listings.insert(booking_id, listing_id);
                }
                Ok(BookingEvent::TicketsIssued {
                    booking_id,
                    tickets,
                    ..
                }) => {
                    if let Some(listing) = listings.get(&booking_id) {
                        let codes: Vec<String> =
                            tickets.iter().map(|t| t.code.as_str().to_owned()).collect();
                        recorder.booking(listing.to_string(), booking_id.to_string(), codes);
                        indexed += 1;
                    }
                }
                _ => {}
            }
        }
    }
    recorder.flush().await;
    store::save_checkpoint(log, REINDEX_CHECKPOINT, after).await?;
    Ok(indexed)
}
