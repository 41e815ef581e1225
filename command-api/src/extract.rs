//! Extractors (JSON bodies, the authenticated user, `Idempotency-Key`) from `http_kit`,
//! re-exported under their old path.

pub use http_kit::extract::{ApiJson, AuthUser, IdempotencyKey, MaybeUser};
