//! `GET /me/bookings`: the caller's bookings, a page at a time.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use eventlog::sql::Arg;
use http_kit::extract::AuthUser;
use http_kit::openapi::problems;
use projections::read_row;
use projections::record::{columns_of, read_rows};
use projections::rows::BookingRow;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::uuid;
use crate::access::conn;
use crate::cursor::Cursor;
use crate::error::QueryError;
use crate::params::{Params, Reader};
use crate::routes::AfterParam;
use crate::state::QueryState;
use crate::views::{time, Amount, Page};

pub(super) fn routes() -> OpenApiRouter<QueryState> {
    OpenApiRouter::new().routes(routes!(bookings))
}

/// What every view of one of the caller's bookings shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingSummary {
    /// The booking.
    pub booking_id: Uuid,
    /// The listing.
    pub listing_id: Uuid,
    /// Its title.
    pub listing_title: Option<String>,
    /// When it starts.
    pub starts_at: Option<DateTime<Utc>>,
    /// The ticket type.
    pub ticket_type_id: Uuid,
    /// Its name.
    pub ticket_type_name: String,
    /// Seats booked.
    pub seats: i64,
    /// `confirmed` or `cancelled`.
    pub status: String,
    /// What was paid.
    pub total: Amount,
    /// What was refunded (cancelled bookings).
    pub refund: Option<Amount>,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
    /// When it was booked.
    pub confirmed_at: DateTime<Utc>,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// One of the caller's bookings in a list, with how many tickets it has.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyBooking {
    /// The booking.
    #[serde(flatten)]
    pub booking: BookingSummary,
    /// Tickets issued (one per seat).
    pub tickets: i64,
}

read_row! {
    /// What a booking's line shows of its listing, and its ticket count.
    pub(super) struct BookingListing {
        /// The listing's title.
        listing_title: Option<String>,
        /// When it starts.
        listing_starts_at: Option<i64>,
        /// Tickets issued.
        tickets: i64,
    }
}

/// A booking with its listing's title and start and its ticket count, from `rm_bookings b`.
pub(super) fn booking_columns() -> String {
    format!(
        "{}, l.title AS listing_title, l.starts_at AS listing_starts_at, \
         (SELECT COUNT(*) FROM rm_tickets t WHERE t.booking_id = b.booking_id) AS tickets",
        columns_of::<BookingRow>("b")
    )
}

impl MyBooking {
    /// The caller's view of a booking row.
    pub(super) fn of((b, listing): (BookingRow, BookingListing)) -> Self {
        let booking = BookingSummary {
            booking_id: uuid(&b.booking_id),
            listing_id: uuid(&b.listing_id),
            listing_title: listing.listing_title,
            starts_at: listing.listing_starts_at.map(time),
            ticket_type_id: uuid(&b.ticket_type_id),
            ticket_type_name: b.ticket_type_name,
            seats: b.seats,
            status: b.status,
            total: Amount::new(b.total, &b.currency),
            refund: b.refund_amount.map(|a| Amount::new(a, &b.currency)),
            cancel_reason: b.cancel_reason,
            confirmed_at: time(b.confirmed_at),
            cancelled_at: b.cancelled_at.map(time),
        };
        Self {
            booking,
            tickets: listing.tickets,
        }
    }
}

/// The caller's bookings, newest first, a page at a time.
#[utoipa::path(
    get,
    path = "/me/bookings",
    tag = "me",
    params(
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 100, description = "Page size, 1-100 (default 20)"),
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page"),
        AfterParam,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of bookings", body = Page<MyBooking>),
        (status = 401, response = problems::Unauthorized),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = crate::routes::Behind),
        (status = 500, response = problems::Internal),
    )
)]
async fn bookings(
    State(state): State<QueryState>,
    AuthUser(actor): AuthUser,
    params: Params,
) -> Result<Json<Page<MyBooking>>, QueryError> {
    let mut read = Reader::new(&params);
    let after = read.after();
    let limit = read.limit();
    let cursor = read.cursor("booked");
    read.finish()?;
    state.caught_up(after, &["bookings", "catalog"]).await?;
    let mut args = vec![Arg::from(actor.user_id.to_string())];
    let mut keyset = String::new();
    if let Some(c) = &cursor {
        keyset = "AND (b.confirmed_at, b.booking_id) < ($2, $3)".into();
        args.extend([Arg::Int(c.key), Arg::from(c.id.clone())]);
    }
    args.push(Arg::Int(limit + 1));
    let sql = format!(
        "SELECT {} FROM rm_bookings b \
         LEFT JOIN rm_listings l ON l.listing_id = b.listing_id \
         WHERE b.buyer = $1 {keyset} \
         ORDER BY b.confirmed_at DESC, b.booking_id DESC LIMIT ${}",
        booking_columns(),
        args.len()
    );
    let mut conn = conn(&state).await?;
    let rows = conn.db().rows(&sql, args).await?;
    let mut items: Vec<MyBooking> = read_rows(&rows)?.into_iter().map(MyBooking::of).collect();
    let mut next_cursor = None;
    if items.len() as i64 > limit {
        items.truncate(limit as usize);
        next_cursor = items.last().map(|b| {
            Cursor::new(
                "booked",
                b.booking.confirmed_at.timestamp_millis(),
                &b.booking.booking_id.to_string(),
            )
            .encode()
        });
    }
    Ok(Json(Page { items, next_cursor }))
}
