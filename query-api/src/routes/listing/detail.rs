//! `GET /listings/{listing_id}`: a listing with its ticket types and seat counts.

use axum::extract::{Path, State};
use axum::Json;
use http_kit::extract::MaybeUser;
use http_kit::openapi::problems;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{visible, ListingDetail};
use crate::error::QueryError;
use crate::params::Params;
use crate::routes::AfterParam;
use crate::state::QueryState;

pub(super) fn routes() -> OpenApiRouter<QueryState> {
    OpenApiRouter::new().routes(routes!(detail))
}

/// A listing with its ticket types and seat counts.
///
/// Drafts are visible only to their organizer and admins (404 for everyone else).
#[utoipa::path(
    get,
    path = "/listings/{listing_id}",
    tag = "catalog",
    params(("listing_id" = Uuid, Path, description = "The listing"), AfterParam),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The listing", body = ListingDetail),
        (status = 401, response = problems::Unauthorized),
        (status = 404, response = problems::NotFound),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = crate::routes::Behind),
        (status = 500, response = problems::Internal),
    )
)]
async fn detail(
    State(state): State<QueryState>,
    MaybeUser(actor): MaybeUser,
    Path(listing): Path<String>,
    params: Params,
) -> Result<Json<ListingDetail>, QueryError> {
    let (detail, _) = visible(&state, &params, &listing, actor.as_ref()).await?;
    Ok(Json(detail))
}
