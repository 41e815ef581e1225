//! Query side of boxoffice: REST reads over the read models the projections fill, with
//! read-your-writes (`?after=<position>`), live streams (availability, one's place in a
//! waiting room), and answers kept in memory by checkpoint (the catalog cache, the lines).

mod access;
mod cache;
mod checkpoints;
mod cursor;
pub mod error;
mod line;
mod openapi;
mod params;
mod routes;
mod state;
pub mod views;

pub use cache::{CacheLimits, ReadCache};
pub use checkpoints::Checkpoints;
pub use error::QueryError;
pub use line::Lines;
pub use openapi::openapi;
pub use routes::api;
pub use state::{QueryState, StreamLimits};
