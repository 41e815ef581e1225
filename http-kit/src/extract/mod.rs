//! Extractors: JSON bodies with problem+json rejections, the authenticated user, and the
//! Idempotency-Key header.

mod auth;
mod idempotency;
mod json;

pub use auth::{AuthUser, MaybeUser, SUSPENDED};
pub use idempotency::IdempotencyKey;
pub use json::ApiJson;
