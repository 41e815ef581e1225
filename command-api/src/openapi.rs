//! The OpenAPI 3.1 contract of the command API, generated from the handlers' annotations
//! and served at `/api/openapi.json`, with a self-contained page at `/api/docs`.

pub mod bodies;
pub mod problems;

use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi};

use crate::error::{FieldError, Problem};
use crate::routes::{ConfirmBody, OpsApi};
use crate::state::AppState;

/// The frame of the document: its info, the shared components (problem documents,
/// security) and tags. The operations come from the router (`routes::api`), which
/// carries each route's documentation.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "boxoffice",
        version = env!("CARGO_PKG_VERSION"),
        description = "Commands of the boxoffice booking engine. Every failure is an \
            `application/problem+json` document (RFC 9457). POSTs take an optional \
            `Idempotency-Key`: a retry with the same key gets the first answer again.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    components(
        schemas(Problem, FieldError, ConfirmBody),
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
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "accounts", description = "Register, verify e-mail, change password; admin commands"),
        (name = "sessions", description = "Log in, refresh the access token, log out"),
        (name = "listings", description = "Create, publish and close listings (organizers)"),
        (name = "holds", description = "Hold seats, release them, confirm them into a booking"),
        (name = "bookings", description = "Cancel bookings"),
        (name = "waitlist", description = "Wait for sold-out seats and answer offers"),
        (name = "checkin", description = "Admit tickets at the door"),
        (name = "ops", description = "Liveness, readiness and metrics"),
    ),
)]
pub struct ApiDoc;

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

/// Declares the `bearer` scheme: the access token from `POST /api/v1/sessions`.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
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
    }
}

/// Serves the document at `/api/openapi.json` (`commands`, the command API's operations,
/// merged with the operational endpoints and `reads`, the query API's) and the page that
/// renders it at `/api/docs`.
pub fn router(
    commands: utoipa::openapi::OpenApi,
    reads: Option<utoipa::openapi::OpenApi>,
) -> Router<AppState> {
    let mut doc = commands;
    // The operational endpoints live outside `/api/v1`.
    doc.merge(OpsApi::openapi());
    if let Some(reads) = reads {
        doc.merge(reads);
    }
    let doc = std::sync::Arc::new(doc);
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
        Html(include_str!("openapi/docs.html")),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_reference_in_the_document_resolves() {
        let doc = serde_json::to_value(crate::routes::documentation()).unwrap();
        let mut refs = Vec::new();
        collect_refs(&doc, &mut refs);
        assert!(!refs.is_empty());
        for reference in refs {
            let pointer = reference.trim_start_matches('#');
            assert!(doc.pointer(pointer).is_some(), "dangling {reference}");
        }
    }

    fn collect_refs(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(r)) = map.get("$ref") {
                    out.push(r.clone());
                }
                map.values().for_each(|v| collect_refs(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
            _ => {}
        }
    }
}
