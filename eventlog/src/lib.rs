//! The boxoffice event log: the one source of truth, an append-only store on SQLite
//! (embedded default) or PostgreSQL (at scale) with identical behaviour.
//!
//! What it guarantees:
//! - **Atomic multi-stream appends** ([`EventLog::append`]): events for several streams
//!   commit together or not at all, each stream checked against its own
//!   [`ExpectedVersion`]; a mismatch is [`AppendError::Conflict`] and writes nothing.
//! - **Idempotency**: appending event ids that are already stored returns the original
//!   positions ([`AppendOutcome::replayed`]) instead of writing duplicates; a
//!   [`Receipt`] commits with its append ([`EventLog::append_with_receipts`]), so a
//!   caller's answer to a command survives the caller.
//! - **Gap-safe global order**: every appender locks the log head before it assigns
//!   positions and holds it to commit, so positions become visible strictly in order and
//!   a reader that remembers its last position can never skip a late commit.
//! - **Group commit**: appends from concurrent tasks are decided under one lock and one
//!   transaction by a single writer task, so many writers share one durable flush.
//! - **Subscriptions** ([`EventLog::subscribe`]) wake on commit (in-process signal,
//!   PostgreSQL LISTEN/NOTIFY) and poll as a fallback.
//! - **Checkpoints** live in [`LogTx`], the caller's own transaction, so read models and
//!   their positions move together; **snapshots** bound load time of long streams;
//!   **upcasters** ([`Upcasters`]) lift old payload shapes on read.

mod backend;
mod error;
mod log;
mod plan;
mod prepare;
mod recent;
pub mod sql;
mod subscription;
pub mod testing;
mod tx;
mod types;
mod upcast;
mod writer;

pub use error::{AppendError, LogError};
pub use log::{Backend, EventLog, LogOptions, SqliteDurability};
pub use subscription::Subscription;
pub use tx::LogTx;
pub use types::{
    AppendOutcome, ExpectedVersion, Metadata, NewEvent, Receipt, Snapshot, StoredEvent,
    StoredReceipt, StreamAppend, StreamId, Written, MAX_EVENT_TYPE_LEN, MAX_STREAM_ID_LEN,
};
pub use upcast::{UpcastFn, Upcasters};
