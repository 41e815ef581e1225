//! A whole app from parts: each service's routes (state applied) and its OpenAPI part,
//! the ops router, one document served for all of them, and the shared layers.

use axum::Router;
use utoipa::openapi::{Info, OpenApi};

use crate::openapi;

/// What the composed app needs besides its parts.
#[derive(Clone)]
pub struct AppConfig {
    /// The `info` of the served document (title, version, description, licence).
    pub info: Info,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
}

/// Every part's routes plus `ops` and the documentation routes, behind the shared layers;
/// the served document is every part's document merged with the ops operations and the
/// shared components (see [`openapi::document`]).
pub fn app(
    parts: impl IntoIterator<Item = (Router, OpenApi)>,
    ops: Router,
    config: AppConfig,
) -> Router {
    let mut router = Router::new();
    let mut docs = Vec::new();
    for (routes, doc) in parts {
        router = router.merge(routes);
        docs.push(doc);
    }
    let doc = openapi::document(config.info, docs);
    let router = router.merge(ops).merge(openapi::router(doc));
    crate::layers::apply(router, config.body_limit)
}
