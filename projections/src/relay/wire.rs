//! The message format on the topic: key = stream id, value = the stored event as JSON with
//! secrets removed, headers = event id, type, schema version, position. Consumers (the
//! notifier among them) decode with [`decode`].

use eventlog::StoredEvent;
use serde_json::Value;

/// Payload fields that never leave the database; their values are replaced by [`REDACTED`].
pub const SECRET_FIELDS: &[&str] = &["password_hash"];
/// What a secret field's value becomes on the topic.
pub const REDACTED: &str = "[redacted]";

/// Header carrying the event id (UUID text).
pub const HEADER_EVENT_ID: &str = "event_id";
/// Header carrying the event type, e.g. `seats_held`.
pub const HEADER_EVENT_TYPE: &str = "event_type";
/// Header carrying the payload's schema version (decimal).
pub const HEADER_SCHEMA_VERSION: &str = "schema_version";
/// Header carrying the global log position (decimal).
pub const HEADER_POSITION: &str = "position";

/// One Kafka message ready to produce.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    /// Message key: the stream id, so one stream stays in one partition, in order.
    pub key: String,
    /// Message value: the event as JSON.
    pub value: Vec<u8>,
    /// Header names and values.
    pub headers: Vec<(&'static str, String)>,
}

/// The message for one stored event, secrets redacted.
pub fn encode(event: &StoredEvent) -> Outgoing {
    let mut public = event.clone();
    redact(&mut public.payload);
    // Serializing a StoredEvent (plain data and JSON values) cannot fail.
    let value = serde_json::to_vec(&public).unwrap_or_default();
    Outgoing {
        key: event.stream_id.as_str().to_owned(),
        value,
        headers: vec![
            (HEADER_EVENT_ID, event.event_id.to_string()),
            (HEADER_EVENT_TYPE, event.event_type.clone()),
            (HEADER_SCHEMA_VERSION, event.schema_version.to_string()),
            (HEADER_POSITION, event.position.to_string()),
        ],
    }
}

/// The stored event inside a message value.
pub fn decode(value: &[u8]) -> Result<StoredEvent, serde_json::Error> {
    serde_json::from_slice(value)
}

/// Replaces every secret field, at any depth, by [`REDACTED`].
pub fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, field) in map.iter_mut() {
                if SECRET_FIELDS.contains(&key.as_str()) {
                    *field = Value::String(REDACTED.to_owned());
                } else {
                    redact(field);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn password_hashes_never_reach_the_topic() {
        let mut payload = json!({"type": "account_registered", "password_hash": "$argon2id$x",
            "nested": [{"password_hash": "y"}], "email": "a@b.co"});
        redact(&mut payload);
        assert_eq!(payload["password_hash"], REDACTED);
        assert_eq!(payload["nested"][0]["password_hash"], REDACTED);
        assert_eq!(payload["email"], "a@b.co");
    }
}
