//! `GET /me/waitlist`: the caller's open waitlist entries.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use eventlog::sql::Arg;
use http_kit::extract::AuthUser;
use http_kit::openapi::problems;
use projections::read_row;
use projections::record::{columns_of, read_rows};
use projections::rows::EntryRow;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::{fresh, uuid};
use crate::access::conn;
use crate::error::QueryError;
use crate::params::Params;
use crate::routes::AfterParam;
use crate::state::QueryState;
use crate::views::time;

pub(super) fn routes() -> OpenApiRouter<QueryState> {
    OpenApiRouter::new().routes(routes!(waitlist))
}

/// One of the caller's open waitlist entries.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyWaitlistEntry {
    /// The entry.
    pub entry_id: Uuid,
    /// The listing.
    pub listing_id: Uuid,
    /// Its title.
    pub listing_title: Option<String>,
    /// The ticket type waited for.
    pub ticket_type_id: Uuid,
    /// Seats wanted.
    pub party_size: i64,
    /// `waiting` or `offered`.
    pub status: String,
    /// Place in the queue, 1 = next (waiting entries only).
    pub position: Option<i64>,
    /// The hold that carries the offer (offered entries only).
    pub offer_hold_id: Option<Uuid>,
    /// When the offer lapses.
    pub offer_expires_at: Option<DateTime<Utc>>,
    /// When the caller joined.
    pub joined_at: DateTime<Utc>,
}

read_row! {
    /// What a waitlist entry's line shows of its listing, and its place in the queue.
    struct EntryListing {
        /// The listing's title.
        listing_title: Option<String>,
        /// Place in the queue, 1 = next (waiting entries only).
        queue_position: Option<i64>,
    }
}

/// The caller's open waitlist entries: their place in the queue, or the offer to answer.
#[utoipa::path(
    get,
    path = "/me/waitlist",
    tag = "me",
    params(AfterParam),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's waiting and offered entries", body = Vec<MyWaitlistEntry>),
        (status = 401, response = problems::Unauthorized),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = crate::routes::Behind),
        (status = 500, response = problems::Internal),
    )
)]
async fn waitlist(
    State(state): State<QueryState>,
    AuthUser(actor): AuthUser,
    params: Params,
) -> Result<Json<Vec<MyWaitlistEntry>>, QueryError> {
    fresh(&state, &params, &["bookings", "catalog"]).await?;
    let mut conn = conn(&state).await?;
    let sql = format!(
        "SELECT {}, l.title AS listing_title, \
         CASE WHEN w.status = 'waiting' THEN 1 + (SELECT COUNT(*) FROM rm_waitlist o \
           WHERE o.listing_id = w.listing_id AND o.ticket_type_id = w.ticket_type_id \
           AND o.status = 'waiting' AND o.seq < w.seq) END AS queue_position \
         FROM rm_waitlist w LEFT JOIN rm_listings l ON l.listing_id = w.listing_id \
         WHERE w.buyer = $1 AND w.status IN ('waiting', 'offered') \
         ORDER BY w.joined_at, w.entry_id",
        columns_of::<EntryRow>("w")
    );
    let rows = conn
        .db()
        .rows(&sql, vec![Arg::from(actor.user_id.to_string())])
        .await?;
    let entries = read_rows::<(EntryRow, EntryListing)>(&rows)?
        .into_iter()
        .map(|(w, listing)| {
            let offered = w.status == "offered";
            MyWaitlistEntry {
                entry_id: uuid(&w.entry_id),
                listing_id: uuid(&w.listing_id),
                listing_title: listing.listing_title,
                ticket_type_id: uuid(&w.ticket_type_id),
                party_size: w.party_size,
                status: w.status,
                position: listing.queue_position,
                offer_hold_id: w.offer_hold_id.filter(|_| offered).as_deref().map(uuid),
                offer_expires_at: w.offer_expires_at.filter(|_| offered).map(time),
                joined_at: time(w.joined_at),
            }
        })
        .collect();
    Ok(Json(entries))
}
