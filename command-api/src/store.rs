//! Loading an aggregate (snapshot + tail) and turning domain events into log events.

use domain::{Aggregate, DomainEvent};
use eventlog::{EventLog, ExpectedVersion, Metadata, NewEvent, Snapshot, StreamAppend, StreamId};
use uuid::Uuid;

/// A failure of the storage below a command: the database, or a stored value that does
/// not decode. Never the caller's fault; a domain rejection is never one of these.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The event log failed.
    #[error(transparent)]
    Log(#[from] eventlog::LogError),
    /// An append failed for a reason other than a version conflict.
    #[error(transparent)]
    Append(#[from] eventlog::AppendError),
    /// A lookup table beside the log failed.
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
    /// A stored event or a new one does not (de)serialize.
    #[error("{0}")]
    Codec(String),
}

/// Why an append did not happen, apart from the decision's own rejection.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Other requests changed the stream at the same moment (retries exhausted); retry.
    #[error("{0}")]
    Conflict(&'static str),
    /// The storage failed.
    #[error(transparent)]
    Storage(#[from] StoreError),
    /// The listing writer lost the command (it stopped, or answered without deciding).
    #[error("{0}")]
    Lost(&'static str),
}

impl WriteError {
    /// The error of a failed append: a version conflict, or a storage failure.
    pub fn of_append(error: eventlog::AppendError) -> Self {
        if error.is_conflict() {
            Self::Conflict("this was changed by another request at the same moment; retry")
        } else {
            Self::Storage(error.into())
        }
    }
}

impl From<eventlog::LogError> for WriteError {
    fn from(error: eventlog::LogError) -> Self {
        Self::Storage(error.into())
    }
}

impl From<sqlx::Error> for WriteError {
    fn from(error: sqlx::Error) -> Self {
        Self::Storage(error.into())
    }
}

/// Version of the snapshot format of every aggregate state; bump it when a state's
/// serialized shape changes, and old snapshots are ignored (the stream is folded anew).
pub const STATE_SCHEMA: u32 = 3;

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
) -> Result<Loaded<A::State>, StoreError> {
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
                StoreError::Codec(format!(
                    "{stream} v{} does not decode: {e}",
                    stored.stream_version
                ))
            })?;
            loaded.state = A::evolve(loaded.state, &event);
        }
        loaded.version = last_version;
    }
    Ok(loaded)
}

/// Saves `state` as the snapshot of `stream` at `version`.
pub async fn save_snapshot<S: serde::Serialize>(
    log: &EventLog,
    stream: &StreamId,
    version: u64,
    state: &S,
) {
    let Ok(state) = serde_json::to_value(state) else {
        return;
    };
    let snapshot = Snapshot {
        stream_id: stream.clone(),
        version,
        schema_version: STATE_SCHEMA,
        state,
    };
    if let Err(error) = log.save_snapshot(&snapshot).await {
        // A missing snapshot only costs load time; never fail a command for it.
        tracing::warn!(%error, stream.id = %stream, "saving a snapshot failed");
    }
}

/// Moves the consumer checkpoint `name` to `position`.
pub async fn save_checkpoint(log: &EventLog, name: &str, position: i64) -> Result<(), StoreError> {
    let mut tx = log.begin().await?;
    tx.save_checkpoint(name, position).await?;
    tx.commit().await?;
    Ok(())
}

/// How often a command is decided again after another request changed its stream.
const ATTEMPTS: usize = 5;

/// Loads `stream`, decides on it and appends the events with the version it loaded;
/// when another request wrote the stream meanwhile, loads and decides again. Returns the
/// position written (0 when the decision produced no events), or the decision's own
/// rejection inside.
pub async fn decide_and_append<A: Aggregate, E>(
    log: &EventLog,
    stream: &StreamId,
    metadata: &Metadata,
    mut decide: impl FnMut(&A::State) -> Result<Vec<A::Event>, E>,
) -> Result<Result<i64, E>, WriteError> {
    for _ in 0..ATTEMPTS {
        let loaded = load::<A>(log, stream).await?;
        let events = match decide(&loaded.state) {
            Ok(events) => events,
            Err(rejected) => return Ok(Err(rejected)),
        };
        if events.is_empty() {
            return Ok(Ok(0));
        }
        let append = StreamAppend::new(
            stream.clone(),
            ExpectedVersion::Exact(loaded.version),
            to_log(&events, metadata)?,
        );
        match log.append(vec![append]).await {
            Ok(outcome) => return Ok(Ok(outcome.last_position())),
            Err(error) if error.is_conflict() => continue,
            Err(error) => return Err(StoreError::from(error).into()),
        }
    }
    Err(WriteError::Conflict(
        "this was changed by other requests at the same moment; retry",
    ))
}

/// Metadata of the events of a command by `actor` (a user id, or a system name such as
/// `scheduler`); the command's id starts its correlation.
pub fn metadata(actor: impl ToString) -> Metadata {
    let command_id = Uuid::now_v7();
    Metadata {
        actor: Some(actor.to_string()),
        command_id: Some(command_id),
        correlation_id: Some(command_id),
        ..Metadata::default()
    }
}

/// Log events for domain events, with fresh ids and the given metadata.
pub fn to_log<E: DomainEvent>(
    events: &[E],
    metadata: &Metadata,
) -> Result<Vec<NewEvent>, StoreError> {
    events
        .iter()
        .map(|event| {
            let payload = serde_json::to_value(event)
                .map_err(|e| StoreError::Codec(format!("event does not serialize: {e}")))?;
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
