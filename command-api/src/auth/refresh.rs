//! Refresh tokens: 256 random bits handed out once as hex and stored only as their
//! SHA-256, so the table alone cannot mint a session.
//!
//! Every log-in starts a *family*. Using a token marks it used and issues the next one
//! in the same family; a used token presented again means two parties hold the family
//! (a stolen token, or a stolen successor), so the whole family is revoked and both must
//! log in again.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::{exec, fetch_optional, Target};

/// A refresh token just issued: the secret to hand out, and until when it works.
#[derive(Clone)]
pub struct Issued {
    /// The token, 64 hex characters; never stored or logged.
    pub token: String,
    /// When it stops working if unused.
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued")
            .field("token", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// What a presented refresh token turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presented {
    /// Unused, unrevoked and unexpired: it may be rotated.
    Valid {
        /// Its family.
        family_id: String,
        /// The user it belongs to.
        user_id: String,
    },
    /// Already used once: its family must be revoked.
    Reused {
        /// Its family.
        family_id: String,
    },
    /// Its family was revoked (log-out, reuse, suspension, password change).
    Revoked,
    /// Past its expiry.
    Expired,
    /// Not a token this server issued.
    Unknown,
}

/// The SHA-256 of a token, as stored.
pub fn hash(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

/// Stores a fresh token for `user_id` in `family_id` (a new family at each log-in).
pub async fn issue(
    target: Target<'_>,
    user_id: &str,
    family_id: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<Issued, sqlx::Error> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let expires_at = now + TimeDelta::from_std(ttl).unwrap_or(TimeDelta::days(30));
    exec!(
        target,
        "INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at, used_at, revoked_at) \
         VALUES ($1, $2, $3, $4, NULL, NULL)",
        hash(&token),
        family_id,
        user_id,
        expires_at.timestamp_millis()
    )?;
    Ok(Issued { token, expires_at })
}

/// Looks a presented token up by its hash.
pub async fn look_up(
    target: Target<'_>,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Presented, sqlx::Error> {
    let row = fetch_optional!(
        target,
        (String, String, i64, Option<i64>, Option<i64>),
        "SELECT family_id, user_id, expires_at, used_at, revoked_at \
         FROM refresh_tokens WHERE token_hash = $1",
        hash(token)
    )?;
    let Some((family_id, user_id, expires_at, used_at, revoked_at)) = row else {
        return Ok(Presented::Unknown);
    };
    Ok(if revoked_at.is_some() {
        Presented::Revoked
    } else if used_at.is_some() {
        Presented::Reused { family_id }
    } else if expires_at <= now.timestamp_millis() {
        Presented::Expired
    } else {
        Presented::Valid { family_id, user_id }
    })
}

/// Marks a valid token used; false when another request used (or revoked) it first.
pub async fn mark_used(
    target: Target<'_>,
    token: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let now = now.timestamp_millis();
    let marked = exec!(
        target,
        "UPDATE refresh_tokens SET used_at = $1 \
         WHERE token_hash = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1",
        now,
        hash(token)
    )?;
    Ok(marked == 1)
}

/// Revokes every token of a family.
pub async fn revoke_family(
    target: Target<'_>,
    family_id: &str,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    exec!(
        target,
        "UPDATE refresh_tokens SET revoked_at = $1 WHERE family_id = $2 AND revoked_at IS NULL",
        now.timestamp_millis(),
        family_id
    )
}

/// Revokes every token of a user: all their sessions end at the next refresh.
pub async fn revoke_user(
    target: Target<'_>,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    exec!(
        target,
        "UPDATE refresh_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        now.timestamp_millis(),
        user_id
    )
}
