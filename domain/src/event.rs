//! What every aggregate's event enum offers to the event log.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// An event enum of one aggregate, as the event log stores it.
pub trait DomainEvent: Serialize + DeserializeOwned + Clone + std::fmt::Debug {
    /// Version of the serialized payload; bump only with an upcaster for older versions.
    const SCHEMA_VERSION: u32;

    /// Prefix of the streams this aggregate's events belong to (`listing`, `booking`, `user`).
    const STREAM_PREFIX: &'static str;

    /// The stable snake_case type name, equal to the serialized `type` tag.
    fn event_type(&self) -> &'static str;
}
