//! Small builders shared by the contract tests.

use eventlog::{ExpectedVersion, NewEvent, StreamAppend, StreamId};
use serde_json::json;

/// A stream id from text that is known to be valid.
pub fn stream(id: &str) -> StreamId {
    StreamId::new(id).expect("valid stream id")
}

/// `n` events of type `thing_happened` numbered from 0.
pub fn events(n: usize) -> Vec<NewEvent> {
    (0..n)
        .map(|i| NewEvent::new("thing_happened", json!({ "n": i })))
        .collect()
}

/// One stream's append.
pub fn to(id: &str, expected: ExpectedVersion, events: Vec<NewEvent>) -> StreamAppend {
    StreamAppend::new(stream(id), expected, events)
}
