//! The platform at a glance, for admins.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use http_kit::extract::AuthUser;
use http_kit::openapi::problems;
use http_kit::ApiError;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use super::analytics::{top_listings, totals, CurrencyTotals, TopListing};
use super::AfterParam;
use crate::access::conn;
use crate::error::QueryError;
use crate::params::{Params, Reader};
use crate::state::QueryState;

pub(super) fn router() -> Router<QueryState> {
    Router::new().route("/admin/overview", get(overview))
}

/// The operations of this file.
#[derive(OpenApi)]
#[openapi(paths(overview))]
pub(crate) struct AdminApi;

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

/// Accounts, listings and sales across the platform. Admins only.
#[utoipa::path(
    get,
    path = "/admin/overview",
    tag = "admin",
    params(
        ("top" = Option<i64>, Query, description = "How many top listings, 1-50 (default 5)"),
        AfterParam,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The platform's figures", body = AdminOverview),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = super::Behind),
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
    let metrics: Vec<(String, i64)> = db
        .fetch("SELECT metric, value FROM rm_platform", Vec::new())
        .await?;
    let statuses: Vec<(String, i64)> = db
        .fetch(
            "SELECT status, COUNT(*) FROM rm_listing_stats GROUP BY status",
            Vec::new(),
        )
        .await?;
    Ok(Json(AdminOverview {
        metrics: metrics.into_iter().collect(),
        listings_by_status: statuses.into_iter().collect(),
        totals: totals(&mut db, None).await?,
        top_listings: top_listings(&mut db, None, top).await?,
    }))
}
