//! [`Access`]: suspensions and role changes folded from the log, so that an access token
//! issued before one stops carrying the old rights on the next request, in every process.
//!
//! An access token is checked without the database (its signature and expiry), and it
//! carries the role of its issue for up to its lifetime. Each process keeps a small view
//! of the accounts whose access changed within that lifetime and consults it in the
//! [`crate::extract::AuthUser`] extractor. The view is current:
//! - in the process that decided the change: the command catches the view up before it
//!   answers, so the caller's next request anywhere in this process sees it;
//! - in other processes: they follow the log ([`Access::follow`]), woken by the log's
//!   head signal (PostgreSQL NOTIFY at commit; SQLite's poll when another process wrote),
//!   and read only the access events through a partial index;
//! - in a process that starts: [`Access::catch_up`] folds the history before it serves.
//!
//! Memory is bounded by the changes of one token lifetime (admins make them, clients
//! cannot): older entries are pruned, since every token issued before them has expired
//! and none is issued to a suspended account.

mod view;

use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::jwt::{Claims, CLOCK_LEEWAY_SECS};
use crate::Clock;
use chrono::{DateTime, TimeDelta, Utc};
use domain::Actor;
use eventlog::{EventLog, LogError};
use tokio::sync::{watch, Mutex};
pub use view::Verdict;
use view::View;

/// How many access events one catch-up query reads at most.
const BATCH: i64 = 500;
/// The follower's longest sleep when no head signal arrives.
const POLL: Duration = Duration::from_millis(500);
/// The follower's shortest gap between two reads, so a busy log (a flash sale moves the
/// head thousands of times a second) costs at most 20 cheap queries a second.
const MIN_GAP: Duration = Duration::from_millis(50);

/// The process's view of recent access changes; clones share it.
#[derive(Debug, Clone)]
pub struct Access {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// How long a change matters: a token's lifetime plus the clock leeway both ways.
    keep: TimeDelta,
    view: RwLock<View>,
    /// The log position the view includes every access event up to.
    reached: watch::Sender<i64>,
    /// One catch-up at a time, so events are applied in log order.
    catching_up: Mutex<()>,
}

impl Access {
    /// An empty view for tokens living `token_ttl`; [`Access::catch_up`] fills it.
    pub fn new(token_ttl: Duration) -> Self {
        let ttl = TimeDelta::from_std(token_ttl).unwrap_or(TimeDelta::MAX);
        let keep = ttl + TimeDelta::seconds(2 * CLOCK_LEEWAY_SECS);
        Self {
            inner: Arc::new(Inner {
                keep,
                view: RwLock::new(View::default()),
                reached: watch::channel(0).0,
                catching_up: Mutex::new(()),
            }),
        }
    }

    /// What `claims` may do now: suspended, or the actor with its current role.
    pub fn verdict(&self, claims: &Claims) -> Verdict {
        self.read().verdict(claims)
    }

    /// The actor of `claims` with its current role, or `None` while it is suspended.
    pub fn actor(&self, claims: &Claims) -> Option<Actor> {
        match self.verdict(claims) {
            Verdict::Act(actor) => Some(actor),
            Verdict::Suspended => None,
        }
    }

    /// The log position up to which the view holds every access event.
    pub fn position(&self) -> i64 {
        *self.inner.reached.borrow()
    }

    /// How many accounts the view remembers (changed within one token lifetime).
    pub fn remembered(&self) -> usize {
        self.read().len()
    }

