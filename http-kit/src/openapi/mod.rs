//! The OpenAPI 3.1 contract: the problem responses and schemas every service refers to,
//! the bearer scheme, the `Idempotency-Key` parameter, and the one document composed from
//! every service's part, served at `/api/openapi.json` with a page at `/api/docs`.

pub mod problems;

use std::sync::Arc;

use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Info, OpenApi};
use utoipa::IntoParams;

use crate::ops::OpsApi;
use crate::problem::{FieldError, Problem};

/// The shared components: the problem schemas and every problem response.
#[derive(utoipa::OpenApi)]
#[openapi(components(
    schemas(Problem, FieldError),
    responses(
        problems::BadRequest,
        problems::Unauthorized,
        problems::PaymentRequired,
        problems::Forbidden,
        problems::NotFound,
        problems::Conflict,
        problems::PayloadTooLarge,
        problems::UnsupportedMediaType,
        problems::Unprocessable,
        problems::TooManyRequests,
        problems::Internal,
        problems::GatewayTimeout,
    ),
))]
pub struct Components;

/// The optional `Idempotency-Key` header every POST takes.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyKeyHeader {
    /// 1-255 visible ASCII characters, e.g. a UUID; a retry with the same key and body
    /// gets the first answer again (with `Idempotent-Replayed: true`).
    #[param(
        rename = "Idempotency-Key",
        value_type = String,
        required = false,
        min_length = 1,
        max_length = 255
    )]
    pub idempotency_key: Option<String>,
}

/// The whole document: `info`, the services' `parts` in order, the operational
/// endpoints, the shared components and the `bearer` scheme (the access token from
/// `POST /api/v1/sessions`).
pub fn document(info: Info, parts: impl IntoIterator<Item = OpenApi>) -> OpenApi {
    let mut doc = OpenApi::new(info, utoipa::openapi::Paths::new());
    for part in parts {
        doc.merge(part);
    }
    doc.merge(<OpsApi as utoipa::OpenApi>::openapi());
    doc.merge(<Components as utoipa::OpenApi>::openapi());
    document_unsupported_media_type(&mut doc);
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some("The access token returned when logging in"))
                .build(),
        ),
    );
    doc
}

/// Every operation that takes a body can answer 415 (the body is not
/// `application/json`): said once here rather than on every service's operation.
fn document_unsupported_media_type(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for operation in operations.into_iter().flatten() {
            if operation.request_body.is_some() {
                operation
                    .responses
                    .responses
                    .entry("415".to_owned())
                    .or_insert_with(|| {
                        utoipa::openapi::Ref::from_response_name("UnsupportedMediaType").into()
                    });
            }
        }
    }
}

/// Serves `doc` at `/api/openapi.json` and the page that renders it at `/api/docs`.
pub fn router(doc: OpenApi) -> Router {
    let doc = Arc::new(doc);
    Router::new()
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .route("/api/docs", get(docs))
}

async fn docs() -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "no-cache")],
        Html(include_str!("docs.html")),
    )
}

/// Checks that every `$ref` in `doc` resolves inside it: the number of references, or
/// the ones that dangle (for the services' tests of their parts).
pub fn check_refs(doc: &OpenApi) -> Result<usize, Vec<String>> {
    fn collect(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(r)) = map.get("$ref") {
                    out.push(r.clone());
                }
                map.values().for_each(|v| collect(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    let json = serde_json::to_value(doc).unwrap_or_default();
    let mut refs = Vec::new();
    collect(&json, &mut refs);
    let count = refs.len();
    refs.retain(|r| json.pointer(r.trim_start_matches('#')).is_none());
    if refs.is_empty() {
        Ok(count)
    } else {
        Err(refs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bare_document_has_the_ops_paths_the_problems_and_the_bearer_scheme() {
        let doc = document(Info::new("boxoffice", "1"), []);
        let json = serde_json::to_value(&doc).unwrap();
        assert_eq!(json["info"]["title"], "boxoffice");
        for path in ["/health", "/ready", "/metrics"] {
            assert!(json["paths"][path]["get"].is_object(), "{path}");
        }
        assert!(json["components"]["responses"]["NotFound"].is_object());
        assert_eq!(
            json["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
        assert!(matches!(check_refs(&doc), Ok(n) if n > 0));
    }

    #[test]
    fn every_operation_taking_a_body_documents_415() {
        let part: OpenApi = serde_json::from_value(serde_json::json!({
            "openapi": "3.1.0",
            "info": {"title": "p", "version": "1"},
            "paths": {"/api/v1/things": {
                "post": {"requestBody": {"content": {"application/json": {}}},
                         "responses": {"201": {"description": "made"}}},
                "get": {"responses": {"200": {"description": "listed"}}}
            }}
        }))
        .unwrap();
        let doc = document(Info::new("boxoffice", "1"), [part]);
        let json = serde_json::to_value(&doc).unwrap();
        let thing = &json["paths"]["/api/v1/things"];
        assert_eq!(
            thing["post"]["responses"]["415"]["$ref"],
            "#/components/responses/UnsupportedMediaType"
        );
        assert!(thing["get"]["responses"]["415"].is_null());
        assert!(check_refs(&doc).is_ok());
    }

    #[test]
    fn a_reference_to_a_missing_component_is_reported() {
        let mut doc = document(Info::new("boxoffice", "1"), []);
        doc.components.as_mut().unwrap().schemas.clear();
        let dangling = check_refs(&doc).unwrap_err();
        assert!(dangling.contains(&"#/components/schemas/Problem".to_owned()));
    }
}
