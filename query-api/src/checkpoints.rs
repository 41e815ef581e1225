//! The read models' checkpoints as far as this process knows them, for the answers kept in
//! memory (the catalog read cache, the waiting rooms' lines): a kept answer is current
//! while the checkpoints it was computed at are the ones known now.
//!
//! [`Checkpoints::follow`] keeps them up from the database (so it works whichever process
//! projects), woken at once by this process's runners after each batch they commit; a read
//! with `?after=N` raises the ones it waited for to N; a live stream raises them with each
//! announcement it hears, before it reads. A number is never more than the database holds,
//! so an answer computed after reading it includes at least what it says. When the
//! follower has not confirmed them lately (it failed, or never ran), they are not trusted.

use std::future::Future;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use eventlog::sql::{placeholders, Arg, Conn, Db};
use eventlog::{EventLog, LogError};
use projections::status::{checkpoint_name, ListingsChanged, Projections};
use tokio::sync::broadcast::error::RecvError;

/// How often the follower reads the checkpoints from the database: how long another
/// process's change can go unseen by reads without `after`.
const POLL: Duration = Duration::from_millis(100);

/// The checkpoints are not trusted when last confirmed longer ago than this.
const TRUST_FOR: Duration = Duration::from_secs(2);

/// The projections whose checkpoints are followed, in [`Seen`]'s order.
pub(crate) const FOLLOWED: [&str; 2] = ["catalog", "bookings"];

/// Checkpoints as known at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Seen {
    /// The catalog's.
    pub(crate) catalog: i64,
    /// The bookings projection's.
    pub(crate) bookings: i64,
}

impl Seen {
    /// Whether an answer computed at `self` includes everything up to `known`.
    pub(crate) fn covers(&self, known: Seen) -> bool {
        self.catalog >= known.catalog && self.bookings >= known.bookings
    }
}

#[derive(Debug)]
struct Inner {
    /// One per [`FOLLOWED`] projection.
    positions: [AtomicI64; 2],
    /// When the database last confirmed them, in milliseconds since `born` (0: never).
    confirmed: AtomicU64,
    born: Instant,
}

/// The followed checkpoints of this process. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Checkpoints {
    inner: Arc<Inner>,
}

impl Default for Checkpoints {
    fn default() -> Self {
        Self {
            inner: Arc::new(Inner {
                positions: [AtomicI64::new(0), AtomicI64::new(0)],
                confirmed: AtomicU64::new(0),
                born: Instant::now(),
            }),
        }
    }
}

impl Checkpoints {
    /// The checkpoints last learned, trusted or not.
    pub(crate) fn known(&self) -> Seen {
        let at = |i: usize| self.inner.positions[i].load(Ordering::Acquire);
        Seen {
            catalog: at(0),
            bookings: at(1),
        }
    }

    /// The checkpoints to key kept answers by, when recently confirmed.
    pub(crate) fn current(&self) -> Option<Seen> {
        let confirmed = self.inner.confirmed.load(Ordering::Acquire);
        let age = (self.inner.born.elapsed().as_millis() as u64).saturating_sub(confirmed);
        (confirmed > 0 && age <= TRUST_FOR.as_millis() as u64).then(|| self.known())
    }

    /// Records that `projection` has applied `position` (seen in the database, or
    /// announced by its runner after the commit); a projection not followed is ignored.
    pub fn advance(&self, projection: &str, position: i64) {
        if let Some(i) = FOLLOWED.iter().position(|name| *name == projection) {
            self.inner.positions[i].fetch_max(position, Ordering::AcqRel);
        }
    }

    /// Takes a runner's announcement.
    pub(crate) fn heard(&self, change: &ListingsChanged) {
        self.advance(change.projection, change.position);
    }

    /// Records what the database holds now.
    pub(crate) fn confirm(&self, seen: Seen) {
        self.advance(FOLLOWED[0], seen.catalog);
        self.advance(FOLLOWED[1], seen.bookings);
        let now = self.inner.born.elapsed().as_millis() as u64;
        self.inner.confirmed.store(now.max(1), Ordering::Release);
    }

    /// Keeps the checkpoints current until `shutdown`: reads them from the database every
    /// `POLL`, and takes this process's runners' word at once after each batch. Fails on
    /// a database error (the supervisor restarts it; meanwhile they go untrusted once
    /// older than `TRUST_FOR`).
    pub async fn follow(
        &self,
        log: &EventLog,
        projections: &Projections,
        shutdown: impl Future<Output = ()>,
    ) -> Result<(), LogError> {
        tokio::pin!(shutdown);
        let mut changes = projections.subscribe_listings();
        let mut poll = tokio::time::interval(POLL);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = &mut shutdown => return Ok(()),
                _ = poll.tick() => self.confirm(stored(log).await?),
                change = changes.recv() => match change {
                    Ok(change) => self.heard(&change),
                    // Missed some: the database says where the projections are.
                    Err(RecvError::Lagged(_)) => self.confirm(stored(log).await?),
                    // The registry holds the sender while it lives, so this should not
                    // happen; if it does, polling alone keeps up.
                    Err(RecvError::Closed) => {
                        tokio::time::sleep(POLL).await;
                        changes = projections.subscribe_listings();
                    }
                },
            }
        }
    }
}

/// The followed checkpoints as the database holds them (0 for one never written).
pub(crate) async fn stored(log: &EventLog) -> Result<Seen, LogError> {
    let mut conn = Conn::acquire(log).await.map_err(LogError::from)?;
    Ok(stored_in(&mut conn.db()).await?)
}

/// [`stored`], read on `db`.
pub(crate) async fn stored_in(db: &mut Db<'_>) -> Result<Seen, sqlx::Error> {
    let sql = format!(
        "SELECT name, position FROM checkpoints WHERE name IN ({})",
        placeholders(1, FOLLOWED.len())
    );
    let args = FOLLOWED
        .iter()
        .map(|name| Arg::Text(checkpoint_name(name)))
        .collect();
    let rows: Vec<(String, i64)> = db.fetch(&sql, args).await?;
    let of = |name: &str| {
        let key = checkpoint_name(name);
        rows.iter().find(|(n, _)| *n == key).map_or(0, |(_, p)| *p)
    };
    Ok(Seen {
        catalog: of(FOLLOWED[0]),
        bookings: of(FOLLOWED[1]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checkpoints_never_move_back_and_others_are_ignored() {
        let checkpoints = Checkpoints::default();
        checkpoints.confirm(Seen {
            catalog: 9,
            bookings: 4,
        });
        checkpoints.advance("catalog", 3);
        checkpoints.advance("bookings", 6);
        checkpoints.advance("analytics", 100);
        assert_eq!(
            checkpoints.current(),
            Some(Seen {
                catalog: 9,
                bookings: 6
            })
        );
    }

    #[test]
    fn unconfirmed_checkpoints_are_not_trusted() {
        let checkpoints = Checkpoints::default();
        checkpoints.advance("catalog", 3);
        assert_eq!(checkpoints.current(), None);
        assert_eq!(checkpoints.known().catalog, 3);
    }
}
