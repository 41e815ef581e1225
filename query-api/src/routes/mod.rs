//! Routers, built from functions, organised by resource then action; each action's file
//! carries its documentation (`utoipa_axum::routes!`), so the OpenAPI document lists
//! exactly the routes served.

pub(crate) mod admin;
pub(crate) mod analytics;
pub(crate) mod catalog;
pub(crate) mod listing;
pub(crate) mod me;
pub(crate) mod me_account;
pub(crate) mod organizer;
pub(crate) mod room;
pub(crate) mod stream;

use axum::Router;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoParams, PartialSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::state::QueryState;

/// Every read route under `/api/v1`, documented, on the query document's components and
/// tags.
fn documented() -> OpenApiRouter<QueryState> {
    let api = OpenApiRouter::new()
        .merge(catalog::routes())
        .merge(listing::routes())
        .merge(stream::routes())
        .merge(room::routes())
        .merge(me::routes())
        .merge(me_account::routes())
        .merge(organizer::routes())
        .merge(analytics::routes())
        .merge(admin::routes());
    OpenApiRouter::with_openapi(crate::openapi::components()).nest("/api/v1", api)
}

/// The read routes under `/api/v1` with `state` applied (no layers), and the OpenAPI
/// document of exactly those paths (with the components and tags they refer to).
pub fn api(state: QueryState) -> (Router, OpenApi) {
    let (router, doc) = documented().split_for_parts();
    (router.with_state(state), doc)
}

/// The OpenAPI document of every read route.
pub(crate) fn doc() -> OpenApi {
    documented().into_openapi()
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
