//! Command side of boxoffice: the HTTP front door for every change. Each service is a
//! library function that takes a listener and a shutdown future, so tests start it on
//! port 0 and the binary starts it on the configured address.

pub mod admin;
pub mod auth;
pub mod clock;
pub mod commands;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod extract;
pub mod index;
pub mod metrics;
pub mod openapi;
pub mod payments;
pub mod recorder;
mod routes;
pub mod scheduler;
mod serve;
pub mod state;
pub mod store;
pub mod writer;

pub use clock::Clock;
pub use config::ApiConfig;
pub use error::{ApiError, Problem};
pub use routes::{api, app, documentation, router};
pub use scheduler::Scheduler;
pub use serve::serve;
pub use state::AppState;
