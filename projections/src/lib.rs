//! The read side of boxoffice: the projector runner, the read-model projections
//! (`catalog`, `bookings`, `analytics`), the replay and verify tools, and the Kafka relay.
//!
//! Every read-model table belongs to one projection, which writes it together with its
//! checkpoint (`projection:<name>`) in one transaction, so a restart never applies an
//! event twice or misses one. A projection never trusts a counter kept beside the log:
//! everything it shows is folded from events, and [`verify`] folds the log from scratch
//! to prove it.

pub mod decode;
pub mod error;
mod metrics;
pub mod read;
mod record;
pub mod relay;
pub mod replay;
pub mod runner;
pub mod status;
pub mod testing;
pub mod verify;

pub use error::ProjectionError;
pub use read::Projection;
pub use record::Tables;
pub use runner::{run, RunnerConfig};
pub use status::Projections;
