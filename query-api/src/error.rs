//! The query API's failures: every shared [`ApiError`] (the one problem+json shape), plus
//! "the read model is behind the position asked for".

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use eventlog::LogError;
use http_kit::{ApiError, Problem};

/// Every way a read can fail.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// A failure the shared errors have a shape for (401, 403, 404, 422, 500, ...).
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The projections did not reach `after` in time (503 with `Retry-After: 1`).
    #[error("the read model has not caught up with that position yet")]
    Behind,
}

impl From<LogError> for QueryError {
    fn from(error: LogError) -> Self {
        Self::Api(error.into())
    }
}

impl From<sqlx::Error> for QueryError {
    fn from(error: sqlx::Error) -> Self {
        Self::Api(error.into())
    }
}

impl IntoResponse for QueryError {
    fn into_response(self) -> Response {
        match self {
            Self::Api(error) => error.into_response(),
            Self::Behind => {
                let problem = Problem {
                    kind: "https://boxoffice.example/problems/read-model-behind".into(),
                    title: "read model behind".into(),
                    status: 503,
                    detail: "the read model has not caught up with that position yet; retry".into(),
                    errors: Vec::new(),
                };
                let mut response = problem.into_response();
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(1));
                response
            }
        }
    }
}
