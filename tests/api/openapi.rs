//! The served OpenAPI contract: it is 3.1, describes every route the API serves with the
//! right method, its schemas match what the handlers accept, and `/api/docs` renders it.

use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::TestApp;

api_test!(
    the_document_is_openapi_3_1_and_lists_every_v1_route_with_its_method,
    every_documented_operation_is_served,
    the_hold_request_schema_requires_a_ticket_type_and_seats,
    every_client_error_is_described_as_a_problem_document,
    the_docs_page_is_self_contained_html_that_loads_the_document,
    every_operation_has_its_own_operation_id,
);

/// Every route the router serves under `/api/v1`: `method path-template` followed by
/// `bearer` when it takes an access token and `keyed` when it takes an Idempotency-Key.
const V1_ROUTES: &[&str] = &[
    "get /api/v1/listings",
    "get /api/v1/listings/{listing_id}",
    "get /api/v1/listings/{listing_id}/availability",
    "get /api/v1/listings/{listing_id}/availability/stream",
    "get /api/v1/listings/{listing_id}/waiting_room/me bearer",
    "get /api/v1/listings/{listing_id}/waiting_room/me/stream bearer",
    "get /api/v1/me bearer",
    "get /api/v1/me/holds bearer",
    "get /api/v1/me/bookings bearer",
    "get /api/v1/me/bookings/{booking_id} bearer",
    "get /api/v1/me/waitlist bearer",
    "get /api/v1/organizer/listings bearer",
    "get /api/v1/organizer/analytics bearer",
    "get /api/v1/listings/{listing_id}/attendees bearer",
    "get /api/v1/listings/{listing_id}/analytics bearer",
    "get /api/v1/admin/overview bearer",
    "post /api/v1/accounts",
    "post /api/v1/accounts/{user_id}/verify",
    "post /api/v1/accounts/me/password bearer",
    "post /api/v1/accounts/{user_id}/role bearer keyed",
    "post /api/v1/accounts/{user_id}/suspend bearer keyed",
    "post /api/v1/accounts/{user_id}/reinstate bearer keyed",
    "post /api/v1/sessions",
    "post /api/v1/sessions/refresh",
    "post /api/v1/sessions/logout",
    "post /api/v1/listings bearer keyed",
    "post /api/v1/listings/{listing_id}/publish bearer keyed",
    "post /api/v1/listings/{listing_id}/close bearer keyed",
    "post /api/v1/listings/{listing_id}/details bearer keyed",
    "post /api/v1/listings/{listing_id}/ticket_types bearer keyed",
    "post /api/v1/listings/{listing_id}/ticket_types/{ticket_type_id}/capacity bearer keyed",
    "post /api/v1/listings/{listing_id}/buyer_limits bearer keyed",
    "post /api/v1/listings/{listing_id}/waiting_room bearer keyed",
    "post /api/v1/listings/{listing_id}/waiting_room/join bearer keyed",
    "post /api/v1/listings/{listing_id}/cancel bearer keyed",
    "post /api/v1/listings/{listing_id}/holds bearer keyed",
    "post /api/v1/listings/{listing_id}/holds/{hold_id}/release bearer keyed",
    "post /api/v1/listings/{listing_id}/holds/{hold_id}/confirm bearer keyed",
    "post /api/v1/bookings/{booking_id}/cancel bearer keyed",
    "post /api/v1/listings/{listing_id}/waitlist bearer keyed",
    "post /api/v1/listings/{listing_id}/waitlist/{entry_id}/leave bearer keyed",
    "post /api/v1/listings/{listing_id}/waitlist/{entry_id}/accept bearer keyed",
    "post /api/v1/listings/{listing_id}/waitlist/{entry_id}/decline bearer keyed",
    "post /api/v1/checkins bearer keyed",
    "post /api/v1/checkins/undo bearer keyed",
];

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options"];

async fn document(app: &TestApp) -> Value {
    let (status, doc) = app.get("/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    doc
}

fn content_type(response: &reqwest::Response) -> String {
    let value = response
        .headers()
        .get(CONTENT_TYPE)
        .expect("a content type");
    value.to_str().unwrap().to_owned()
}

/// Every (method, path) the document describes.
fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if item.get(*method).is_some() {
                found.push((method.to_string(), path.clone()));
            }
        }
    }
    found
}

/// Follows a local `$ref` inside `doc`.
fn resolve<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let target = doc
                .pointer(reference.trim_start_matches('#'))
                .unwrap_or_else(|| panic!("dangling {reference}"));
            resolve(doc, target)
        }
        None => node,
    }
}

