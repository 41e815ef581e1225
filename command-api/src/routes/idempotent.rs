//! `Idempotency-Key` handling: the first answer to a (user, key) is stored and returned
//! to every retry, even if the command would now be rejected; the same key with another
//! request is a 422; a retry while the first is still running is a 409.
//!
//! A success that appended events is stored with them, in one transaction, as a log
//! receipt ([`crate::answers`]): a process killed after the commit leaves the answer for
//! the retry. Rejections (nothing appended) are stored here afterwards.
//!
//! Keys are the clients' to choose, so what they cost is bounded: a key is kept for
//! [`RETENTION`] (a day, as payment APIs do; a retry comes within minutes), then it is
//! forgotten (a reuse after that is a new request) and [`forget_old`] deletes it; and
//! the table never keeps more than [`MAX_KEYS`], the oldest going first.

use std::future::Future;

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::UserId;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::reply::Reply;
use crate::answers;
use crate::db::{exec, fetch_optional, PoolConn};
use crate::error::ApiError;
use crate::extract::IdempotencyKey;
use crate::state::AppState;

/// A key stuck "in progress" this long (its request died) may be taken over.
const STALE_MILLIS: i64 = 60_000;
/// How long a key is remembered.
pub const RETENTION: chrono::TimeDelta = chrono::TimeDelta::hours(24);
/// Most keys kept at once (all users); past it the oldest are deleted.
pub const MAX_KEYS: i64 = 1_000_000;

/// Runs `work` at most once per (user, key): answers retries from the stored result.
/// A success answers `success` (`201 Created` or `200 OK`) with the work's reply.
pub(crate) async fn once<B, T, F>(
    state: &AppState,
    user: UserId,
    key: IdempotencyKey,
    route: &str,
    body: &B,
    success: StatusCode,
    work: F,
) -> Response
where
    B: Serialize,
    T: Serialize,
    F: Future<Output = Result<T, ApiError>>,
{
    let replied = |result: Result<T, ApiError>| {
        result.map(|body| Reply {
            status: success,
            body,
        })
    };
    let Some(key) = key.0 else {
        return respond(replied(work.await));
    };
    match claim(state, user, &key, route, body).await {
        Ok(Claim::Fresh { scope, since }) => {
            let (result, stored) = answers::under(receipt_key(&scope, since), success, work).await;
            let result = replied(result);
            if !(stored && result.is_ok()) {
                if let Err(error) = remember(state, &scope, &result).await {
                    tracing::warn!(%error, "storing an idempotent answer failed");
                }
            }
            respond(result)
        }
        Ok(Claim::Replay(status, body)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let mut response = (status, body).into_response();
            let content_type = if status.is_success() {
                "application/json"
            } else {
                "application/problem+json"
            };
            let headers = response.headers_mut();
            headers.insert("content-type", HeaderValue::from_static(content_type));
            headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
            response
        }
        Err(error) => error.into_response(),
    }
}

fn respond<T: Serialize>(result: Result<Reply<T>, ApiError>) -> Response {
    match result {
        Ok(reply) => reply.into_response(),
        Err(error) => error.into_response(),
    }
}

enum Claim {
    /// Run the work; `since` is the claim's time, which names its receipt.
    Fresh {
        scope: String,
        since: i64,
    },
    Replay(u16, String),
}

/// The log receipt of the claim of `scope` made at `since` (a key renewed or taken over
/// is claimed again, so an older attempt's receipt is never mistaken for the new one's).
fn receipt_key(scope: &str, since: i64) -> String {
    format!("idempotency:{scope}@{since}")
}

