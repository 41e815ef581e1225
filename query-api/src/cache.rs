//! The bounded cache of public catalog answers (listing detail and search, anonymous
//! callers only), valid while the catalog projection's checkpoint has not moved.
//!
//! Every entry is keyed by the catalog checkpoint it was computed at, so an entry is found
//! only while that checkpoint is the current one: when the catalog moves, the old entries
//! are never found again and age out. The current checkpoint is the one [`Checkpoints`]
//! follows (shared with the waiting rooms' lines): kept up from the database, woken at
//! once by this process's runners, raised by reads with `?after=N` once they have seen
//! the catalog reach N, so that read never gets an answer computed before N. When the
//! follower has not confirmed it lately, the cache is skipped rather than trusted.

use std::future::Future;
use std::hash::Hash;

use axum::body::Bytes;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use eventlog::{EventLog, LogError};
use projections::status::Projections;
use quick_cache::Weighter;
use serde::Serialize;

use crate::checkpoints::Checkpoints;
use crate::error::QueryError;

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

/// The shared cache of public catalog answers. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ReadCache {
    entries: Option<std::sync::Arc<quick_cache::sync::Cache<Key, Bytes, Size>>>,
    checkpoints: Checkpoints,
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
            std::sync::Arc::new(quick_cache::sync::Cache::with_weighter(
                limits.max_entries,
                limits.max_bytes,
                Size { min },
            ))
        });
        Self {
            entries,
            checkpoints: Checkpoints::default(),
        }
    }

    /// The checkpoints it follows (shared with whatever else keeps answers by them).
    pub fn checkpoints(&self) -> &Checkpoints {
        &self.checkpoints
    }

    /// Entries held now.
    pub fn len(&self) -> usize {
        self.entries.as_ref().map_or(0, |e| e.len())
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Estimated bytes held now.
    pub fn weight(&self) -> u64 {
        self.entries.as_ref().map_or(0, |e| e.weight())
    }

    /// The catalog checkpoint this cache last learned.
    pub fn checkpoint(&self) -> i64 {
        self.checkpoints.known().catalog
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
        let current = self.checkpoints.current().map(|seen| seen.catalog);
        let (Some(entries), Some(checkpoint)) = (self.entries.as_ref(), current) else {
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

    /// Keeps the followed checkpoints current until `shutdown` ([`Checkpoints::follow`]).
    pub async fn follow(
        &self,
        log: &EventLog,
        projections: &Projections,
        shutdown: impl Future<Output = ()>,
    ) -> Result<(), LogError> {
        self.checkpoints.follow(log, projections, shutdown).await
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
    use crate::checkpoints::Seen;

    fn confirmed(limits: CacheLimits, position: i64) -> ReadCache {
        let cache = ReadCache::new(limits);
        cache.checkpoints.confirm(Seen {
            catalog: position,
            bookings: 0,
        });
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
        cache.checkpoints.advance("catalog", 8);
        assert_eq!(ask(&cache, "a", "third").await, "\"third\"");
    }

    #[tokio::test]
    async fn the_checkpoint_never_moves_back() {
        let cache = confirmed(CacheLimits::default(), 9);
        cache.checkpoints.advance("catalog", 3);
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
