//! `ApiJson<T>`: like `axum::Json`, but every rejection is a problem document, and a body
//! that parses as JSON but does not fit `T` is a 422 naming the field.

use axum::body::Bytes;
use axum::extract::{FromRequest, OptionalFromRequest, Request};
use axum::http::header;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// How long a request body may take to arrive once its head has: a client that declares
/// more bytes than it sends (or sends them a byte a second) would otherwise hold its
/// connection and task for ever; the head has its own timeout in [`crate::serve_with`].
pub const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// A JSON request body of type `T`.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                let mime = v.split(';').next().unwrap_or("").trim();
                mime.eq_ignore_ascii_case("application/json")
            })
            .unwrap_or(false);
        if !is_json {
            return Err(ApiError::UnsupportedMediaType(
                "send the body as JSON with Content-Type: application/json".into(),
            ));
        }
        let bytes = read_body(req, state).await?;
        parse(&bytes).map(ApiJson)
    }
}

/// `Option<ApiJson<T>>` for bodies that may be left out: an empty body is `None`,
/// anything else must parse as `T`.
impl<S, T> OptionalFromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, Self::Rejection> {
        let bytes = read_body(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        parse(&bytes).map(|value| Some(ApiJson(value)))
    }
}

/// The whole body, within [`BODY_READ_TIMEOUT`] (else a 400).
async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    match tokio::time::timeout(BODY_READ_TIMEOUT, Bytes::from_request(req, state)).await {
        Ok(read) => read.map_err(body_error),
        Err(_) => Err(ApiError::BadRequest(format!(
            "the request body did not arrive in full within {} seconds",
            BODY_READ_TIMEOUT.as_secs()
        ))),
    }
}

/// The problem for a body that could not be read: too large (413) or broken (400).
fn body_error(rejection: axum::extract::rejection::BytesRejection) -> ApiError {
    if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge("the request body is larger than allowed".into())
    } else {
        ApiError::BadRequest(format!("could not read the body: {rejection}"))
    }
}

/// Parses a body: syntax errors are 400, shape errors 422 with the field's path.
pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // Syntax first, so "not JSON at all" and "JSON of the wrong shape" stay distinct.
    if let Err(error) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        return Err(ApiError::BadRequest(format!(
            "the body is not valid JSON: {error}"
        )));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let field = if path == "." { "body".to_owned() } else { path };
        let message = strip_position(&error.inner().to_string());
        ApiError::field(field, message)
    })
}

/// serde_json appends " at line 1 column 42"; the field path already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Hold {
        ticket_type_id: String,
        seats: u32,
    }

    fn field_of(body: &str) -> (u16, String) {
        match parse::<Hold>(body.as_bytes()) {
            Err(e) => {
                let problem = e.problem();
                let field = problem.errors.first().map(|f| f.field.clone());
                (problem.status, field.unwrap_or_default())
            }
            Ok(_) => (200, String::new()),
        }
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        assert_eq!(field_of("{\"seats\": ").0, 400);
    }

    #[test]
    fn a_wrong_type_names_the_field() {
        assert_eq!(
            field_of(r#"{"ticket_type_id": "a", "seats": "two"}"#),
            (422, "seats".into())
        );
    }

    #[test]
    fn a_negative_number_names_the_field() {
        assert_eq!(
            field_of(r#"{"ticket_type_id": "a", "seats": -1}"#),
            (422, "seats".into())
        );
    }

    #[test]
    fn an_unknown_field_is_rejected() {
        let (status, _) = field_of(r#"{"ticket_type_id": "a", "seats": 1, "price": 0}"#);
        assert_eq!(status, 422);
    }

    #[test]
    fn a_missing_field_is_rejected() {
        assert_eq!(field_of(r#"{"seats": 1}"#).0, 422);
    }
}
