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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
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
        response
    }
}
