//! Access tokens: the shared JWT keys and claims of `http_kit`, under their old path.

pub use http_kit::jwt::{Claims, Keys};
