//! Serves the built web app (`web/dist`): hashed assets cached for a year, `index.html`
//! for every other path outside the API so deep links work.

use std::path::Path;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// Paths that belong to the server, never to the app: unknown ones stay a 404.
const SERVER_PATHS: &[&str] = &["/api", "/health", "/ready", "/metrics"];

/// The app's routes, to merge into the API's router; empty (with a warning) when `dir`
/// holds no built app.
pub fn router(dir: &Path) -> Router {
    let index = dir.join("index.html");
    if !index.is_file() {
        tracing::warn!(web.dir = %dir.display(), "no built web app there (run `make run` or `npm run build` in web/): serving the API only");
        return Router::new();
    }
    // Vite puts a content hash in every asset's name, so a cached copy is never stale.
    let assets = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ))
        .service(ServeDir::new(dir.join("assets")));
    // index.html and the few unhashed files must be revalidated, or a deploy goes unseen.
    let pages = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .service(ServeDir::new(dir).fallback(ServeFile::new(index)));
    Router::new()
        .nest_service("/assets", assets)
        .fallback(move |request: Request| app_page(pages.clone(), request))
}

/// A file of the app, or index.html; a 404 for an unknown server path.
async fn app_page<S>(pages: S, request: Request) -> Response
where
    S: tower::Service<Request, Error = std::convert::Infallible> + Send,
    S::Response: IntoResponse,
    S::Future: Send,
{
    let path = request.uri().path();
    let server_path = SERVER_PATHS
        .iter()
        .any(|prefix| path == *prefix || path.starts_with(&format!("{prefix}/")));
    if server_path {
        return StatusCode::NOT_FOUND.into_response();
    }
    match pages.oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn built_app() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<!doctype html><p>app</p>").unwrap();
        std::fs::create_dir(dir.path().join("assets")).unwrap();
        std::fs::write(dir.path().join("assets/main-abc123.js"), "console.log(1)").unwrap();
        dir
    }

    async fn get(router: &Router, path: &str) -> (StatusCode, Option<String>, String) {
        let request = Request::get(path).body(Body::empty()).unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let cache = response
            .headers()
            .get(header::CACHE_CONTROL)
            .map(|v| v.to_str().unwrap().to_owned());
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, cache, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn a_deep_link_gets_the_app_and_an_asset_is_cached_for_a_year() {
        let dir = built_app();
        let router = router(dir.path());
        let (status, cache, body) = get(&router, "/listings/0190-abc").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(cache.as_deref(), Some("no-cache"));
        assert!(body.contains("<p>app</p>"), "{body}");
        let (status, cache, body) = get(&router, "/assets/main-abc123.js").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            cache.as_deref(),
            Some("public, max-age=31536000, immutable")
        );
        assert_eq!(body, "console.log(1)");
    }

    #[tokio::test]
    async fn server_paths_and_missing_assets_never_fall_back_to_the_app() {
        let dir = built_app();
        let router = router(dir.path());
        for path in [
            "/api/v1/nope",
            "/api",
            "/health",
            "/ready",
            "/metrics/x",
            "/assets/gone.js",
        ] {
            let (status, _, body) = get(&router, path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert!(!body.contains("<p>app</p>"), "{path} served the app");
        }
    }

    #[tokio::test]
    async fn a_missing_build_serves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let router = router(dir.path());
        let (status, _, _) = get(&router, "/").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}
