//! Typed errors: rejected appends (conflicts, bad input) stay apart from storage failures.

use uuid::Uuid;

/// Why an append was refused. Nothing was written in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// The stream was not at the expected version.
    #[error("stream {stream_id} is at version {actual}, expected {expected}")]
    Conflict {
        /// The stream whose check failed.
        stream_id: String,
        /// What the appender expected, as text (`any`, `no stream`, `7`).
        expected: String,
        /// The stream's actual version (0 when it does not exist).
        actual: u64,
    },
    /// The append held no events.
    #[error("an append needs at least one event")]
    Empty,
    /// The same stream appeared twice in one append.
    #[error("stream {stream_id} appears more than once in one append")]
    DuplicateStream {
        /// The repeated stream.
        stream_id: String,
    },
    /// A stream id was empty, too long or used characters outside `A-Za-z0-9-_:.`.
    #[error("invalid stream id {stream_id:?}: use 1-200 characters from A-Z a-z 0-9 - _ : .")]
    InvalidStreamId {
        /// The offending id.
        stream_id: String,
    },
    /// An event type was empty or too long.
    #[error("invalid event type {event_type:?}: use 1-100 characters")]
    InvalidEventType {
        /// The offending type.
        event_type: String,
    },
    /// A payload's JSON was larger than the configured limit.
    #[error("event {event_id} payload is {size} bytes, over the {limit}-byte limit")]
    PayloadTooLarge {
        /// The offending event.
        event_id: Uuid,
        /// Its serialized size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Payload text was not valid JSON.
    #[error("payload is not valid JSON: {reason}")]
    InvalidJson {
        /// The parser's message.
        reason: String,
    },
    /// Some, but not all, of the append's event ids are already in the log, or an event id
    /// is in the log under another stream: this is not a retry of one earlier append.
    #[error("event id {event_id} is already in the log as part of a different append")]
    EventIdReused {
        /// The reused id.
        event_id: Uuid,
    },
    /// The append was made in a transaction begun with [`crate::EventLog::begin_rebuildable`],
    /// whose commit does not wait for the disk: an acknowledged append must survive a power
    /// cut, so it belongs in [`crate::EventLog::begin`] or [`crate::EventLog::append`].
    #[error("events can only be appended in a durable transaction")]
    NotDurable,
    /// The storage failed; the append may be retried.
    #[error(transparent)]
    Storage(#[from] LogError),
}

impl AppendError {
    /// True for a version conflict (the caller should reload and decide again).
    pub fn is_conflict(&self) -> bool {
        matches!(self, Self::Conflict { .. })
    }
}

/// A failure of the storage underneath the log.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The database failed or could not be reached.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database URL was neither `sqlite:` nor `postgres:`.
    #[error("unsupported database URL {0:?}: use sqlite:PATH or postgres://…")]
    UnsupportedUrl(String),
    /// A stored row could not be turned back into an event.
    #[error("stored event at position {position} is unreadable: {reason}")]
    Corrupt {
        /// Where the bad row is.
        position: i64,
        /// What was wrong.
        reason: String,
    },
    /// No upcaster could bring a stored event to its current schema.
    #[error("cannot upcast {event_type} from schema version {from}: {reason}")]
    Upcast {
        /// The event type.
        event_type: String,
        /// The stored schema version.
        from: u32,
        /// What went wrong.
        reason: String,
    },
    /// The log's background writer has stopped (the process is shutting down).
    #[error("the event log is shut down")]
    Closed,
}
