//! `GET /organizer/listings`: the caller's listings, a page at a time.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use eventlog::sql::Arg;
use http_kit::extract::AuthUser;
use http_kit::openapi::problems;
use projections::record::{columns, read_rows};
use projections::rows::ListingRow;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::{organizer_or_admin, uuid};
use crate::access::conn;
use crate::cursor::Cursor;
use crate::error::QueryError;
use crate::params::{Params, Reader};
use crate::routes::AfterParam;
use crate::state::QueryState;
use crate::views::{time, Page};

pub(super) fn routes() -> OpenApiRouter<QueryState> {
    OpenApiRouter::new().routes(routes!(listings))
}

/// One of the organizer's listings, whatever its status.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizerListing {
    /// The listing.
    pub id: Uuid,
    /// Its organizer.
    pub organizer_id: Uuid,
    /// Title.
    pub title: String,
    /// `draft`, `published`, `sales_closed` or `cancelled`.
    pub status: String,
    /// City.
    pub city: String,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// Seats in all.
    pub capacity: i64,
    /// Seats sold.
    pub seats_sold: i64,
    /// Seats that can be held now.
    pub seats_free: i64,
    /// When it was published.
    pub published_at: Option<DateTime<Utc>>,
}

/// The caller's listings (every listing for an admin), soonest first, a page at a time.
#[utoipa::path(
    get,
    path = "/organizer/listings",
    tag = "organizer",
    params(
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 100, description = "Page size, 1-100 (default 20)"),
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page"),
        AfterParam,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of listings", body = Page<OrganizerListing>),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = crate::routes::Behind),
        (status = 500, response = problems::Internal),
    )
)]
async fn listings(
    State(state): State<QueryState>,
    AuthUser(actor): AuthUser,
    params: Params,
) -> Result<Json<Page<OrganizerListing>>, QueryError> {
    let mut read = Reader::new(&params);
    let after = read.after();
    let limit = read.limit();
    let cursor = read.cursor("organizer_starts_at");
    read.finish()?;
    organizer_or_admin(&actor)?;
    state.caught_up(after, &["catalog"]).await?;
    let mut clauses = Vec::new();
    let mut args = Vec::new();
    if !actor.is_admin() {
        args.push(Arg::from(actor.user_id.to_string()));
        clauses.push(format!("organizer_id = ${}", args.len()));
    }
    if let Some(c) = &cursor {
        args.extend([Arg::Int(c.key), Arg::from(c.id.clone())]);
        let n = args.len();
        clauses.push(format!("(starts_at, listing_id) > (${}, ${n})", n - 1));
    }
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    args.push(Arg::Int(limit + 1));
    let sql = format!(
        "SELECT {} FROM rm_listings {filter} ORDER BY starts_at, listing_id LIMIT ${}",
        columns::<ListingRow>(),
        args.len()
    );
    let mut conn = conn(&state).await?;
    let rows = conn.db().rows(&sql, args).await?;
    let mut items: Vec<OrganizerListing> = read_rows::<ListingRow>(&rows)?
        .into_iter()
        .map(|l| OrganizerListing {
            id: uuid(&l.listing_id),
            organizer_id: uuid(&l.organizer_id),
            title: l.title,
            status: l.status,
            city: l.city,
            starts_at: time(l.starts_at),
            capacity: l.capacity,
            seats_sold: l.seats_sold,
            seats_free: l.seats_free,
            published_at: l.published_at.map(time),
        })
        .collect();
    let mut next_cursor = None;
    if items.len() as i64 > limit {
        items.truncate(limit as usize);
        next_cursor = items.last().map(|l| {
            Cursor::new(
                "organizer_starts_at",
                l.starts_at.timestamp_millis(),
                &l.id.to_string(),
            )
            .encode()
        });
    }
    Ok(Json(Page { items, next_cursor }))
}
