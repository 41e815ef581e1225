//! Extractors: JSON bodies with problem+json rejections, the authenticated user, and the
//! Idempotency-Key header.

mod auth;
mod idempotency;
pub mod int32;
pub(crate) mod json;

pub use auth::{AuthUser, MaybeUser, SUSPENDED};
pub use idempotency::IdempotencyKey;
pub use int32::{int32, int32_opt};
pub use json::ApiJson;
