//! Query side of boxoffice: REST reads over the read models the projections fill, with
//! read-your-writes (`?after=<position>`) and a live availability stream.

mod access;
mod cache;
mod cursor;
pub mod error;
mod openapi;
mod params;
mod routes;
mod state;
pub mod views;

pub use cache::{CacheLimits, ReadCache};
pub use error::QueryError;
pub use openapi::openapi;
pub use routes::api;
pub use state::{QueryState, StreamLimits};
