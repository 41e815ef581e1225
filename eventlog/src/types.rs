//! The values that go into and come out of the log: stream ids, expected versions, new
//! events, stored events with their envelope, and append outcomes.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::error::AppendError;

/// Longest stream id the log accepts.
pub const MAX_STREAM_ID_LEN: usize = 200;
/// Longest event type name the log accepts.
pub const MAX_EVENT_TYPE_LEN: usize = 100;

/// The id of one stream, e.g. `listing-0191…`: ASCII letters, digits and `-_:.`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StreamId(String);

impl StreamId {
    /// Parses a stream id, rejecting empty, overlong or oddly spelled ones.
    pub fn new(id: impl Into<String>) -> Result<Self, AppendError> {
        let id = id.into();
        let well_formed = !id.is_empty()
            && id.len() <= MAX_STREAM_ID_LEN
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'));
        if well_formed {
            Ok(Self(id))
        } else {
            Err(AppendError::InvalidStreamId { stream_id: id })
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the first `-` (`listing` for `listing-…`), the stream's category.
    pub fn category(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }
}

impl TryFrom<String> for StreamId {
    type Error = AppendError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<StreamId> for String {
    fn from(id: StreamId) -> Self {
        id.0
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the appender believes the stream's version is; a mismatch is a conflict.
///
/// A stream's version is the number of events in it: the first event has version 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedVersion {
    /// Append whatever the version is.
    Any,
    /// The stream must not exist yet.
    NoStream,
    /// The stream must be exactly at this version (0 means "no stream yet" too).
    Exact(u64),
}

impl ExpectedVersion {
    /// Whether a stream currently at `actual` satisfies this expectation.
    pub fn admits(self, actual: u64) -> bool {
        match self {
            Self::Any => true,
            Self::NoStream => actual == 0,
            Self::Exact(v) => v == actual,
        }
    }
}

/// Who and what caused an event: stored beside it, never part of its payload.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// Groups every event caused by one original request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<Uuid>,
    /// The event or command that directly caused this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub causation_id: Option<Uuid>,
    /// The user (or system actor) who issued the command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// The command that produced the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_id: Option<Uuid>,
    /// Anything else worth keeping.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An event to append: its id, type, schema version, payload and metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// Unique id; appending the same id again returns the first append's result.
    pub event_id: Uuid,
    /// The event's type name, e.g. `seats_held`.
    pub event_type: String,
    /// Version of the payload's shape, for upcasting.
    pub schema_version: u32,
    /// The event's data.
    pub payload: Value,
    /// Correlation, causation, actor and the like.
    pub metadata: Metadata,
}

impl NewEvent {
    /// A schema-version-1 event with a fresh UUIDv7 id and empty metadata.
    pub fn new(event_type: impl Into<String>, payload: Value) -> Self {
        Self {
            event_id: Uuid::now_v7(),
            event_type: event_type.into(),
            schema_version: 1,
            payload,
            metadata: Metadata::default(),
        }
    }

    /// Like [`NewEvent::new`], from JSON text; invalid JSON is a typed error.
    pub fn from_json(event_type: impl Into<String>, json: &str) -> Result<Self, AppendError> {
        let payload = serde_json::from_str(json).map_err(|e| AppendError::InvalidJson {
            reason: e.to_string(),
        })?;
        Ok(Self::new(event_type, payload))
    }

    /// Sets the event id (callers that need deterministic, idempotent ids).
    pub fn with_id(mut self, event_id: Uuid) -> Self {
        self.event_id = event_id;
        self
    }

    /// Sets the schema version.
    pub fn with_schema_version(mut self, schema_version: u32) -> Self {
        self.schema_version = schema_version;
        self
    }

    /// Sets the metadata.
    pub fn with_metadata(mut self, metadata: Metadata) -> Self {
        self.metadata = metadata;
        self
    }
}

/// Events for one stream, with the version the appender expects it to be at.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamAppend {
    /// The stream to append to.
    pub stream_id: StreamId,
    /// The version check.
    pub expected: ExpectedVersion,
    /// The events, in order.
    pub events: Vec<NewEvent>,
}

impl StreamAppend {
    /// Events for `stream_id` with the given expectation.
    pub fn new(stream_id: StreamId, expected: ExpectedVersion, events: Vec<NewEvent>) -> Self {
        Self {
            stream_id,
            expected,
            events,
        }
    }
}

/// Where one appended event landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Written {
    /// The event's id.
    pub event_id: Uuid,
    /// Its global position in the log.
    pub position: i64,
    /// Its version within its stream.
    pub stream_version: u64,
}

/// The result of a successful append: where each event landed, in request order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppendOutcome {
    /// One entry per appended event, in the order they were given.
    pub written: Vec<Written>,
    /// True when every event id was already in the log and nothing new was written.
    pub replayed: bool,
}

impl AppendOutcome {
    /// The highest global position written (what a reader waits for to see this append).
    pub fn last_position(&self) -> i64 {
        self.written.iter().map(|w| w.position).max().unwrap_or(0)
    }

    /// The stream version after the append, for the stream that holds `event_id`'s event.
    pub fn version_of(&self, event_id: Uuid) -> Option<u64> {
        self.written
            .iter()
            .find(|w| w.event_id == event_id)
            .map(|w| w.stream_version)
    }
}

/// An event as stored in the log, with its envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEvent {
    /// Global position: gap-free, ascending in commit order.
    pub position: i64,
    /// The stream the event belongs to.
    pub stream_id: StreamId,
    /// The event's version within its stream (the first is 1).
    pub stream_version: u64,
    /// Unique event id.
    pub event_id: Uuid,
    /// Type name.
    pub event_type: String,
    /// Schema version of `payload` (after upcasting, the current one).
    pub schema_version: u32,
    /// The event's data.
    pub payload: Value,
    /// Correlation, causation, actor and the like.
    pub metadata: Metadata,
    /// When the log recorded it.
    pub recorded_at: DateTime<Utc>,
}

/// The latest folded state of a stream and the version it covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The stream the state was folded from.
    pub stream_id: StreamId,
    /// The last stream version folded into `state`.
    pub version: u64,
    /// Version of the state's shape; a loader ignores snapshots of another version.
    pub schema_version: u32,
    /// The folded state as JSON.
    pub state: Value,
}

/// A value to store in the same transaction as an append, under `key`, written only if
/// the append commits (a conflict or a replay writes no receipt). Its value is rendered
/// from the append's last position, so it can name where the append landed; the same
/// key again replaces the older receipt.
pub struct Receipt {
    /// The caller's key; one receipt per key.
    pub key: String,
    render: Box<dyn Fn(i64) -> String + Send + Sync>,
}

impl Receipt {
    /// A receipt under `key` whose value `render` makes from the append's last position.
    pub fn new(key: String, render: impl Fn(i64) -> String + Send + Sync + 'static) -> Self {
        Self {
            key,
            render: Box::new(render),
        }
    }

    /// The value for an append that reached `position`.
    pub fn render(&self, position: i64) -> String {
        (self.render)(position)
    }
}

impl fmt::Debug for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receipt").field("key", &self.key).finish()
    }
}

/// A stored [`Receipt`]: its value, the position its append reached, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReceipt {
    /// What the receipt's render made.
    pub value: String,
    /// The append's last position.
    pub position: i64,
    /// When the append committed.
    pub recorded_at: DateTime<Utc>,
}