async fn the_document_is_openapi_3_1_and_lists_every_v1_route_with_its_method(app: TestApp) {
    let response = app.http.get(app.at("/api/openapi.json")).send().await;
    let content_type = content_type(&response.unwrap());
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let doc = document(&app).await;
    let version = doc["openapi"].as_str().unwrap();
    assert!(version.starts_with("3.1."), "openapi {version}");
    assert_eq!(doc["info"]["title"], "boxoffice");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );

    let mut documented: Vec<(String, String)> = operations(&doc)
        .into_iter()
        .filter(|(_, path)| path.starts_with("/api/v1/"))
        .collect();
    let mut served: Vec<(String, String)> = V1_ROUTES
        .iter()
        .map(|route| {
            let mut words = route.split(' ');
            (
                words.next().unwrap().to_owned(),
                words.next().unwrap().to_owned(),
            )
        })
        .collect();
    documented.sort();
    served.sort();
    assert_eq!(documented, served);

    for route in V1_ROUTES {
        let words: Vec<&str> = route.split(' ').collect();
        let (method, path) = (words[0], words[1]);
        let op = &doc["paths"][path][method];
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{route} has no summary"
        );
        let bearer = op["security"][0].get("bearer").is_some();
        assert_eq!(bearer, words.contains(&"bearer"), "{route}: security");
        let names: Vec<&str> = op["parameters"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|p| resolve(&doc, p)["name"].as_str().unwrap())
            .collect();
        let keyed = names.contains(&"Idempotency-Key");
        assert_eq!(keyed, words.contains(&"keyed"), "{route}: {names:?}");
        let success = op["responses"]
            .as_object()
            .unwrap()
            .keys()
            .any(|status| status.starts_with('2'));
        assert!(success, "{route} has no success response");
    }
}

async fn every_operation_has_its_own_operation_id(app: TestApp) {
    // Generated clients (the web app's types among them) key operations by this id.
    let doc = document(&app).await;
    let mut seen = std::collections::HashMap::new();
    for (method, path) in operations(&doc) {
        let id = doc["paths"][&path][&method]["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path} has no operationId"))
            .to_owned();
        if let Some(other) = seen.insert(id.clone(), format!("{method} {path}")) {
            panic!("{method} {path} and {other} share the operationId {id:?}");
        }
    }
}

async fn every_documented_operation_is_served(app: TestApp) {
    let doc = document(&app).await;
    let id = uuid::Uuid::now_v7().to_string();
    for (method, template) in operations(&doc) {
        let path = template
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    id.as_str()
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let response = app
            .http
            .request(method.clone(), app.at(&path))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let problem = response
            .headers()
            .get(CONTENT_TYPE)
            .is_some_and(|v| v == "application/problem+json");
        let kind = response
            .json::<Value>()
            .await
            .map(|p| p["type"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_default();
        // The router's own 404/405 are problems of their own types; a handler's 404 is a
        // `not-found` problem.
        let unrouted =
            matches!(
                status,
                StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
            ) && (!problem || kind.ends_with("/no-route") || kind.ends_with("/method-not-allowed"));
        assert!(
            !unrouted,
            "{method} {path} is documented but not served ({status})"
        );
    }
}

async fn the_hold_request_schema_requires_a_ticket_type_and_seats(app: TestApp) {
    let doc = document(&app).await;
    let op = &doc["paths"]["/api/v1/listings/{listing_id}/holds"]["post"];
    let body = resolve(&doc, &op["requestBody"]);
    assert_eq!(body["required"], true);
    let schema = resolve(&doc, &body["content"]["application/json"]["schema"]);
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(required.contains(&"ticket_type_id"), "{required:?}");
    assert!(required.contains(&"seats"), "{required:?}");
    // deny_unknown_fields is part of the contract.
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["properties"]["ticket_type_id"]["format"], "uuid");
    let created = resolve(&doc, &op["responses"]["201"]);
    let created = resolve(&doc, &created["content"]["application/json"]["schema"]);
    for field in ["hold_id", "expires_at", "position"] {
        assert!(
            created["properties"].get(field).is_some(),
            "201 lacks {field}"
        );
    }
}

async fn every_client_error_is_described_as_a_problem_document(app: TestApp) {
    let doc = document(&app).await;
    let problem = &doc["components"]["schemas"]["Problem"];
    for field in ["type", "title", "status", "detail"] {
        assert!(
            problem["required"]
                .as_array()
                .unwrap()
                .contains(&field.into()),
            "Problem does not require {field}"
        );
    }
    for (method, path) in operations(&doc) {
        let responses = doc["paths"][&path][&method]["responses"]
            .as_object()
            .unwrap();
        for (status, response) in responses {
            if !status.starts_with('4') {
                continue;
            }
            let response = resolve(&doc, response);
            let schema = &response["content"]["application/problem+json"]["schema"];
            assert_eq!(
                schema["$ref"], "#/components/schemas/Problem",
                "{method} {path} {status}"
            );
        }
    }
}

async fn the_docs_page_is_self_contained_html_that_loads_the_document(app: TestApp) {
    let response = app.http.get(app.at("/api/docs")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = content_type(&response);
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let html = response.text().await.unwrap();
    assert!(html.contains("/api/openapi.json"));
    // No CDN: the page must work with no internet access.
    assert!(!html.contains("<script src"), "external script");
    assert!(!html.contains("<link"), "external stylesheet");
}
