//! Log-in rate limits: failed log-ins per account and attempts per client address, each
//! counted in a sliding window on the application clock.
//!
//! The counters live in this process's memory: each `command-api` process limits on its
//! own (N processes behind a balancer allow up to N times the limit), and a restart
//! forgets them. That bounds online password guessing well enough; a shared store is the
//! next step if it ever is not.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};

use crate::config::ApiConfig;
use crate::error::ApiError;

/// Sweep idle keys out of memory once every this many calls.
const SWEEP_EVERY: u64 = 1024;

/// Log-in limits shared by every request of this process; cheap to clone.
#[derive(Debug, Clone)]
pub struct LoginLimiter {
    inner: Arc<Mutex<Windows>>,
    per_account: usize,
    per_address: usize,
    window: TimeDelta,
}

#[derive(Debug, Default)]
struct Windows {
    /// Failed log-ins, keyed by a hash of the e-mail address tried.
    accounts: HashMap<String, VecDeque<DateTime<Utc>>>,
    /// Log-in attempts, keyed by client address (IPv6 by /64).
    addresses: HashMap<IpAddr, VecDeque<DateTime<Utc>>>,
    calls: u64,
}

/// The key of an account: a hash of its e-mail, so unknown addresses are limited exactly
/// like known ones (a 429 must not reveal that an account exists) and no address is kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccountKey(String);

impl AccountKey {
    /// The key of the (normalised) e-mail address a log-in named.
    pub fn of_email(email: &str) -> Self {
        Self(format!("{:x}", Sha256::digest(email.as_bytes())))
    }
}

impl LoginLimiter {
    /// A limiter with the limits and window of `config`.
    pub fn new(config: &ApiConfig) -> Self {
        Self {
            inner: Arc::default(),
            per_account: config.login_failures_per_account as usize,
            per_address: config.login_attempts_per_address as usize,
            window: TimeDelta::from_std(config.login_window).unwrap_or(TimeDelta::minutes(15)),
        }
    }

    /// Counts a log-in attempt from `address`, or refuses it when the address has used
    /// up its attempts (a refused attempt is not counted). No address: not limited.
    pub fn attempt_from(
        &self,
        address: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let Some(address) = address else {
            return Ok(());
        };
        let mut windows = self.lock(now);
        let hits = windows.addresses.entry(bucket(address)).or_default();
        self.admit(hits, self.per_address, now)
            .map_err(|retry_after| too_many("log-in attempts from your address", retry_after))
    }

    /// Refuses a password check on an account that has failed too often lately; else
    /// counts this check as a failure until [`LoginLimiter::succeeded`] clears it, so
    /// parallel guesses cannot all slip in before the first failure is recorded.
    pub fn attempt_on(&self, key: &AccountKey, now: DateTime<Utc>) -> Result<(), ApiError> {
        let mut windows = self.lock(now);
        let failures = windows.accounts.entry(key.0.clone()).or_default();
        self.admit(failures, self.per_account, now)
            .map_err(|retry_after| too_many("failed log-ins for this account", retry_after))
    }

    /// Forgets an account's failures after it proved its password.
    pub fn succeeded(&self, key: &AccountKey) {
        let mut windows = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        windows.accounts.remove(&key.0);
    }

    fn lock(&self, now: DateTime<Utc>) -> std::sync::MutexGuard<'_, Windows> {
        // A panic while holding the lock leaves only counters behind; keep using them.
        let mut windows = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        windows.calls += 1;
        if windows.calls.is_multiple_of(SWEEP_EVERY) {
            let since = now - self.window;
            sweep(&mut windows.accounts, since);
            sweep(&mut windows.addresses, since);
        }
        windows
    }

    /// Drops entries older than the window, then records `now`; Err(seconds to wait),
    /// recording nothing, when `limit` remain.
    fn admit(
        &self,
        hits: &mut VecDeque<DateTime<Utc>>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<(), u64> {
        while hits.front().is_some_and(|&at| at <= now - self.window) {
            hits.pop_front();
        }
        if hits.len() >= limit {
            let frees_at = hits.front().copied().unwrap_or(now) + self.window;
            let millis = (frees_at - now).num_milliseconds().max(0) as u64;
            return Err(millis.div_ceil(1000).max(1));
        }
        hits.push_back(now);
        Ok(())
    }
}

fn sweep<K: Eq + Hash>(map: &mut HashMap<K, VecDeque<DateTime<Utc>>>, since: DateTime<Utc>) {
    map.retain(|_, hits| hits.back().is_some_and(|&at| at > since));
}

fn too_many(what: &str, retry_after: u64) -> ApiError {
    ApiError::TooManyRequests {
        message: format!("too many {what}; try again in {retry_after} seconds"),
        retry_after,
    }
}

/// IPv6 clients usually own a whole /64, so they are counted by it.
fn bucket(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(Ipv6Addr::from(segments))
            }
        },
    }
}

/// The peer address of the connection, as the server accepted it.
///
/// `X-Forwarded-For` is never read: any client can write it. Behind a proxy every client
/// shares the proxy's address, so size `login_attempts_per_address` for that. None when
/// the server was started without connect info (then only the per-account limit applies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        Ok(Self(peer.map(|ConnectInfo(addr)| addr.ip())))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chrono::TimeZone;

    use super::*;

    fn limiter(per_account: u32, per_address: u32) -> LoginLimiter {
        LoginLimiter::new(&ApiConfig {
            login_failures_per_account: per_account,
            login_attempts_per_address: per_address,
            login_window: Duration::from_secs(600),
            ..ApiConfig::default()
        })
    }

    fn retry_after(result: Result<(), ApiError>) -> Option<u64> {
        match result {
            Err(ApiError::TooManyRequests { retry_after, .. }) => Some(retry_after),
            _ => None,
        }
    }

    #[test]
    fn an_account_is_locked_after_its_failures_until_the_oldest_leaves_the_window() {
        let limiter = limiter(2, 100);
        let key = AccountKey::of_email("a@example.com");
        let t0 = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
        assert!(limiter.attempt_on(&key, t0).is_ok());
        assert!(limiter
            .attempt_on(&key, t0 + TimeDelta::seconds(60))
            .is_ok());
        let now = t0 + TimeDelta::seconds(100);
        assert_eq!(retry_after(limiter.attempt_on(&key, now)), Some(500));
        let other = AccountKey::of_email("b@example.com");
        assert!(limiter.attempt_on(&other, now).is_ok());
        assert!(limiter
            .attempt_on(&key, t0 + TimeDelta::seconds(600))
            .is_ok());
    }

    #[test]
    fn a_success_forgets_the_failures() {
        let limiter = limiter(1, 100);
        let key = AccountKey::of_email("a@example.com");
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
        assert!(limiter.attempt_on(&key, now).is_ok());
        assert!(limiter.attempt_on(&key, now).is_err());
        limiter.succeeded(&key);
        assert!(limiter.attempt_on(&key, now).is_ok());
    }

    #[test]
    fn an_address_gets_its_attempts_and_an_ipv6_network_shares_them() {
        let limiter = limiter(100, 2);
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
        let a: IpAddr = "2001:db8::1".parse().unwrap();
        let b: IpAddr = "2001:db8::2".parse().unwrap();
        assert!(limiter.attempt_from(Some(a), now).is_ok());
        assert!(limiter.attempt_from(Some(b), now).is_ok());
        assert_eq!(retry_after(limiter.attempt_from(Some(a), now)), Some(600));
        assert!(limiter
            .attempt_from(Some("192.0.2.1".parse().unwrap()), now)
            .is_ok());
        assert!(limiter.attempt_from(None, now).is_ok());
    }
}
