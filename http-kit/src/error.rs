//! One error shape for every failure: `application/problem+json` (RFC 9457) with `type`,
//! `title`, `status`, `detail`, and for 422 the list of fields that are wrong. Internal
//! failures are logged once here and never described to the client.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::problem::{FieldError, Problem};

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body was not JSON, or not the JSON this endpoint takes (400).
    #[error("{0}")]
    BadRequest(String),
    /// Fields are present and well-formed JSON but their values are invalid (422).
    #[error("{} field(s) invalid", .0.len())]
    Validation(Vec<FieldError>),
    /// Missing, expired or forged credentials (401).
    #[error("{0}")]
    Unauthorized(String),
    /// Authenticated, but not allowed to do this (403).
    #[error("{0}")]
    Forbidden(String),
    /// The thing does not exist, or is not the caller's to see (404).
    #[error("{0}")]
    NotFound(String),
    /// No route has this path (404, problem type `no-route`, so a client can tell it from
    /// a thing that does not exist).
    #[error("{0}")]
    NoRoute(String),
    /// The path exists but does not take this method (405).
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The domain refused the command; the message says why (409).
    #[error("{0}")]
    Rejected(String),
    /// Someone else changed the same thing at the same moment; retry (409).
    #[error("{0}")]
    Conflict(String),
    /// An Idempotency-Key was reused with a different request (422).
    #[error("{0}")]
    IdempotencyMismatch(String),
    /// The payment provider declined (402).
    #[error("{0}")]
    PaymentDeclined(String),
    /// Too many attempts; retry after the given seconds (429).
    #[error("{message}")]
    TooManyRequests {
        /// What was limited.
        message: String,
        /// Seconds until a retry can succeed.
        retry_after: u64,
    },
    /// The body is larger than allowed (413).
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The body is not `application/json` (415).
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// A dependency (payment provider) did not answer in time (504).
    #[error("{0}")]
    Timeout(String),
    /// The database cannot be reached right now; retry after the given seconds (503).
    #[error("{0}")]
    Unavailable(String),
    /// Anything unexpected; logged, never shown (500).
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// A 422 for a single field.
    pub fn field(field: impl Into<String>, message: impl ToString) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Validation(_) | Self::IdempotencyMismatch(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) | Self::NoRoute(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Rejected(_) | Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PaymentDeclined(_) => StatusCode::PAYMENT_REQUIRED,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad-request",
            Self::Validation(_) => "validation",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not-found",
            Self::NoRoute(_) => "no-route",
            Self::MethodNotAllowed(_) => "method-not-allowed",
            Self::Rejected(_) => "rejected",
            Self::Conflict(_) => "concurrent-change",
            Self::IdempotencyMismatch(_) => "idempotency-key-reused",
            Self::PaymentDeclined(_) => "payment-declined",
            Self::TooManyRequests { .. } => "too-many-requests",
            Self::PayloadTooLarge(_) => "payload-too-large",
            Self::UnsupportedMediaType(_) => "unsupported-media-type",
            Self::Timeout(_) => "timeout",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }

    /// The problem document for this error.
    pub fn problem(&self) -> Problem {
        let status = self.status();
        let detail = match self {
            Self::Internal(_) => "something went wrong on our side; it has been logged".into(),
            Self::Validation(errors) => errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        };
        Problem {
            kind: format!("https://boxoffice.example/problems/{}", self.slug()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            errors: match self {
                Self::Validation(errors) => errors.clone(),
                _ => Vec::new(),
            },
        }
    }
}

/// Seconds a client should wait before retrying while the database is unreachable.
pub const UNAVAILABLE_RETRY_AFTER: u64 = 2;

/// Whether `error` (or its source chain) is the database being unreachable: no pooled
/// connection in time, the socket failed, or the server went away mid-query.
pub fn is_database_unreachable(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(error) = next {
        if let Some(sqlx) = error.downcast_ref::<sqlx::Error>() {
            match sqlx {
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                    return true
                }
                // 57P01..57P03: administrator shutdown, crash shutdown, cannot connect now.
                sqlx::Error::Database(db) if db.code().is_some_and(|c| c.starts_with("57P")) => {
                    return true
                }
                _ => {}
            }
        }
        next = error.source();
    }
    false
}

impl ApiError {
    /// The 503 answered while the database is unreachable.
    pub fn database_unreachable() -> Self {
        Self::Unavailable("the database cannot be reached right now; retry shortly".into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // Wherever a storage error was wrapped, an outage is a 503 to retry, not a 500.
        let this = match self {
            Self::Internal(error) if is_database_unreachable(error.as_ref()) => {
                tracing::warn!(error = format!("{error:#}"), "database unreachable");
                Self::database_unreachable()
            }
            other => other,
        };
        this.render()
    }
}

impl ApiError {
    fn render(self) -> Response {
        if let Self::Internal(error) = &self {
            // Logged once, here, where it is handled.
            tracing::error!(error = format!("{error:#}"), "request failed");
        }
        let mut response = self.problem().into_response();
        if let Self::TooManyRequests { retry_after, .. } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        if let Self::Unavailable(_) = self {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(UNAVAILABLE_RETRY_AFTER),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_database_is_a_503_to_retry_wherever_it_was_wrapped() {
        let wrapped = anyhow::Error::new(sqlx::Error::PoolTimedOut).context("reading listings");
        let response = ApiError::Internal(wrapped).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "2");
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let response = ApiError::from(sqlx::Error::Io(refused)).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    }

    #[test]
    fn other_storage_failures_stay_internal() {
        let response = ApiError::from(sqlx::Error::RowNotFound).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
