//! The bounded cache of public catalog answers (listing detail and search, anonymous
//! callers only), valid while the catalog projection's checkpoint has not moved.
//!
//! Every entry is keyed by the catalog checkpoint it was computed at, so an entry is found
//! only while that checkpoint is the current one: when the catalog moves, the old entries
//! are never found again and age out. The current checkpoint is a shared number that
//! [`ReadCache::follow`] keeps up from the database (so it works whichever process
//! projects), woken at once by this process's catalog runner; a read with `?after=N`
//! raises it to N once it has seen the catalog reach N, so that read never gets an
//! answer computed before N. When the follower has not confirmed the number lately (it
//! failed, or never ran), the cache is skipped rather than trusted.

use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use eventlog::{EventLog, LogError};
use projections::status::{checkpoint_name, Projections};
use quick_cache::Weighter;
use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;

use crate::error::QueryError;

/// How often the follower reads the catalog checkpoint from the database: how long
/// another process's catalog change can go unseen by reads without `after`.
const POLL: Duration = Duration::from_millis(100);

/// The cache is skipped when the checkpoint was last confirmed longer ago than this.
const TRUST_FOR: Duration = Duration::from_secs(2);

/// What the cache may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheLimits {
    /// Most bytes of answers and keys held (estimated); 0 turns the cache off.
    pub max_bytes: u64,
    /// Most entries held, whatever their size.
    pub max_entries: usize,
}

impl Default for CacheLimits {
    fn default() -> Self {
        Self {
            max_bytes: 64 * 1024 * 1024,
            max_entries: 20_000,
        }
    }
}

/// Which answer an entry holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Query {
    /// `GET /listings/{id}`, by the listing id (canonical text).
    Detail(String),
    /// `GET /listings?…`, by the parsed parameters (so spelling does not matter).
    Search(Box<crate::routes::catalog::SearchKey>),
}

impl Query {
    /// Bytes the key holds beyond its size.
    fn heap(&self) -> usize {
        match self {
            Self::Detail(id) => id.len(),
            Self::Search(key) => key.heap(),
        }
    }
}

/// An answer's key: the query and the catalog checkpoint it was computed at.
type Key = (i64, Query);

/// Weighs an entry by the bytes it holds, so long keys and big answers count as such.
#[derive(Debug, Clone, Copy)]
struct Size {
    /// Entries beyond this many weigh so much that the count bound holds too.
    min: u64,
}

impl Weighter<Key, Bytes> for Size {
    fn weight(&self, key: &Key, body: &Bytes) -> u64 {
        let bytes = std::mem::size_of::<Key>() + key.1.heap() + body.len();
        (bytes as u64).max(self.min)
    }
}

#[derive(Debug)]
struct Inner {
    entries: Option<quick_cache::sync::Cache<Key, Bytes, Size>>,
    /// The catalog checkpoint, as far as this process knows (never more than it is).
    checkpoint: AtomicI64,
    /// When the database last confirmed it, in milliseconds since `born` (0: never).
    confirmed: AtomicU64,
    born: Instant,
}

/// The shared cache of public catalog answers. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ReadCache {
    inner: Arc<Inner>,
}

impl Default for ReadCache {
    fn default() -> Self {
        Self::new(CacheLimits::default())
    }
}

impl ReadCache {
    /// An empty cache within `limits`; it serves nothing until [`ReadCache::follow`] runs.
    pub fn new(limits: CacheLimits) -> Self {
        let entries = (limits.max_bytes > 0 && limits.max_entries > 0).then(|| {
            let min = limits.max_bytes.div_ceil(limits.max_entries as u64);
            quick_cache::sync::Cache::with_weighter(
                limits.max_entries,
                limits.max_bytes,
                Size { min },
            )
        });
        Self {
            inner: Arc::new(Inner {
                entries,
                checkpoint: AtomicI64::new(0),
                confirmed: AtomicU64::new(0),
                born: Instant::now(),
            }),
        }
    }