async fn claim<B: Serialize>(
    state: &AppState,
    user: UserId,
    key: &str,
    route: &str,
    body: &B,
) -> Result<Claim, ApiError> {
    let scope = format!("{user}:{key}");
    let mut hasher = Sha256::new();
    hasher.update(route.as_bytes());
    hasher.update([0]);
    hasher.update(serde_json::to_vec(body).map_err(anyhow::Error::from)?);
    let hash = format!("{:x}", hasher.finalize());
    let now = state.clock.now().timestamp_millis();
    let mut conn = PoolConn::acquire(&state.log).await?;
    let inserted = exec!(
        conn.db(),
        "INSERT INTO idempotency_keys (scope, request_hash, status, response, created_at) \
         VALUES ($1, $2, NULL, NULL, $3) ON CONFLICT (scope) DO NOTHING",
        &scope,
        &hash,
        now
    )?;
    if inserted == 1 {
        return Ok(Claim::Fresh { scope, since: now });
    }
    let row = fetch_optional!(
        conn.db(),
        (String, Option<i64>, Option<String>, i64),
        "SELECT request_hash, status, response, created_at FROM idempotency_keys WHERE scope = $1",
        &scope
    )?;
    let Some((stored_hash, status, response, created_at)) = row else {
        return Err(ApiError::Conflict(
            "retry with the same Idempotency-Key".into(),
        ));
    };
    if now - created_at > RETENTION.num_milliseconds() {
        // Forgotten: this is a new request under an old key.
        let renewed = exec!(
            conn.db(),
            "UPDATE idempotency_keys SET request_hash = $1, status = NULL, response = NULL, \
             created_at = $2 WHERE scope = $3 AND created_at = $4",
            &hash,
            now,
            &scope,
            created_at
        )?;
        return if renewed == 1 {
            Ok(Claim::Fresh { scope, since: now })
        } else {
            Err(in_progress())
        };
    }
    if stored_hash != hash {
        return Err(ApiError::IdempotencyMismatch(
            "this Idempotency-Key was used for a different request; use a new key".into(),
        ));
    }
    if let (Some(status), Some(response)) = (status, response) {
        return Ok(Claim::Replay(status as u16, response));
    }
    drop(conn);
    let receipt = state
        .log
        .receipt(&receipt_key(&scope, created_at))
        .await
        .map_err(anyhow::Error::from)?;
    if let Some((status, response)) = receipt.and_then(|r| answers::decode(&r.value)) {
        return Ok(Claim::Replay(status, response));
    }
    let mut conn = PoolConn::acquire(&state.log).await?;
    match () {
        _ if now - created_at > STALE_MILLIS => {
            // The first attempt died without an answer: this retry takes it over.
            let taken = exec!(
                conn.db(),
                "UPDATE idempotency_keys SET created_at = $1 \
                 WHERE scope = $2 AND status IS NULL AND created_at = $3",
                now,
                &scope,
                created_at
            )?;
            if taken == 1 {
                Ok(Claim::Fresh { scope, since: now })
            } else {
                Err(in_progress())
            }
        }
        _ => Err(in_progress()),
    }
}

fn in_progress() -> ApiError {
    ApiError::Conflict("a request with this Idempotency-Key is still being processed".into())
}

/// Stores the answer; a server failure forgets the key instead, so a retry runs again.
async fn remember<T: Serialize>(
    state: &AppState,
    scope: &str,
    result: &Result<Reply<T>, ApiError>,
) -> Result<(), ApiError> {
    let mut conn = PoolConn::acquire(&state.log).await?;
    let (status, body) = match result {
        Ok(reply) => (
            reply.status,
            serde_json::to_string(&reply.body).map_err(anyhow::Error::from)?,
        ),
        Err(error) if error.status().is_server_error() => {
            exec!(
                conn.db(),
                "DELETE FROM idempotency_keys WHERE scope = $1",
                scope
            )?;
            return Ok(());
        }
        Err(error) => (
            error.status(),
            serde_json::to_string(&error.problem()).map_err(anyhow::Error::from)?,
        ),
    };
    exec!(
        conn.db(),
        "UPDATE idempotency_keys SET status = $1, response = $2 WHERE scope = $3",
        i64::from(status.as_u16()),
        &body,
        scope
    )?;
    Ok(())
}

/// Deletes the keys older than [`RETENTION`] at `now`, then the oldest beyond
/// [`MAX_KEYS`] (`max` in tests), and the answers' log receipts by the same bounds;
/// returns how many keys went. Run every minute by `serve`.
pub async fn forget_old(
    log: &eventlog::EventLog,
    now: chrono::DateTime<chrono::Utc>,
    max: i64,
) -> Result<u64, crate::store::StoreError> {
    let mut conn = PoolConn::acquire(log).await?;
    let before = (now - RETENTION).timestamp_millis();
    let old = exec!(
        conn.db(),
        "DELETE FROM idempotency_keys WHERE created_at < $1",
        before
    )?;
    // The newest `max` stay; a NULL cut-off (fewer keys) deletes nothing.
    let over = exec!(
        conn.db(),
        "DELETE FROM idempotency_keys WHERE created_at < (SELECT created_at \
         FROM idempotency_keys ORDER BY created_at DESC LIMIT 1 OFFSET $1)",
        max - 1
    )?;
    drop(conn);
    // The log stamps receipts with the wall clock, whatever clock the keys follow.
    log.forget_receipts(chrono::Utc::now() - RETENTION, max)
        .await?;
    Ok(old + over)
}
