//! The HTTP pieces every boxoffice service stands on: problem+json errors, extractors
//! (JSON bodies, the authenticated user, `Idempotency-Key`), JWT keys, the ops endpoints,
//! metrics, the shared layers, the OpenAPI document, and serving. A service crate exposes
//! `api(state) -> (Router, OpenApi)`; [`app`] composes the parts into one app.

pub mod access;
pub mod admission;
mod app;
mod convert;
pub mod error;
pub mod extract;
pub mod jwt;
pub mod layers;
pub mod metrics;
pub mod openapi;
pub mod ops;
pub mod problem;
mod serve;

pub use access::Access;
pub use admission::AdmissionTokenError;
pub use app::{app, is_server_path, AppConfig, SERVER_PATHS};
pub use basics::{clock, Clock, Secret};
pub use error::ApiError;
pub use jwt::{Claims, Keys};
pub use ops::{Ops, ReadinessCheck};
pub use problem::{FieldError, Fields, Problem};
pub use serve::{raise_fd_limit, serve, serve_with, ServeConfig};
