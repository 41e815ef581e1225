//! Routers, built from functions; one file per resource.

pub(crate) mod admin;
pub(crate) mod analytics;
pub(crate) mod catalog;
pub(crate) mod listing;
pub(crate) mod me;
pub(crate) mod me_account;
pub(crate) mod organizer;
pub(crate) mod stream;

use axum::Router;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::{Content, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoParams, PartialSchema};

use crate::state::QueryState;

pub(crate) use {
    admin::AdminApi, analytics::AnalyticsApi, catalog::CatalogApi, listing::ListingApi, me::MeApi,
    organizer::OrganizerApi, stream::StreamApi,
};

/// Every read route under `/api/v1` with `state` applied (no layers), and the OpenAPI
/// document of exactly those routes.
pub fn api(state: QueryState) -> (Router, utoipa::openapi::OpenApi) {
    (router(state), crate::openapi::openapi())
}

/// Every read route, nested under `/api/v1`, with its state applied.
fn router(state: QueryState) -> Router {
    let api = Router::new()
        .merge(catalog::router())
        .merge(listing::router())
        .merge(stream::router())
        .merge(me::router())
        .merge(me_account::router())
        .merge(organizer::router())
        .merge(analytics::router())
        .merge(admin::router());
    Router::new().nest("/api/v1", api).with_state(state)
}

/// The read-your-writes parameter every read takes.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the query string; handlers read it with the others
pub(crate) struct AfterParam {
    /// A log `position` a command returned: the answer waits (up to 2 s) until the read
    /// model has applied it, so it shows that write; 503 when it does not get there.
    #[param(minimum = 0)]
    after: Option<i64>,
}

/// The read model has not applied the `after` position yet; retry after `Retry-After`.
pub(crate) struct Behind;

impl<'r> utoipa::ToResponse<'r> for Behind {
    fn response() -> (&'r str, RefOr<Response>) {
        let header = HeaderBuilder::new()
            .schema(u64::schema())
            .description(Some("Seconds until a retry can succeed"))
            .build();
        let response = ResponseBuilder::new()
            .description("The read model has not caught up with `after` yet; retry shortly.")
            .content(
                "application/problem+json",
                Content::new(Some(Ref::from_schema_name("Problem"))),
            )
            .header("Retry-After", header)
            .build();
        ("ReadModelBehind", response.into())
    }
}
