//! Decides, for a batch of appends, which are retries, which conflict and where the rest
//! land. Pure: the caller has locked the log head and read what the plan needs.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::AppendError;
use crate::prepare::Prepared;
use crate::types::{AppendOutcome, ExpectedVersion, Written};

/// Where an event id already lives in the log.
#[derive(Debug, Clone)]
pub(crate) struct Existing {
    pub position: i64,
    pub stream_id: String,
    pub stream_version: u64,
}

/// One row to insert into `events`.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub position: i64,
    pub event_id: Uuid,
    pub stream_id: String,
    pub stream_version: i64,
    pub event_type: String,
    pub schema_version: i32,
    pub payload: String,
    pub metadata: String,
    pub recorded_at: DateTime<Utc>,
}

/// The rows to insert, the new head, and one result per append in the batch.
#[derive(Debug)]
pub(crate) struct Plan {
    pub rows: Vec<Row>,
    pub head: i64,
    /// When the rows are recorded (what reading them back gives).
    pub recorded_at: DateTime<Utc>,
    pub results: Vec<Result<AppendOutcome, AppendError>>,
}

/// Plans a batch. `existing` maps already-stored event ids; `versions` maps each stream
/// the batch touches to its current version (absent: no stream yet).
pub(crate) fn plan(
    head: i64,
    batch: &[&Prepared],
    mut existing: HashMap<Uuid, Existing>,
    mut versions: HashMap<String, u64>,
    now: DateTime<Utc>,
) -> Plan {
    let mut rows = Vec::new();
    let mut results = Vec::with_capacity(batch.len());
    let mut head = head;
    for append in batch {
        let result = plan_one(
            append,
            &mut head,
            &mut existing,
            &mut versions,
            &mut rows,
            now,
        );
        results.push(result);
    }
    Plan {
        rows,
        head,
        recorded_at: now,
        results,
    }
}

fn plan_one(
    append: &Prepared,
    head: &mut i64,
    existing: &mut HashMap<Uuid, Existing>,
    versions: &mut HashMap<String, u64>,
    rows: &mut Vec<Row>,
    now: DateTime<Utc>,
) -> Result<AppendOutcome, AppendError> {
    if let Some(replay) = replayed(append, existing)? {
        return Ok(replay);
    }
    for stream in append {
        let actual = versions
            .get(stream.stream_id.as_str())
            .copied()
            .unwrap_or(0);
        if !stream.expected.admits(actual) {
            return Err(AppendError::Conflict {
                stream_id: stream.stream_id.to_string(),
                expected: describe(stream.expected),
                actual,
            });
        }
    }
    let mut written = Vec::new();
    for stream in append {
        let version = versions.entry(stream.stream_id.to_string()).or_insert(0);
        for event in &stream.events {
            *head += 1;
            *version += 1;
            existing.insert(
                event.event_id,
                Existing {
                    position: *head,
                    stream_id: stream.stream_id.to_string(),
                    stream_version: *version,
                },
            );
            written.push(Written {
                event_id: event.event_id,
                position: *head,
                stream_version: *version,
            });
            rows.push(Row {
                position: *head,
                event_id: event.event_id,
                stream_id: stream.stream_id.to_string(),
                stream_version: *version as i64,
                event_type: event.event_type.clone(),
                schema_version: event.schema_version as i32,
                payload: event.payload.clone(),
                metadata: event.metadata.clone(),
                recorded_at: now,
            });
        }
    }
    Ok(AppendOutcome {
        written,
        replayed: false,
    })
}

/// If every event id is already stored (under the same streams) this is a retry: answer
/// with the original positions. Some-but-not-all stored is a misuse of ids.
fn replayed(
    append: &Prepared,
    existing: &HashMap<Uuid, Existing>,
) -> Result<Option<AppendOutcome>, AppendError> {
    let mut written = Vec::new();
    let mut missing = None;
    for stream in append {
        for event in &stream.events {
            match existing.get(&event.event_id) {
                Some(found) if found.stream_id == stream.stream_id.as_str() => {
                    written.push(Written {
                        event_id: event.event_id,
                        position: found.position,
                        stream_version: found.stream_version,
                    });
                }
                Some(_) => {
                    return Err(AppendError::EventIdReused {
                        event_id: event.event_id,
                    })
                }
                None => missing = Some(event.event_id),
            }
        }
    }
    match (written.is_empty(), missing) {
        (true, _) => Ok(None),
        (false, None) => Ok(Some(AppendOutcome {
            written,
            replayed: true,
        })),
        (false, Some(_)) => Err(AppendError::EventIdReused {
            event_id: written[0].event_id,
        }),
    }
}

fn describe(expected: ExpectedVersion) -> String {
    match expected {
        ExpectedVersion::Any => "any".into(),
        ExpectedVersion::NoStream => "no stream".into(),
        ExpectedVersion::Exact(v) => v.to_string(),
    }
}
