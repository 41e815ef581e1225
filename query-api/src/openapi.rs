//! The query API's part of the OpenAPI contract; `http_kit::app` merges it with the other
//! parts into the served document.

use http_kit::openapi::problems;
use http_kit::{FieldError, Problem};
use utoipa::OpenApi;

use crate::routes::Behind;

/// The shapes every read operation shares; the operations come with their routes.
#[derive(OpenApi)]
#[openapi(
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

/// The document's shared components and tags, which the routes' operations are added to.
pub(crate) fn components() -> utoipa::openapi::OpenApi {
    QueryDoc::openapi()
}

/// The OpenAPI document of every read route (paths under `/api/v1`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    crate::routes::doc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_resolves_alone_and_in_the_served_document() {
        let info = utoipa::openapi::Info::new("boxoffice", "1");
        let served = http_kit::openapi::document(info, [openapi()]);
        for doc in [openapi(), served] {
            let checked = http_kit::openapi::check_refs(&doc);
            assert!(matches!(checked, Ok(n) if n > 0), "{checked:?}");
        }
    }

    #[test]
    fn every_read_is_a_documented_get_under_api_v1_that_takes_after() {
        let doc = serde_json::to_value(openapi()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        assert_eq!(paths.len(), 16);
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
