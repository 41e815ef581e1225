//! `GET /listings/{listing_id}`: a listing with its ticket types and seat counts.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http_kit::extract::MaybeUser;
use http_kit::openapi::problems;
use http_kit::ApiError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{load, visible, ListingDetail};
use crate::access::path_id;
use crate::cache::Query;
use crate::error::QueryError;
use crate::params::{Params, Reader};
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
) -> Result<Response, QueryError> {
    if actor.is_some() {
        // What a signed-in caller sees may depend on who they are (drafts): never cached.
        let (detail, _) = visible(&state, &params, &listing, actor.as_ref()).await?;
        return Ok(Json(detail).into_response());
    }
    let mut read = Reader::new(&params);
    let after = read.after();
    read.finish()?;
    state.caught_up(after, &["catalog"]).await?;
    let id = path_id(&listing, "listing")?;
    let public = async {
        match load(&state, &id, None).await? {
            Some((detail, _)) => Ok(detail),
            None => Err(ApiError::NotFound(format!("no listing {listing}")).into()),
        }
    };
    state.cache.answer(Query::Detail(id.clone()), public).await
}