    /// Waits until the view includes `position`; false after `timeout`.
    pub async fn wait_for(&self, position: i64, timeout: Duration) -> bool {
        let mut reached = self.inner.reached.subscribe();
        tokio::time::timeout(timeout, reached.wait_for(|p| *p >= position))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Reads every access event the log has committed since the last catch-up, folds it
    /// in, and forgets changes older than a token's lifetime at `now`.
    pub async fn catch_up(&self, log: &EventLog, now: DateTime<Utc>) -> Result<(), LogError> {
        let _one = self.inner.catching_up.lock().await;
        // Everything at or below the head this process knew before reading has committed,
        // and positions become visible in order, so the read below includes all of it.
        let known = *log.watch_head().borrow();
        loop {
            let after = self.read().applied;
            let rows = access_events(log, after).await?;
            let full = rows.len() as i64 == BATCH;
            // The guard ends with this block: the next batch is read without it.
            {
                let mut view = self.write();
                for (position, stream, payload) in rows {
                    view.apply_raw(position, &stream, &payload);
                }
                if !full {
                    view.prune(now, self.inner.keep);
                }
            }
            if !full {
                let reached = known.max(self.read().applied);
                self.inner.reached.send_if_modified(|p| raise(p, reached));
                return Ok(());
            }
        }
    }

    /// Follows the log until `stop`: a catch-up each time the log's head moves (at most
    /// every 50 ms) and at least every 500 ms (pruning with `clock`).
    pub async fn follow(
        &self,
        log: &EventLog,
        clock: &Clock,
        stop: impl Future<Output = ()>,
    ) -> Result<(), LogError> {
        let mut head = log.watch_head();
        tokio::pin!(stop);
        loop {
            head.borrow_and_update();
            self.catch_up(log, clock.now()).await?;
            tokio::select! {
                changed = head.changed() => {
                    if changed.is_err() {
                        tokio::time::sleep(POLL).await;
                    }
                }
                _ = tokio::time::sleep(POLL) => {}
                _ = &mut stop => return Ok(()),
            }
            tokio::time::sleep(MIN_GAP).await;
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, View> {
        self.inner.view.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, View> {
        self.inner.view.write().unwrap_or_else(|e| e.into_inner())
    }
}

fn raise(current: &mut i64, new: i64) -> bool {
    let higher = new > *current;
    if higher {
        *current = new;
    }
    higher
}

/// The access events after `after` (position, stream, payload), through the partial
/// index `events_access_changes`, whose predicate this must repeat word for word.
async fn access_events(log: &EventLog, after: i64) -> Result<Vec<(i64, String, String)>, LogError> {
    const TYPES: &str = "event_type IN ('account_suspended', 'account_reinstated', 'role_changed')";
    let rows = if let Some(pool) = log.postgres_pool() {
        let sql = format!(
            "SELECT position, stream_id, payload::text FROM events \
             WHERE {TYPES} AND position > $1 ORDER BY position LIMIT $2"
        );
        sqlx::query_as(&sql)
            .bind(after)
            .bind(BATCH)
            .fetch_all(pool)
            .await
    } else if let Some(pool) = log.sqlite_pool() {
        let sql = format!(
            "SELECT position, stream_id, payload FROM events \
             WHERE {TYPES} AND position > $1 ORDER BY position LIMIT $2"
        );
        sqlx::query_as(&sql)
            .bind(after)
            .bind(BATCH)
            .fetch_all(pool)
            .await
    } else {
        Ok(Vec::new())
    };
    rows.map_err(LogError::from)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use domain::Role;
    use eventlog::testing::TestDb;
    use eventlog::{ExpectedVersion, NewEvent, StreamAppend, StreamId};
    use serde_json::json;

    use super::*;

    #[tokio::test]
    async fn a_catch_up_reads_more_access_events_than_one_batch_holds() {
        let db = TestDb::sqlite();
        let log = db.log().await;
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
        let mut users = Vec::new();
        for _ in 0..(BATCH as usize + 100) {
            let user = uuid::Uuid::now_v7();
            let payload =
                json!({"type": "account_suspended", "reason": "spam", "by": user, "at": now});
            let stream = StreamId::new(format!("user-{user}")).unwrap();
            let event = NewEvent::new("account_suspended", payload);
            let append = StreamAppend::new(stream, ExpectedVersion::Any, vec![event]);
            log.append(vec![append]).await.unwrap();
            users.push(user);
        }
        let access = Access::new(Duration::from_secs(900));
        let caught_up = tokio::time::timeout(Duration::from_secs(10), access.catch_up(&log, now));
        caught_up.await.expect("no deadlock").unwrap();
        assert_eq!(access.remembered(), users.len());
        assert!(access.position() >= users.len() as i64);
        let claims = Claims {
            sub: users[0],
            role: Role::Customer,
            iat: now.timestamp(),
            exp: now.timestamp() + 900,
            nbf: None,
            jti: uuid::Uuid::now_v7(),
        };
        assert_eq!(access.verdict(&claims), Verdict::Suspended);
        access
            .catch_up(&log, now + TimeDelta::hours(1))
            .await
            .unwrap();
        assert_eq!(
            access.remembered(),
            0,
            "pruned once every token of then expired"
        );
    }
}
