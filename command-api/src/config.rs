//! Settings of the command API that are policy, not wiring.

use std::time::Duration;

use crate::auth::rate_limit::TrustedProxies;

/// Policy and limits of the command API.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// How long a hold keeps its seats.
    pub hold_minutes: u32,
    /// How long a waitlist offer stays open.
    pub offer_minutes: u32,
    /// Access token lifetime.
    pub access_ttl: Duration,
    /// Refresh token lifetime.
    pub refresh_ttl: Duration,
    /// Decide listing commands in one in-memory writer per listing (the default); off,
    /// every request loads, decides and appends on its own and retries on conflict.
    pub hot_writer: bool,
    /// Largest accepted request body.
    pub body_limit: usize,
    /// Failed log-ins of one account from one client address before each further try
    /// waits twice as long as the one before (1 s, 2 s, 4 s, ... up to the window).
    pub login_failures_before_delay: u32,
    /// Failed log-ins allowed per client address per window (successes are free).
    pub login_failures_per_address: u32,
    /// The rate-limit window.
    pub login_window: Duration,
    /// Proxies whose `X-Forwarded-For` names the client (none: the peer is the client).
    pub trusted_proxies: TrustedProxies,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            hold_minutes: 10,
            offer_minutes: 60,
            access_ttl: Duration::from_secs(15 * 60),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            hot_writer: true,
            body_limit: 64 * 1024,
            login_failures_before_delay: 5,
            login_failures_per_address: 30,
            login_window: Duration::from_secs(15 * 60),
            trusted_proxies: TrustedProxies::default(),
        }
    }
}
