//! Settings of the command API that are policy, not wiring.

use std::time::Duration;

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
    /// Failed log-ins allowed per account per window.
    pub login_failures_per_account: u32,
    /// Log-in attempts allowed per client address per window.
    pub login_attempts_per_address: u32,
    /// The rate-limit window.
    pub login_window: Duration,
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
            login_failures_per_account: 5,
            login_attempts_per_address: 30,
            login_window: Duration::from_secs(15 * 60),
        }
    }
}
