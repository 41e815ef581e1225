//! A whole app from parts: each service's routes (state applied) and its OpenAPI part,
//! the ops router, one document served for all of them, and the shared layers. Paths no
//! part routes are a problem+json 404 (or the web app's, outside the server's paths), a
//! known path with the wrong method a problem+json 405.

use axum::extract::Request;
use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;
use utoipa::openapi::{Info, OpenApi};

use crate::error::ApiError;
use crate::openapi;

/// Paths that belong to the server, never to a web app: unknown ones stay a problem 404.
pub const SERVER_PATHS: &[&str] = &["/api", "/health", "/ready", "/metrics"];

/// What the composed app needs besides its parts.
#[derive(Clone)]
pub struct AppConfig {
    /// The `info` of the served document (title, version, description, licence).
    pub info: Info,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// What answers paths outside [`SERVER_PATHS`] that no part routes (the web app);
    /// `None`: a problem+json 404.
    pub fallback: Option<Router>,
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
    // After every route is in: axum gives the 405 handler to the routes present.
    let router = router
        .merge(ops)
        .merge(openapi::router(doc))
        .method_not_allowed_fallback(method_not_allowed);
    let router = match config.fallback {
        Some(web) => router.fallback(move |request: Request| outside_server(web.clone(), request)),
        None => router.fallback(not_found),
    };
    crate::layers::apply(router, config.body_limit)
}

/// Whether `path` is one of [`SERVER_PATHS`] or below one.
pub fn is_server_path(path: &str) -> bool {
    SERVER_PATHS.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// The 404 problem for a path nothing routes.
async fn not_found(uri: Uri) -> ApiError {
    ApiError::NoRoute(format!("there is nothing at {}", uri.path()))
}

/// The 405 problem for a known path asked with a method it does not take (axum adds
/// `Allow`).
async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{} does not take {method}", uri.path()))
}

/// The web app for a path outside the server's, else the 404 problem.
async fn outside_server(web: Router, request: Request) -> Response {
    if is_server_path(request.uri().path()) {
        return not_found(request.uri().clone()).await.into_response();
    }
    match web.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{header, StatusCode};
    use axum::routing::get;

    fn config(fallback: Option<Router>) -> AppConfig {
        AppConfig {
            info: Info::new("t", "1"),
            body_limit: 1024,
            fallback,
        }
    }

    fn part() -> (Router, OpenApi) {
        let routes = Router::new().route("/api/v1/things", get(|| async { "things" }));
        (
            routes,
            OpenApi::new(Info::new("p", "1"), utoipa::openapi::Paths::new()),
        )
    }

    async fn call(app: &Router, method: Method, path: &str) -> (StatusCode, String, String) {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::empty())
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let kind = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, kind, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn an_unknown_path_is_a_problem_404() {
        let app = app([part()], Router::new(), config(None));
        for path in ["/api/v1/nothing", "/nowhere", "/"] {
            let (status, kind, body) = call(&app, Method::GET, path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(kind, "application/problem+json", "{path}");
            assert!(body.contains("problems/no-route"), "{body}");
        }
    }

    #[tokio::test]
    async fn a_known_path_with_the_wrong_method_is_a_problem_405() {
        let app = app([part()], Router::new(), config(None));
        for path in ["/api/v1/things", "/api/openapi.json"] {
            let (status, kind, body) = call(&app, Method::DELETE, path).await;
            assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{path}");
            assert_eq!(kind, "application/problem+json", "{path}");
            assert!(body.contains("\"status\":405"), "{body}");
        }
    }

    #[tokio::test]
    async fn the_web_app_answers_outside_the_server_paths_only() {
        let web = Router::new().fallback(|| async { "the app" });
        let app = app([part()], Router::new(), config(Some(web)));
        let (status, _, body) = call(&app, Method::GET, "/events/42").await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "the app"));
        for path in [
            "/api/v1/nothing",
            "/api",
            "/health/x",
            "/metrics/y",
            "/ready/z",
        ] {
            let (status, kind, _) = call(&app, Method::GET, path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(kind, "application/problem+json", "{path}");
        }
        let (status, _, _) = call(&app, Method::GET, "/api/v1/things").await;
        assert_eq!(status, StatusCode::OK);
    }

    #[test]
    fn server_paths_are_the_prefixes_and_below() {
        assert!(is_server_path("/api"));
        assert!(is_server_path("/api/v1/x"));
        assert!(!is_server_path("/apiary"));
        assert!(!is_server_path("/"));
    }
}
