//! Checks an append before it reaches the database and serializes its payloads once, on
//! the caller's task, so the single writer only plans and inserts.

use std::collections::HashSet;

use serde_json::Value;
use uuid::Uuid;

use crate::error::AppendError;
use crate::types::{ExpectedVersion, Metadata, StreamAppend, StreamId, MAX_EVENT_TYPE_LEN};

/// One event, validated, with its payload and metadata as JSON text (and as given, for
/// the log's window of recent events).
#[derive(Debug, Clone)]
pub(crate) struct PreparedEvent {
    pub event_id: Uuid,
    pub event_type: String,
    pub schema_version: u32,
    pub payload: String,
    pub metadata: String,
    pub payload_value: Value,
    pub metadata_value: Metadata,
}

/// One stream's part of an append, validated.
#[derive(Debug, Clone)]
pub(crate) struct PreparedStream {
    pub stream_id: StreamId,
    pub expected: ExpectedVersion,
    pub events: Vec<PreparedEvent>,
}

/// A whole append (one or more streams, one transaction), validated.
pub(crate) type Prepared = Vec<PreparedStream>;

/// Validates an append and serializes its events; any error means nothing is written.
pub(crate) fn prepare(
    appends: Vec<StreamAppend>,
    max_payload_bytes: usize,
) -> Result<Prepared, AppendError> {
    if appends.is_empty() || appends.iter().any(|a| a.events.is_empty()) {
        return Err(AppendError::Empty);
    }
    let mut streams = HashSet::new();
    let mut ids = HashSet::new();
    let mut prepared = Vec::with_capacity(appends.len());
    for append in appends {
        if !streams.insert(append.stream_id.clone()) {
            return Err(AppendError::DuplicateStream {
                stream_id: append.stream_id.to_string(),
            });
        }
        let mut events = Vec::with_capacity(append.events.len());
        for event in append.events {
            if event.event_type.is_empty() || event.event_type.len() > MAX_EVENT_TYPE_LEN {
                return Err(AppendError::InvalidEventType {
                    event_type: event.event_type,
                });
            }
            if !ids.insert(event.event_id) {
                return Err(AppendError::EventIdReused {
                    event_id: event.event_id,
                });
            }
            // PostgreSQL's jsonb cannot hold U+0000; refusing it on both backends keeps
            // them interchangeable.
            if has_nul(&event.payload) {
                return Err(AppendError::InvalidJson {
                    reason: "strings may not contain U+0000".into(),
                });
            }
            let payload = serde_json::to_string(&event.payload).map_err(invalid_json)?;
            if payload.len() > max_payload_bytes {
                return Err(AppendError::PayloadTooLarge {
                    event_id: event.event_id,
                    size: payload.len(),
                    limit: max_payload_bytes,
                });
            }
            let metadata_value = serde_json::to_value(&event.metadata).map_err(invalid_json)?;
            if has_nul(&metadata_value) {
                return Err(AppendError::InvalidJson {
                    reason: "metadata strings may not contain U+0000".into(),
                });
            }
            events.push(PreparedEvent {
                event_id: event.event_id,
                event_type: event.event_type,
                schema_version: event.schema_version,
                payload,
                metadata: metadata_value.to_string(),
                payload_value: event.payload,
                metadata_value: event.metadata,
            });
        }
        prepared.push(PreparedStream {
            stream_id: append.stream_id,
            expected: append.expected,
            events,
        });
    }
    Ok(prepared)
}

fn invalid_json(e: serde_json::Error) -> AppendError {
    AppendError::InvalidJson {
        reason: e.to_string(),
    }
}

fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}
