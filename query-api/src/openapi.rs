//! The query API's part of the OpenAPI contract, merged into the command API's document.

use command_api::error::{FieldError, Problem};
use command_api::openapi::problems;
use utoipa::OpenApi;

use crate::routes::{
    AdminApi, AnalyticsApi, Behind, CatalogApi, ListingApi, MeApi, OrganizerApi, StreamApi,
};

/// Every read operation and the shapes it answers with.
#[derive(OpenApi)]
#[openapi(
    nest(
        (path = "/api/v1", api = CatalogApi),
        (path = "/api/v1", api = ListingApi),
        (path = "/api/v1", api = StreamApi),
        (path = "/api/v1", api = MeApi),
        (path = "/api/v1", api = crate::routes::me_account::MeAccountApi),
        (path = "/api/v1", api = OrganizerApi),
        (path = "/api/v1", api = AnalyticsApi),
        (path = "/api/v1", api = AdminApi),
    ),
    components(
        schemas(Problem, FieldError),
        responses(
            problems::Unauthorized,
            problems::Forbidden,
            problems::NotFound,
            problems::Unprocessable,
            problems::Internal,
            Behind,
        ),
    ),
    tags(
        (name = "catalog", description = "Search and read published listings and their availability"),
        (name = "me", description = "The caller's holds, bookings and waitlist entries"),
        (name = "organizer", description = "Attendees and sales figures of an organizer's listings"),
        (name = "admin", description = "Platform-wide figures (admins)"),
    ),
)]
struct QueryDoc;

/// The OpenAPI document of every read route (paths under `/api/v1`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    QueryDoc::openapi()
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn every_reference_resolves_alone_and_merged_into_the_command_document() {
        let mut merged = command_api::openapi::ApiDoc::openapi();
        merged.merge(openapi());
        for doc in [openapi(), merged] {
            let doc = serde_json::to_value(doc).unwrap();
            let mut refs = Vec::new();
            collect_refs(&doc, &mut refs);
            assert!(!refs.is_empty());
            for reference in refs {
                let pointer = reference.trim_start_matches('#');
                assert!(doc.pointer(pointer).is_some(), "dangling {reference}");
            }
        }
    }

    #[test]
    fn every_read_is_a_documented_get_under_api_v1_that_takes_after() {
        let doc = serde_json::to_value(openapi()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        assert_eq!(paths.len(), 14);
        for (path, item) in paths {
            assert!(path.starts_with("/api/v1/"), "{path}");
            let op = &item["get"];
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{path}"
            );
            assert!(op["responses"]["200"].is_object(), "{path}");
            let takes_after = op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "after" && p["in"] == "query");
            assert!(takes_after, "{path} takes after");
        }
    }
}
