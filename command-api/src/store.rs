//! Loading an aggregate (snapshot + tail) and turning domain events into log events.

use domain::{Aggregate, DomainEvent};
use eventlog::{EventLog, Metadata, NewEvent, Snapshot, StreamId};

use crate::error::ApiError;

/// Version of the snapshot format of every aggregate state; bump it when a state's
/// serialized shape changes, and old snapshots are ignored (the stream is folded anew).
pub const STATE_SCHEMA: u32 = 1;

/// Save a snapshot once a stream has this many events past the last one.
pub const SNAPSHOT_EVERY: u64 = 1000;

/// A folded aggregate and the stream version it reflects.
#[derive(Debug, Clone)]
pub struct Loaded<S> {
    /// The folded state.
    pub state: S,
    /// The stream version folded (0: no stream).
    pub version: u64,
    /// The version of the snapshot it started from (0: none).
    pub snapshot_version: u64,
}

/// Loads a stream: the newest snapshot, then every event after it.
pub async fn load<A: Aggregate>(
    log: &EventLog,
    stream: &StreamId,
) -> Result<Loaded<A::State>, ApiError> {
    let mut loaded = Loaded {
        state: A::State::default(),
        version: 0,
        snapshot_version: 0,
    };
    if let Some(snapshot) = log.load_snapshot(stream).await? {
        if snapshot.schema_version == STATE_SCHEMA {
            if let Ok(state) = serde_json::from_value(snapshot.state) {
                loaded.state = state;
                loaded.version = snapshot.version;
                loaded.snapshot_version = snapshot.version;
            }
        }
    }
    loop {
        let events = log.read_stream(stream, loaded.version + 1, 1000).await?;
        let Some(last) = events.last() else { break };
        let last_version = last.stream_version;
        for stored in events {
            let event: A::Event = serde_json::from_value(stored.payload).map_err(|e| {
                anyhow::anyhow!("{stream} v{} does not decode: {e}", stored.stream_version)
            })?;
            loaded.state = A::evolve(loaded.state, &event);
        }
        loaded.version = last_version;
    }
    Ok(loaded)
}

/// Saves a snapshot when enough events have accumulated since the last one.
pub async fn maybe_snapshot<S: serde::Serialize>(
    log: &EventLog,
    stream: &StreamId,
    loaded: &Loaded<S>,
) {
    if loaded.version < loaded.snapshot_version + SNAPSHOT_EVERY {
        return;
    }
    let Ok(state) = serde_json::to_value(&loaded.state) else {
        return;
    };
    let snapshot = Snapshot {
        stream_id: stream.clone(),
        version: loaded.version,
        schema_version: STATE_SCHEMA,
        state,
    };
    if let Err(error) = log.save_snapshot(&snapshot).await {
        // A missing snapshot only costs load time; never fail a command for it.
        tracing::warn!(%error, stream.id = %stream, "saving a snapshot failed");
    }
}

/// Log events for domain events, with fresh ids and the given metadata.
pub fn to_log<E: DomainEvent>(
    events: &[E],
    metadata: &Metadata,
) -> Result<Vec<NewEvent>, ApiError> {
    events
        .iter()
        .map(|event| {
            let payload = serde_json::to_value(event)
                .map_err(|e| anyhow::anyhow!("event does not serialize: {e}"))?;
            Ok(NewEvent::new(event.event_type(), payload)
                .with_schema_version(E::SCHEMA_VERSION)
                .with_metadata(metadata.clone()))
        })
        .collect()
}

/// The stream id of a domain stream name (`listing-<uuid>`), which is always valid.
pub fn stream_id(name: String) -> StreamId {
    StreamId::new(name).expect("domain stream names are valid stream ids")
}
