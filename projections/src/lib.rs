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
pub mod record;
pub mod relay;
pub mod replay;
pub mod runner;
pub mod status;
pub mod testing;
pub mod verify;

pub use error::ProjectionError;
pub use read::Projection;
pub use record::{read_rows, ReadRow, Record, Tables};
pub use runner::{run, RunnerConfig};
pub use status::Projections;

/// Every read-model table's row type: the one description of its columns, which the
/// projections write and query-api, replay and verify read by name.
pub mod rows {
    pub use crate::read::analytics::{
        DailyRow, PlatformRow, RoomMinuteRow, StatBookingRow, StatRow,
    };
    pub use crate::read::bookings::{
        BookingRow, EntryRow, HoldRow, PersonRow, TicketRow, VisitRow,
    };
    pub use crate::read::catalog::{ListingRow, TypeRow};
}
