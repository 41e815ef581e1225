//! The platform at a glance, for admins.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use http_kit::extract::AuthUser;
use http_kit::openapi::problems;
use http_kit::ApiError;
use projections::read_row;
use projections::record::{columns, read_rows};
use projections::rows::PlatformRow;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::conn;
use crate::error::QueryError;
use crate::params::{Params, Reader};
use crate::routes::analytics::{top_listings, totals, CurrencyTotals, TopListing};
use crate::routes::AfterParam;
use crate::state::QueryState;

pub(super) fn routes() -> OpenApiRouter<QueryState> {
    OpenApiRouter::new().routes(routes!(overview))
}

/// Platform-wide figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminOverview {
    /// Counters by name: `accounts`, `role:customer`, `role:organizer`, `role:staff`,
    /// `role:admin`, `listings`, `suspended`.
    pub metrics: BTreeMap<String, i64>,
    /// Listings per status.
    pub listings_by_status: BTreeMap<String, i64>,
    /// Sales totals per currency.
    pub totals: Vec<CurrencyTotals>,
    /// The listings that took the most money.
    pub top_listings: Vec<TopListing>,
}

read_row! {
    /// How many listings have one status.
    struct StatusCount {
        /// The status.
        status: String,
        /// Listings in it.
        listings: i64,
    }
}

/// Accounts, listings and sales across the platform. Admins only.
#[utoipa::path(
    get,
    path = "/admin/overview",
    tag = "admin",
    params(
        ("top" = Option<i64>, Query, minimum = 1, maximum = 50, description = "How many top listings, 1-50 (default 5)"),
        AfterParam,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The platform's figures", body = AdminOverview),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = crate::routes::Behind),
        (status = 500, response = problems::Internal),
    )
)]
async fn overview(
    State(state): State<QueryState>,
    AuthUser(actor): AuthUser,
    params: Params,
) -> Result<Json<AdminOverview>, QueryError> {
    let mut read = Reader::new(&params);
    let after = read.after();
    let top = read.int("top", 1, 50).unwrap_or(5);
    read.finish()?;
    if !actor.is_admin() {
        return Err(ApiError::Forbidden("only admins see the platform overview".into()).into());
    }
    state.caught_up(after, &["analytics"]).await?;
    let mut conn = conn(&state).await?;
    let mut db = conn.db();
    let sql = format!("SELECT {} FROM rm_platform", columns::<PlatformRow>());
    let metrics = db.rows(&sql, Vec::new()).await?;
    let metrics = read_rows::<PlatformRow>(&metrics)?
        .into_iter()
        .map(|m| (m.metric, m.value));
    let statuses = db
        .rows(
            "SELECT status, COUNT(*) AS listings FROM rm_listing_stats GROUP BY status",
            Vec::new(),
        )
        .await?;
    let statuses = read_rows::<StatusCount>(&statuses)?
        .into_iter()
        .map(|s| (s.status, s.listings));
    Ok(Json(AdminOverview {
        metrics: metrics.collect(),
        listings_by_status: statuses.collect(),
        totals: totals(&mut db, None).await?,
        top_listings: top_listings(&mut db, None, top).await?,
    }))
}
