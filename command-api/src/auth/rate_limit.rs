//! Log-in rate limits, on the application clock:
//! - per account **and** client address: a few failures are free, then each further try
//!   from that address waits twice as long as the one before (1 s, 2 s, 4 s, … up to the
//!   window). Guessing from one address slows to a crawl, while the owner, from their own
//!   address, is never locked out by someone else's failures;
//! - per client address: failed log-ins in a sliding window, whatever the accounts (a
//!   success is not counted, so a sale's opening minute behind one NAT address is fine).
//!
//! The counters live in this process's memory: each `command-api` process limits on its
//! own (N processes behind a balancer allow up to N times the limit), and a restart
//! forgets them. Both maps are bounded: idle entries are swept, and past
//! [`MAX_ENTRIES`] the oldest tenth is dropped, so a flood of made-up e-mail addresses
//! or forged client addresses costs a fixed amount of memory.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};

use crate::config::ApiConfig;
use crate::error::ApiError;

pub use super::client::{Cidr, ClientAddress, TrustedProxies};

/// Sweep idle keys out of memory once every this many calls.
const SWEEP_EVERY: u64 = 1024;
/// Most keys each map holds; past it the oldest tenth is dropped.
pub const MAX_ENTRIES: usize = 100_000;
/// The pause after the first failure past the free ones; it doubles with each next one.
const FIRST_DELAY: TimeDelta = TimeDelta::seconds(1);

/// Log-in limits shared by every request of this process; cheap to clone.
#[derive(Debug, Clone)]
pub struct LoginLimiter {
    inner: Arc<Mutex<Windows>>,
    free_failures: u32,
    per_address: usize,
    window: TimeDelta,
}

#[derive(Debug, Default)]
struct Windows {
    /// Failures per account (a hash of the e-mail tried) and client address.
    failures: HashMap<(AccountKey, Option<IpAddr>), Failures>,
    /// Failed log-ins per client address (IPv6 by /64).
    addresses: HashMap<IpAddr, VecDeque<DateTime<Utc>>>,
    calls: u64,
}

/// Failures of one account from one address.
#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: DateTime<Utc>,
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
            free_failures: config.login_failures_before_delay,
            per_address: config.login_failures_per_address as usize,
            window: TimeDelta::from_std(config.login_window).unwrap_or(TimeDelta::minutes(15)),
        }
    }

    /// Admits a password check of `key` from `address`, or refuses it (429 with the
    /// seconds to wait) while the address has failed too often lately, or this account
    /// from this address has not waited out its pause. An admitted check counts as a
    /// failure until [`LoginLimiter::succeeded`] takes it back, so parallel guesses
    /// cannot all slip in before the first failure is recorded.
    pub fn attempt(
        &self,
        key: &AccountKey,
        address: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let mut windows = self.lock(now);
        let address = address.map(bucket);
        let pair = (key.clone(), address);
        if let Some(failures) = windows.failures.get(&pair) {
            let free_at = failures.last + self.pause(failures.count);
            if now < free_at {
                let wait = seconds(free_at - now);
                return Err(too_many("failed log-ins for this account", wait));
            }
        }
        if let Some(address) = address {
            let hits = windows.addresses.entry(address).or_default();
            if let Err(wait) = admit(hits, self.per_address, self.window, now) {
                return Err(too_many("failed log-ins from your address", wait));
            }
            bound(&mut windows.addresses, |hits| hits.back().copied());
        }
        let failures = windows.failures.entry(pair).or_insert(Failures {
            count: 0,
            last: now,
        });
        failures.count += 1;
        failures.last = now;
        bound(&mut windows.failures, |f| Some(f.last));
        Ok(())
    }

    /// Takes back the check admitted at `now` after it proved the password: the
    /// account's failures from this address are forgotten and the address is not charged.
    pub fn succeeded(&self, key: &AccountKey, address: Option<IpAddr>, now: DateTime<Utc>) {
        let mut windows = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let address = address.map(bucket);
        windows.failures.remove(&(key.clone(), address));
        if let Some(hits) = address.and_then(|a| windows.addresses.get_mut(&a)) {
            if let Some(i) = hits.iter().rposition(|&at| at == now) {
                hits.remove(i);
            }
        }
    }

    /// How many keys the limiter holds (both maps), for the bound's tests.
    pub fn entries(&self) -> usize {
        let windows = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        windows.failures.len() + windows.addresses.len()
    }

    /// The wait before the next check after `count` failures: none for the free ones,
    /// then 1 s doubling per failure, at most the window.
    fn pause(&self, count: u32) -> TimeDelta {
        let Some(over) = count.checked_sub(self.free_failures) else {
            return TimeDelta::zero();
        };
        if over >= 30 {
            return self.window;
        }
        (FIRST_DELAY * (1_i32 << over)).min(self.window)
    }

    fn lock(&self, now: DateTime<Utc>) -> std::sync::MutexGuard<'_, Windows> {
        // A panic while holding the lock leaves only counters behind; keep using them.
        let mut windows = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        windows.calls += 1;
        if windows.calls.is_multiple_of(SWEEP_EVERY) {
            let since = now - self.window;
            windows
                .addresses
                .retain(|_, hits| hits.back().is_some_and(|&at| at > since));
            // A pair is forgotten a window after its pause ran out.
            windows
                .failures
                .retain(|_, f| f.last + self.pause(f.count) + self.window > now);
        }
        windows
    }
}

