//! Schema evolution: a registry of upcasters that lift an old payload shape to the next
//! version when an event is read, so stored events never have to be rewritten.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use crate::error::LogError;

/// Turns a payload of schema version `n` into version `n + 1`, or says why it cannot.
pub type UpcastFn = Arc<dyn Fn(Value) -> Result<Value, String> + Send + Sync>;

/// Upcasters keyed by (event type, the schema version they start from).
#[derive(Clone, Default)]
pub struct Upcasters {
    steps: HashMap<(String, u32), UpcastFn>,
}

impl fmt::Debug for Upcasters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut keys: Vec<_> = self.steps.keys().collect();
        keys.sort();
        f.debug_struct("Upcasters").field("steps", &keys).finish()
    }
}

impl Upcasters {
    /// An empty registry: every event is read as stored.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers the step that turns `event_type` version `from` into version `from + 1`.
    pub fn register(
        mut self,
        event_type: impl Into<String>,
        from: u32,
        step: impl Fn(Value) -> Result<Value, String> + Send + Sync + 'static,
    ) -> Self {
        self.steps.insert((event_type.into(), from), Arc::new(step));
        self
    }

    /// Applies every registered step from `version` on; returns the payload and its version.
    pub fn upcast(
        &self,
        event_type: &str,
        version: u32,
        payload: Value,
    ) -> Result<(Value, u32), LogError> {
        let (mut payload, mut current) = (payload, version);
        // Lookups borrow a temporary key; the registry is small and reads are batched.
        while let Some(step) = self.steps.get(&(event_type.to_owned(), current)) {
            payload = step(payload).map_err(|reason| LogError::Upcast {
                event_type: event_type.to_owned(),
                from: current,
                reason,
            })?;
            current += 1;
        }
        Ok((payload, current))
    }

    /// True when no upcaster is registered (reads skip the lookup entirely).
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn chained_steps_lift_an_event_to_the_newest_version() {
        let upcasters = Upcasters::new()
            .register("seats_held", 1, |mut v| {
                v["seats"] = v["quantity"].take();
                Ok(v)
            })
            .register("seats_held", 2, |mut v| {
                v["currency"] = json!("EUR");
                Ok(v)
            });
        let (payload, version) = upcasters
            .upcast("seats_held", 1, json!({"quantity": 3}))
            .unwrap();
        assert_eq!(version, 3);
        assert_eq!(
            payload,
            json!({"quantity": null, "seats": 3, "currency": "EUR"})
        );
    }

    #[test]
    fn a_current_event_is_left_alone() {
        let upcasters = Upcasters::new().register("seats_held", 1, |_| Err("boom".into()));
        let (payload, version) = upcasters.upcast("seats_held", 2, json!({"a": 1})).unwrap();
        assert_eq!((payload, version), (json!({"a": 1}), 2));
    }

    #[test]
    fn a_failing_step_names_the_type_and_version() {
        let upcasters = Upcasters::new().register("x", 1, |_| Err("no seats field".into()));
        let err = upcasters.upcast("x", 1, json!({})).unwrap_err();
        assert!(err
            .to_string()
            .contains("cannot upcast x from schema version 1"));
    }
}
