//! `GET /me/bookings/{booking_id}`: one of the caller's bookings with its tickets.

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use eventlog::sql::Arg;
use http_kit::extract::AuthUser;
use http_kit::openapi::problems;
use http_kit::ApiError;
use projections::record::{columns, read_rows};
use projections::rows::TicketRow;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::bookings::{booking_columns, BookingSummary, MyBooking};
use super::{fresh, uuid};
use crate::access::{conn, path_id};
use crate::error::QueryError;
use crate::params::Params;
use crate::routes::AfterParam;
use crate::state::QueryState;
use crate::views::time;

pub(super) fn routes() -> OpenApiRouter<QueryState> {
    OpenApiRouter::new().routes(routes!(booking))
}

/// A ticket of a booking.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketView {
    /// The ticket.
    pub id: Uuid,
    /// The code scanned at the door.
    pub code: String,
    /// When it was admitted.
    pub checked_in_at: Option<DateTime<Utc>>,
}

/// One booking with its tickets.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingDetail {
    /// The booking.
    #[serde(flatten)]
    pub booking: BookingSummary,
    /// One ticket per seat.
    pub tickets: Vec<TicketView>,
}

/// One of the caller's bookings with its tickets (404 for anyone else's).
#[utoipa::path(
    get,
    path = "/me/bookings/{booking_id}",
    tag = "me",
    params(("booking_id" = Uuid, Path, description = "The booking"), AfterParam),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The booking", body = BookingDetail),
        (status = 401, response = problems::Unauthorized),
        (status = 404, response = problems::NotFound),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = crate::routes::Behind),
        (status = 500, response = problems::Internal),
    )
)]
async fn booking(
    State(state): State<QueryState>,
    AuthUser(actor): AuthUser,
    Path(booking): Path<String>,
    params: Params,
) -> Result<Json<BookingDetail>, QueryError> {
    fresh(&state, &params, &["bookings", "catalog"]).await?;
    let id = path_id(&booking, "booking")?;
    let mut conn = conn(&state).await?;
    let mut db = conn.db();
    let sql = format!(
        "SELECT {} FROM rm_bookings b \
         LEFT JOIN rm_listings l ON l.listing_id = b.listing_id \
         WHERE b.booking_id = $1 AND b.buyer = $2",
        booking_columns()
    );
    let rows = db
        .rows(
            &sql,
            vec![Arg::from(id.clone()), Arg::from(actor.user_id.to_string())],
        )
        .await?;
    let booking = read_rows(&rows)?
        .pop()
        .map(|row| MyBooking::of(row).booking)
        .ok_or_else(|| ApiError::NotFound(format!("no booking {booking}")))?;
    let sql = format!(
        "SELECT {} FROM rm_tickets WHERE booking_id = $1 ORDER BY ordinal",
        columns::<TicketRow>()
    );
    let tickets = db.rows(&sql, vec![Arg::from(id)]).await?;
    let tickets = read_rows::<TicketRow>(&tickets)?
        .into_iter()
        .map(|t| TicketView {
            id: uuid(&t.ticket_id),
            code: t.code,
            checked_in_at: t.checked_in_at.map(time),
        })
        .collect();
    Ok(Json(BookingDetail { booking, tickets }))
}