/// Drops entries older than the window, then records `now`; Err(seconds to wait),
/// recording nothing, when `limit` remain.
fn admit(
    hits: &mut VecDeque<DateTime<Utc>>,
    limit: usize,
    window: TimeDelta,
    now: DateTime<Utc>,
) -> Result<(), u64> {
    while hits.front().is_some_and(|&at| at <= now - window) {
        hits.pop_front();
    }
    if hits.len() >= limit {
        let frees_at = hits.front().copied().unwrap_or(now) + window;
        return Err(seconds(frees_at - now));
    }
    hits.push_back(now);
    Ok(())
}

/// Keeps `map` within [`MAX_ENTRIES`]: when over, drops the oldest tenth by `last`.
fn bound<K: Eq + Hash, V>(map: &mut HashMap<K, V>, last: impl Fn(&V) -> Option<DateTime<Utc>>) {
    if map.len() <= MAX_ENTRIES {
        return;
    }
    let mut times: Vec<DateTime<Utc>> = map.values().filter_map(&last).collect();
    let cut = times.len() / 10;
    let (_, &mut threshold, _) = times.select_nth_unstable(cut);
    map.retain(|_, v| last(v).is_some_and(|at| at > threshold));
}

fn seconds(wait: TimeDelta) -> u64 {
    (wait.num_milliseconds().max(0) as u64)
        .div_ceil(1000)
        .max(1)
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chrono::TimeZone;

    use super::*;

    fn limiter(free: u32, per_address: u32) -> LoginLimiter {
        LoginLimiter::new(&ApiConfig {
            login_failures_before_delay: free,
            login_failures_per_address: per_address,
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

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap()
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn after_the_free_failures_each_try_waits_twice_as_long() {
        let limiter = limiter(2, 1000);
        let key = AccountKey::of_email("a@example.com");
        let (attacker, mut now) = (ip("198.51.100.1"), t0());
        assert!(limiter.attempt(&key, attacker, now).is_ok());
        assert!(limiter.attempt(&key, attacker, now).is_ok());
        for expected in [1, 2, 4, 8, 16] {
            assert_eq!(
                retry_after(limiter.attempt(&key, attacker, now)),
                Some(expected)
            );
            now += TimeDelta::seconds(expected as i64);
            assert!(limiter.attempt(&key, attacker, now).is_ok());
        }
        now += TimeDelta::days(1);
        let waited = retry_after(limiter.attempt(&key, attacker, now));
        assert_eq!(waited, None, "forgotten after a quiet window");
    }

    #[test]
    fn the_pause_never_exceeds_the_window() {
        let limiter = limiter(0, 1000);
        assert_eq!(limiter.pause(40), TimeDelta::seconds(600));
        assert_eq!(limiter.pause(11), TimeDelta::seconds(600));
        assert_eq!(limiter.pause(0), TimeDelta::seconds(1));
        assert_eq!(limiter.pause(1), TimeDelta::seconds(2));
    }

    #[test]
    fn someone_elses_failures_do_not_lock_the_owner_out() {
        let limiter = limiter(1, 1000);
        let key = AccountKey::of_email("a@example.com");
        let now = t0();
        assert!(limiter.attempt(&key, ip("198.51.100.1"), now).is_ok());
        assert!(limiter.attempt(&key, ip("198.51.100.1"), now).is_err());
        assert!(limiter.attempt(&key, ip("203.0.113.5"), now).is_ok());
    }

    #[test]
    fn a_success_forgets_the_failures_and_does_not_charge_the_address() {
        let limiter = limiter(1, 2);
        let key = AccountKey::of_email("a@example.com");
        let (address, now) = (ip("198.51.100.1"), t0());
        for _ in 0..10 {
            assert!(limiter.attempt(&key, address, now).is_ok());
            limiter.succeeded(&key, address, now);
        }
        let other = AccountKey::of_email("b@example.com");
        assert!(limiter.attempt(&other, address, now).is_ok());
        let third = AccountKey::of_email("c@example.com");
        assert!(limiter.attempt(&third, address, now).is_ok());
        let fourth = AccountKey::of_email("d@example.com");
        assert_eq!(
            retry_after(limiter.attempt(&fourth, address, now)),
            Some(600)
        );
    }

    #[test]
    fn an_ipv6_network_shares_its_failures() {
        let limiter = limiter(100, 2);
        let now = t0();
        let key = |n: u32| AccountKey::of_email(&format!("{n}@example.com"));
        assert!(limiter.attempt(&key(1), ip("2001:db8::1"), now).is_ok());
        assert!(limiter.attempt(&key(2), ip("2001:db8::2"), now).is_ok());
        assert!(limiter.attempt(&key(3), ip("2001:db8::3"), now).is_err());
        assert!(limiter.attempt(&key(4), ip("192.0.2.1"), now).is_ok());
        assert!(limiter.attempt(&key(5), None, now).is_ok());
    }

    #[test]
    fn a_flood_of_made_up_accounts_and_addresses_stays_within_the_bound() {
        let limiter = limiter(5, 1_000_000);
        let mut now = t0();
        for n in 0..(MAX_ENTRIES as u32 + 20_000) {
            let key = AccountKey::of_email(&format!("{n}@example.com"));
            let address = IpAddr::from(n.to_be_bytes());
            now += TimeDelta::milliseconds(1);
            let _ = limiter.attempt(&key, Some(address), now);
        }
        assert!(
            limiter.entries() <= 2 * MAX_ENTRIES,
            "{}",
            limiter.entries()
        );
    }
}
