//! Command side of boxoffice: the HTTP front door for every change. [`api`] gives its
//! routes (state applied) and their OpenAPI part; `http_kit::app` composes them with the
//! query API's and the ops endpoints into the served app.

pub mod admin;
mod answers;
pub mod auth;
pub mod clock;
pub mod commands;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod extract;
pub mod index;
pub mod openapi;
pub mod payments;
pub mod recorder;
mod routes;
pub mod scheduler;
pub mod state;
pub mod store;
pub mod writer;

pub use clock::Clock;
pub use config::ApiConfig;
pub use error::{ApiError, Problem};
pub use routes::{api, documentation};
pub use scheduler::Scheduler;

/// The bounds on stored `Idempotency-Key`s (age and count) and the purge that keeps them.
pub mod idempotency {
    pub use crate::routes::idempotent::{forget_old, MAX_KEYS, RETENTION};
}
pub use state::AppState;
