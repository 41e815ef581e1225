//! Proves the contract: every 2xx JSON reply a test receives is validated against the
//! schema the served OpenAPI document gives for its path, method and status.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

/// The document's validators, compiled once per (method, path template, status).
pub struct Contract {
    doc: Value,
    validators: Mutex<HashMap<(String, String, u16), Arc<jsonschema::Validator>>>,
}

impl Contract {
    /// The contract of `doc`, a served OpenAPI 3.1 document.
    pub fn new(doc: Value) -> Self {
        Self {
            doc,
            validators: Mutex::default(),
        }
    }

    /// Checks the JSON `body` of a `status` reply to `method path`; the error names the
    /// path, the status and every way the body breaks the documented schema.
    pub fn check(&self, method: &str, path: &str, status: u16, body: &Value) -> Result<(), String> {
        let Some(template) = self.template_of(path) else {
            return Err(format!(
                "{method} {path} ({status}) is not in the OpenAPI document"
            ));
        };
        let key = (method.to_lowercase(), template, status);
        let validator = self
            .validator(&key)
            .map_err(|e| format!("{method} {path} ({status}): {e}"))?;
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("at '{}': {e}", e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{method} {path} ({status}) does not match its documented schema: {}\nbody: {body}",
                errors.join("; ")
            ))
        }
    }

    /// The documented path template (`/api/v1/listings/{listing_id}`) that `path` is.
    fn template_of(&self, path: &str) -> Option<String> {
        let segments: Vec<&str> = path.split('/').collect();
        let paths = self.doc["paths"].as_object()?;
        // A literal segment beats a parameter (`/accounts/me/password` over `{user_id}`).
        paths
            .keys()
            .filter(|template| {
                let parts: Vec<&str> = template.split('/').collect();
                parts.len() == segments.len()
                    && parts
                        .iter()
                        .zip(&segments)
                        .all(|(t, s)| t.starts_with('{') || t == s)
            })
            .min_by_key(|template| template.matches('{').count())
            .cloned()
    }

    fn validator(&self, key: &(String, String, u16)) -> Result<Arc<jsonschema::Validator>, String> {
        if let Some(found) = self.validators.lock().unwrap().get(key) {
            return Ok(found.clone());
        }
        let (method, template, status) = key;
        let operation = &self.doc["paths"][template][method];
        if operation.is_null() {
            return Err(format!("{method} is not documented for {template}"));
        }
        let response = self.resolve(&operation["responses"][status.to_string()]);
        if response.is_null() {
            return Err(format!("status {status} is not documented"));
        }
        let schema = &response["content"]["application/json"]["schema"];
        if schema.is_null() {
            return Err("the documented response has no application/json schema".into());
        }
        // The response schema, with the document's components beside it so that its
        // `#/components/schemas/...` references resolve.
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": self.doc["components"],
            "allOf": [schema],
        });
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| format!("the documented schema does not compile: {e}"))?;
        let validator = Arc::new(validator);
        self.validators
            .lock()
            .unwrap()
            .insert(key.clone(), validator.clone());
        Ok(validator)
    }

    /// Follows a local `$ref` (e.g. to `#/components/responses/...`).
    fn resolve<'a>(&'a self, node: &'a Value) -> &'a Value {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => self
                .doc
                .pointer(reference.trim_start_matches('#'))
                .map_or(&Value::Null, |target| self.resolve(target)),
            None => node,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Contract;

    fn contract() -> Contract {
        Contract::new(json!({
            "paths": {
                "/api/v1/holds/{hold_id}": {"post": {"responses": {"201": {
                    "description": "held",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Held"}}}
                }}}},
                "/api/v1/holds/mine": {"get": {"responses": {"200": {
                    "description": "mine",
                    "content": {"application/json": {"schema": {"type": "array"}}}
                }}}}
            },
            "components": {"schemas": {"Held": {
                "type": "object",
                "required": ["hold_id", "position"],
                "properties": {"hold_id": {"type": "string", "format": "uuid"}, "position": {"type": "integer"}}
            }}}
        }))
    }

    #[test]
    fn a_reply_that_breaks_its_referenced_schema_names_path_status_and_field() {
        let id = "0190a0a0-0000-7000-8000-000000000000";
        let path = format!("/api/v1/holds/{id}");
        let ok = json!({"hold_id": id, "position": 3});
        assert_eq!(contract().check("POST", &path, 201, &ok), Ok(()));
        let wrong = json!({"hold_id": "not-a-uuid", "position": "3"});
        let error = contract().check("POST", &path, 201, &wrong).unwrap_err();
        assert!(error.contains(&path) && error.contains("201"), "{error}");
        assert!(
            error.contains("/hold_id") && error.contains("/position"),
            "{error}"
        );
    }

    #[test]
    fn an_undocumented_status_or_path_is_a_mismatch_and_literals_beat_parameters() {
        assert!(contract()
            .check("POST", "/api/v1/holds/x", 200, &json!({}))
            .is_err());
        assert!(contract()
            .check("GET", "/api/v1/nothing", 200, &json!({}))
            .is_err());
        assert_eq!(
            contract().check("GET", "/api/v1/holds/mine", 200, &json!([])),
            Ok(())
        );
    }
}