    /// Entries held now.
    pub fn len(&self) -> usize {
        self.inner.entries.as_ref().map_or(0, |e| e.len())
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Estimated bytes held now.
    pub fn weight(&self) -> u64 {
        self.inner.entries.as_ref().map_or(0, |e| e.weight())
    }

    /// The catalog checkpoint this cache last learned.
    pub fn checkpoint(&self) -> i64 {
        self.inner.checkpoint.load(Ordering::Acquire)
    }

    /// Records that the catalog has applied `position` (seen in the database, or
    /// announced by the runner after its commit); answers computed before are dropped.
    pub fn advance(&self, position: i64) {
        self.inner.checkpoint.fetch_max(position, Ordering::AcqRel);
    }

    /// Records that the database holds `position` as the catalog checkpoint now.
    fn confirm(&self, position: i64) {
        self.advance(position);
        let now = self.inner.born.elapsed().as_millis() as u64;
        self.inner.confirmed.store(now.max(1), Ordering::Release);
    }

    /// The checkpoint to key answers by, when it is recent enough to trust.
    fn current(&self) -> Option<i64> {
        let confirmed = self.inner.confirmed.load(Ordering::Acquire);
        let age = (self.inner.born.elapsed().as_millis() as u64).saturating_sub(confirmed);
        (confirmed > 0 && age <= TRUST_FOR.as_millis() as u64).then(|| self.checkpoint())
    }

    /// The JSON answer to `query`: from the cache when it holds one computed at the
    /// current checkpoint, else computed by `compute` (once, however many ask at the same
    /// time) and kept. The caller has already waited for `after`, which raised the
    /// checkpoint to it, so a kept answer includes every write up to `after`. Failures
    /// are not kept.
    pub(crate) async fn answer<T, F>(
        &self,
        query: Query,
        compute: F,
    ) -> Result<Response, QueryError>
    where
        T: Serialize,
        F: Future<Output = Result<T, QueryError>>,
    {
        let (Some(entries), Some(checkpoint)) = (self.inner.entries.as_ref(), self.current())
        else {
            return Ok(json(to_bytes(&compute.await?)?));
        };
        // The checkpoint is read before the answer is, so the answer includes at least
        // what the key claims (it may include more, which only makes it fresher).
        let key = (checkpoint, query);
        match entries.get_value_or_guard_async(&key).await {
            Ok(body) => Ok(json(body)),
            Err(guard) => {
                let body = to_bytes(&compute.await?)?;
                let _ = guard.insert(body.clone());
                Ok(json(body))
            }
        }
    }

    /// Keeps the checkpoint current until `shutdown`: reads it from the database every
    /// `POLL`, and takes this process's catalog runner's word at once after each batch
    /// it commits. Fails on a database error (the supervisor restarts it; meanwhile the
    /// cache goes unused once its checkpoint is older than `TRUST_FOR`).
    pub async fn follow(
        &self,
        log: &EventLog,
        projections: &Projections,
        shutdown: impl Future<Output = ()>,
    ) -> Result<(), LogError> {
        tokio::pin!(shutdown);
        let name = checkpoint_name("catalog");
        let mut changes = projections.subscribe_listings();
        let mut poll = tokio::time::interval(POLL);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = &mut shutdown => return Ok(()),
                _ = poll.tick() => self.confirm(log.checkpoint(&name).await?),
                change = changes.recv() => match change {
                    Ok(change) => self.advance(change.position),
                    // Missed some: the database says where the catalog is.
                    Err(RecvError::Lagged(_)) => self.confirm(log.checkpoint(&name).await?),
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

fn to_bytes<T: Serialize>(value: &T) -> Result<Bytes, QueryError> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(|e| QueryError::Api(http_kit::ApiError::Internal(e.into())))
}

fn json(body: Bytes) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn confirmed(limits: CacheLimits, position: i64) -> ReadCache {
        let cache = ReadCache::new(limits);
        cache.confirm(position);
        cache
    }

    async fn ask(cache: &ReadCache, id: &str, answer: &str) -> String {
        let answer = answer.to_owned();
        let response = cache
            .answer(Query::Detail(id.into()), async move { Ok(answer) })
            .await
            .unwrap();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        String::from_utf8(body.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn an_answer_is_kept_until_the_checkpoint_moves() {
        let cache = confirmed(CacheLimits::default(), 7);
        assert_eq!(ask(&cache, "a", "first").await, "\"first\"");
        assert_eq!(ask(&cache, "a", "second").await, "\"first\"");
        cache.advance(8);
        assert_eq!(ask(&cache, "a", "third").await, "\"third\"");
    }

    #[tokio::test]
    async fn the_checkpoint_never_moves_back() {
        let cache = confirmed(CacheLimits::default(), 9);
        cache.advance(3);
        assert_eq!(cache.checkpoint(), 9);
    }

    #[tokio::test]
    async fn an_unconfirmed_checkpoint_is_not_trusted() {
        let cache = ReadCache::new(CacheLimits::default());
        assert_eq!(ask(&cache, "a", "first").await, "\"first\"");
        assert_eq!(ask(&cache, "a", "second").await, "\"second\"");
        assert!(cache.is_empty());
    }

    #[tokio::test]
    async fn many_distinct_queries_stay_within_the_bounds() {
        let limits = CacheLimits {
            max_bytes: 64 * 1024,
            max_entries: 100,
        };
        let cache = confirmed(limits, 1);
        let big = "x".repeat(4000);
        for i in 0..2000 {
            ask(&cache, &format!("listing-{i}"), &big).await;
            assert!(
                cache.weight() <= limits.max_bytes,
                "weight {}",
                cache.weight()
            );
            assert!(cache.len() <= limits.max_entries, "{} entries", cache.len());
        }
        assert!(!cache.is_empty());
        let small = confirmed(limits, 1);
        for i in 0..2000 {
            ask(&small, &format!("l{i}"), "1").await;
            assert!(small.len() <= limits.max_entries, "{} entries", small.len());
        }
    }
}
