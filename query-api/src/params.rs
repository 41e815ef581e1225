//! Query-string parameters, read one by one so every bad one is named in one 422
//! (`errors[].field`), in the shared field-error shape.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use chrono::DateTime;
use http_kit::ApiError;
use http_kit::Fields;

use crate::cursor::Cursor;

/// The query string of a request, as name/value pairs.
#[derive(Debug, Default)]
pub(crate) struct Params(HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Query(map) = Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
            .map_err(|e| ApiError::BadRequest(format!("the query string cannot be read: {e}")))?;
        // Checked here, once for every parameter, so no route can forget it: PostgreSQL
        // refuses NUL in text (a 500 otherwise), and no search term holds a control
        // character honestly.
        let mut bad: Vec<&String> = map
            .iter()
            .filter(|(_, value)| value.chars().any(char::is_control))
            .map(|(name, _)| name)
            .collect();
        bad.sort();
        let mut fields = Fields::new();
        for name in bad {
            fields.push(name.as_str(), "must not contain control characters");
        }
        fields.finish()?;
        Ok(Self(map))
    }
}

/// Parses parameters, collecting every bad one.
pub(crate) struct Reader<'a> {
    params: &'a Params,
    fields: Fields,
}

impl<'a> Reader<'a> {
    /// Starts reading `params`.
    pub fn new(params: &'a Params) -> Self {
        Self {
            params,
            fields: Fields::new(),
        }
    }

    /// A non-empty text parameter.
    pub fn text(&self, name: &str) -> Option<String> {
        self.params
            .0
            .get(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// An integer parameter within `min..=max`.
    pub fn int(&mut self, name: &str, min: i64, max: i64) -> Option<i64> {
        let raw = self.text(name)?;
        match raw.parse::<i64>() {
            Ok(v) if (min..=max).contains(&v) => Some(v),
            Ok(_) => {
                self.fields
                    .push(name, format!("must be between {min} and {max}"));
                None
            }
            Err(_) => {
                self.fields.push(name, "must be an integer");
                None
            }
        }
    }

    /// The page size: 1..=100, 20 when absent.
    pub fn limit(&mut self) -> i64 {
        self.int("limit", 1, 100).unwrap_or(20)
    }

    /// The read-your-writes position (`after`), a log position.
    pub fn after(&mut self) -> Option<i64> {
        let raw = self.text("after")?;
        match raw.parse::<i64>() {
            Ok(v) if v >= 0 => Some(v),
            _ => {
                self.fields.push(
                    "after",
                    "must be a log position (a non-negative integer), as a command returned it",
                );
                None
            }
        }
    }

    /// An RFC 3339 time, as milliseconds since the epoch.
    pub fn time(&mut self, name: &str) -> Option<i64> {
        let raw = self.text(name)?;
        match DateTime::parse_from_rfc3339(&raw) {
            Ok(t) => Some(t.timestamp_millis()),
            Err(_) => {
                self.fields
                    .push(name, "must be an RFC 3339 time, e.g. 2026-07-01T18:00:00Z");
                None
            }
        }
    }

    /// `true` or `false`.
    pub fn bool(&mut self, name: &str) -> Option<bool> {
        match self.text(name)?.as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => {
                self.fields.push(name, "must be true or false");
                None
            }
        }
    }

    /// One of `allowed`, or the first of them when absent.
    pub fn choice(&mut self, name: &str, allowed: &[&'static str]) -> &'static str {
        let Some(raw) = self.text(name) else {
            return allowed[0];
        };
        match allowed.iter().find(|a| **a == raw) {
            Some(found) => found,
            None => {
                self.fields
                    .push(name, format!("must be one of {}", allowed.join(", ")));
                allowed[0]
            }
        }
    }

    /// The `cursor` of a page of kind `kind`, as the previous page's `next_cursor` gave it.
    pub fn cursor(&mut self, kind: &str) -> Option<Cursor> {
        let raw = self.text("cursor")?;
        match Cursor::decode(&raw).filter(|c| c.kind == kind) {
            Some(cursor) => Some(cursor),
            None => {
                self.fields.push(
                    "cursor",
                    "is not a cursor of this listing and order; pass next_cursor as given",
                );
                None
            }
        }
    }

    /// Records that parameter `name` is wrong, with `message`, for [`Reader::finish`].
    pub fn refuse(&mut self, name: &str, message: impl ToString) {
        self.fields.push(name, message);
    }

    /// Ok when every parameter read was well-formed, else the 422 naming each bad one.
    pub fn finish(self) -> Result<(), ApiError> {
        self.fields.finish()
    }
}
