//! `GET /organizer/analytics`: an organizer's totals and best sellers.

use axum::extract::State;
use axum::Json;
use http_kit::extract::AuthUser;
use http_kit::openapi::problems;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{top_listings, totals, CurrencyTotals, TopListing};
use crate::access::conn;
use crate::error::QueryError;
use crate::params::{Params, Reader};
use crate::routes::organizer::organizer_or_admin;
use crate::routes::AfterParam;
use crate::state::QueryState;

pub(super) fn routes() -> OpenApiRouter<QueryState> {
    OpenApiRouter::new().routes(routes!(organizer_analytics))
}

/// An organizer's figures over all their listings.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizerAnalytics {
    /// Totals per currency.
    pub totals: Vec<CurrencyTotals>,
    /// The listings that took the most money.
    pub top_listings: Vec<TopListing>,
}

/// The caller's totals per currency over all their listings, and their best sellers.
///
/// For organizers (an admin sees the whole platform); 403 for anyone else.
#[utoipa::path(
    get,
    path = "/organizer/analytics",
    tag = "organizer",
    params(
        ("top" = Option<i64>, Query, minimum = 1, maximum = 50, description = "How many top listings, 1-50 (default 5)"),
        AfterParam,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The organizer's figures", body = OrganizerAnalytics),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = crate::routes::Behind),
        (status = 500, response = problems::Internal),
    )
)]
async fn organizer_analytics(
    State(state): State<QueryState>,
    AuthUser(actor): AuthUser,
    params: Params,
) -> Result<Json<OrganizerAnalytics>, QueryError> {
    let mut read = Reader::new(&params);
    let after = read.after();
    let top = read.int("top", 1, 50).unwrap_or(5);
    read.finish()?;
    organizer_or_admin(&actor)?;
    state.caught_up(after, &["analytics"]).await?;
    let organizer = (!actor.is_admin()).then(|| actor.user_id.to_string());
    let mut conn = conn(&state).await?;
    let mut db = conn.db();
    Ok(Json(OrganizerAnalytics {
        totals: totals(&mut db, organizer.clone()).await?,
        top_listings: top_listings(&mut db, organizer, top).await?,
    }))
}
