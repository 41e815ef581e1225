//! The answer every command gives: the ids it created and the log position it wrote, so
//! a client can ask the read side to catch up (`?after=<position>`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{Map, Value};

/// A command's success: its status, the ids it created and the position it wrote.
#[derive(Debug, Clone)]
pub(crate) struct Accepted {
    pub status: StatusCode,
    pub body: Value,
}

impl Accepted {
    /// `201 Created` (or `200 OK` when `created` is false) with `ids` and `position`.
    pub fn new(created: bool, ids: Map<String, Value>, position: i64) -> Self {
        let mut body = ids;
        body.insert("position".into(), Value::from(position));
        Self {
            status: if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            },
            body: Value::Object(body),
        }
    }
}

impl IntoResponse for Accepted {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

/// Builds the `ids` map of an [`Accepted`] from `name => value` pairs.
macro_rules! ids {
    ($($name:literal => $value:expr),* $(,)?) => {{
        let mut map = serde_json::Map::new();
        $( map.insert($name.to_owned(), serde_json::json!($value)); )*
        map
    }};
}
pub(crate) use ids;
