//! The one `Clone` application state; handlers take only the parts they need.

use std::sync::Arc;

use axum::extract::FromRef;
use eventlog::EventLog;
use http_kit::Access;

use crate::auth::jwt::Keys;
use crate::auth::rate_limit::LoginLimiter;
use crate::clock::Clock;
use crate::config::ApiConfig;
use crate::recorder::Recorder;
use crate::writer::Writers;

/// Everything a handler may need, cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The event log (and the pool of the tables beside it).
    pub log: EventLog,
    /// The application clock.
    pub clock: Clock,
    /// Token keys.
    pub keys: Keys,
    /// Policy and limits.
    pub config: Arc<ApiConfig>,
    /// One writer per hot listing stream.
    pub writers: Writers,
    /// Writes the command side's lookup rows in batches.
    pub recorder: Recorder,
    /// Log-in rate limits (in this process's memory).
    pub limiter: LoginLimiter,
    /// Recent suspensions and role changes, checked on every authenticated request.
    pub access: Access,
}

impl FromRef<AppState> for Access {
    fn from_ref(state: &AppState) -> Self {
        state.access.clone()
    }
}

impl FromRef<AppState> for Keys {
    fn from_ref(state: &AppState) -> Self {
        state.keys.clone()
    }
}

impl FromRef<AppState> for Clock {
    fn from_ref(state: &AppState) -> Self {
        state.clock.clone()
    }
}

impl FromRef<AppState> for EventLog {
    fn from_ref(state: &AppState) -> Self {
        state.log.clone()
    }
}

impl AppState {
    /// State over `log` with `clock`, tokens signed with `secret`, and `config`.
    pub fn new(log: EventLog, clock: Clock, secret: &[u8], config: ApiConfig) -> Self {
        let keys = Keys::new(secret, config.access_ttl);
        let recorder = Recorder::start(log.clone());
        let writers = Writers::new(log.clone(), recorder.clone(), config.hot_writer);
        let limiter = LoginLimiter::new(&config);
        let access = Access::new(config.access_ttl);
        Self {
            log,
            clock,
            keys,
            config: Arc::new(config),
            writers,
            recorder,
            limiter,
            access,
        }
    }
}
