//! The command API's errors are the shared HTTP ones (`http_kit`); re-exported here so
//! handlers keep naming them `crate::error::...`.

pub use http_kit::error::ApiError;
pub use http_kit::problem::{FieldError, Fields, Problem};
