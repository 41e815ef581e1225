//! Issuing the due deadlines of one listing (hold and offer expiry, scheduled sales
//! close) through its writer; the scheduler calls this for every due listing.

use chrono::{DateTime, Utc};
use domain::{Aggregate, HoldDuration, ListingAggregate, ListingId};

use crate::commands::CommandError;
use crate::state::AppState;
use crate::store;
use crate::writer::Planned;

/// Decides every deadline of `listing` due at `now`, in order, and appends them together;
/// returns the position written (0 when nothing was due any more).
pub async fn issue_due(
    state: &AppState,
    listing: ListingId,
    now: DateTime<Utc>,
    offer_for: HoldDuration,
) -> Result<i64, CommandError> {
    let metadata = store::metadata("scheduler");
    // Orders a waiting room's early arrivals if one of these deadlines opens it.
    let seed = crate::commands::room::fresh_seed();
    let committed = state
        .writers
        .submit(listing, metadata, move |current| {
            // Several deadlines may be due at once: decide them in order, each against
            // the state the previous ones left.
            let mut scratch = current.clone();
            let mut events = Vec::new();
            for deadline in current.due_deadlines(now) {
                let command = deadline.command(now, offer_for, seed);
                if let Ok(decided) = domain::listing::decide(&scratch, command) {
                    for event in &decided {
                        scratch = ListingAggregate::evolve(scratch, event);
                    }
                    events.extend(decided);
                }
            }
            Ok::<_, CommandError>(Planned::listing(events, ()))
        })
        .await??;
    Ok(committed.position)
}
