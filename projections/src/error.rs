//! What can stop a projection batch.

use crate::decode::DecodeError;

/// A batch that could not be applied; the runner retries it with backoff.
#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    /// The log could not be read or the transaction not committed.
    #[error("event log: {0}")]
    Log(#[from] eventlog::LogError),
    /// A read-model statement failed.
    #[error("read model: {0}")]
    Sql(#[from] sqlx::Error),
    /// An event of a known type did not decode.
    #[error(transparent)]
    Decode(#[from] DecodeError),
}
