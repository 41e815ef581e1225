//! A command's success on the wire: its status and its typed reply.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// A typed reply with its status (`201 Created` or `200 OK`).
#[derive(Debug, Clone)]
pub(crate) struct Reply<T> {
    pub status: StatusCode,
    pub body: T,
}

impl<T> Reply<T> {
    /// `201 Created` with `body`.
    pub fn created(body: T) -> Self {
        Self {
            status: StatusCode::CREATED,
            body,
        }
    }

    /// `200 OK` with `body`.
    pub fn ok(body: T) -> Self {
        Self {
            status: StatusCode::OK,
            body,
        }
    }
}

impl<T: Serialize> IntoResponse for Reply<T> {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}
