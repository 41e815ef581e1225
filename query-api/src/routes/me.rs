//! The caller's own holds, bookings and waitlist entries; never anyone else's.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use eventlog::sql::{AnyRow, Arg};
use http_kit::extract::AuthUser;
use http_kit::openapi::problems;
use http_kit::ApiError;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

use super::AfterParam;
use crate::access::{conn, path_id};
use crate::cursor::Cursor;
use crate::error::QueryError;
use crate::params::{Params, Reader};
use crate::state::QueryState;
use crate::views::{time, Amount, Page};

pub(super) fn router() -> Router<QueryState> {
    Router::new()
        .route("/me/holds", get(holds))
        .route("/me/bookings", get(bookings))
        .route("/me/bookings/{booking_id}", get(booking))
        .route("/me/waitlist", get(waitlist))
}

/// The operations of this file.
#[derive(OpenApi)]
#[openapi(paths(holds, bookings, booking, waitlist))]
pub(crate) struct MeApi;

/// Seats held for the caller, or offered to them from the waitlist.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyHold {
    /// The hold; confirm or release it with this id.
    pub hold_id: Uuid,
    /// `hold`, or `offer` when the waitlist offered these seats.
    pub kind: String,
    /// The waitlist entry the offer answers (offers only).
    pub entry_id: Option<Uuid>,
    /// The listing.
    pub listing_id: Uuid,
    /// Its title.
    pub listing_title: Option<String>,
    /// When it starts.
    pub starts_at: Option<DateTime<Utc>>,
    /// The ticket type.
    pub ticket_type_id: Uuid,
    /// Its name.
    pub ticket_type_name: Option<String>,
    /// Seats held.
    pub seats: i64,
    /// When the seats return to the pool unless confirmed.
    pub expires_at: DateTime<Utc>,
    /// Seconds until then.
    pub seconds_left: i64,
    /// When the hold was made.
    pub created_at: DateTime<Utc>,
}

/// One of the caller's bookings.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyBooking {
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
    /// Tickets issued (one per seat).
    pub tickets: i64,
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
    pub booking: MyBooking,
    /// One ticket per seat.
    pub tickets: Vec<TicketView>,
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

fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap_or_default()
}

/// Reads `after` (and nothing else) and waits for `names`.
async fn fresh(state: &QueryState, params: &Params, names: &[&str]) -> Result<(), QueryError> {
    let mut read = Reader::new(params);
    let after = read.after();
    read.finish()?;
    state.caught_up(after, names).await
}

/// The caller's active holds and open waitlist offers, soonest to expire first.
#[utoipa::path(
    get,
    path = "/me/holds",
    tag = "me",
    params(AfterParam),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's holds", body = Vec<MyHold>),
        (status = 401, response = problems::Unauthorized),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = super::Behind),
        (status = 500, response = problems::Internal),
    )
)]
async fn holds(
    State(state): State<QueryState>,
    AuthUser(actor): AuthUser,
    params: Params,
) -> Result<Json<Vec<MyHold>>, QueryError> {
    fresh(&state, &params, &["bookings", "catalog"]).await?;
    let now = state.clock.now().timestamp_millis();
    let mut conn = conn(&state).await?;
    let rows = conn
        .db()
        .rows(
            "SELECT h.hold_id, h.entry_id, h.listing_id, l.title, l.starts_at, h.ticket_type_id, \
             t.name, h.seats, h.expires_at, h.created_at \
             FROM rm_holds h \
             LEFT JOIN rm_listings l ON l.listing_id = h.listing_id \
             LEFT JOIN rm_ticket_types t \
               ON t.listing_id = h.listing_id AND t.ticket_type_id = h.ticket_type_id \
             WHERE h.buyer = $1 AND h.status = 'active' AND h.expires_at > $2 \
             ORDER BY h.expires_at, h.hold_id",
            vec![Arg::from(actor.user_id.to_string()), Arg::Int(now)],
        )
        .await?;
    let holds = rows
        .iter()
        .map(|r| {
            let entry = r.opt_text(1)?;
            let expires_at = r.int(8)?;
            Ok(MyHold {
                hold_id: uuid(&r.text(0)?),
                kind: if entry.is_some() { "offer" } else { "hold" }.into(),
                entry_id: entry.as_deref().map(uuid),
                listing_id: uuid(&r.text(2)?),
                listing_title: r.opt_text(3)?,
                starts_at: r.opt_int(4)?.map(time),
                ticket_type_id: uuid(&r.text(5)?),
                ticket_type_name: r.opt_text(6)?,
                seats: r.int(7)?,
                expires_at: time(expires_at),
                seconds_left: ((expires_at - now) / 1000).max(0),
                created_at: time(r.int(9)?),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Json(holds))
}

const BOOKING_COLUMNS: &str = "b.booking_id, b.listing_id, l.title, l.starts_at, \
    b.ticket_type_id, b.ticket_type_name, b.seats, \
    (SELECT COUNT(*) FROM rm_tickets t WHERE t.booking_id = b.booking_id), \
    b.status, b.total, b.currency, b.refund_amount, b.cancel_reason, b.confirmed_at, \
    b.cancelled_at";

fn my_booking(r: &AnyRow) -> Result<MyBooking, sqlx::Error> {
    let currency = r.text(10)?;
    Ok(MyBooking {
        booking_id: uuid(&r.text(0)?),
        listing_id: uuid(&r.text(1)?),
        listing_title: r.opt_text(2)?,
        starts_at: r.opt_int(3)?.map(time),
        ticket_type_id: uuid(&r.text(4)?),
        ticket_type_name: r.text(5)?,
        seats: r.int(6)?,
        tickets: r.int(7)?,
        status: r.text(8)?,
        total: Amount::new(r.int(9)?, &currency),
        refund: r.opt_int(11)?.map(|a| Amount::new(a, &currency)),
        cancel_reason: r.opt_text(12)?,
        confirmed_at: time(r.int(13)?),
        cancelled_at: r.opt_int(14)?.map(time),
    })
}

/// The caller's bookings, newest first, a page at a time.
#[utoipa::path(
    get,
    path = "/me/bookings",
    tag = "me",
    params(
        ("limit" = Option<i64>, Query, description = "Page size, 1-100 (default 20)"),
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page"),
        AfterParam,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of bookings", body = Page<MyBooking>),
        (status = 401, response = problems::Unauthorized),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = super::Behind),
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
        "SELECT {BOOKING_COLUMNS} FROM rm_bookings b \
         LEFT JOIN rm_listings l ON l.listing_id = b.listing_id \
         WHERE b.buyer = $1 {keyset} \
         ORDER BY b.confirmed_at DESC, b.booking_id DESC LIMIT ${}",
        args.len()
    );
    let mut conn = conn(&state).await?;
    let rows = conn.db().rows(&sql, args).await?;
    let mut items = rows.iter().map(my_booking).collect::<Result<Vec<_>, _>>()?;
    let mut next_cursor = None;
    if items.len() as i64 > limit {
        items.truncate(limit as usize);
        next_cursor = items.last().map(|b| {
            Cursor::new(
                "booked",
                b.confirmed_at.timestamp_millis(),
                &b.booking_id.to_string(),
            )
            .encode()
        });
    }
    Ok(Json(Page { items, next_cursor }))
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
        (status = 503, response = super::Behind),
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
        "SELECT {BOOKING_COLUMNS} FROM rm_bookings b \
         LEFT JOIN rm_listings l ON l.listing_id = b.listing_id \
         WHERE b.booking_id = $1 AND b.buyer = $2"
    );
    let rows = db
        .rows(
            &sql,
            vec![Arg::from(id.clone()), Arg::from(actor.user_id.to_string())],
        )
        .await?;
    let found = rows
        .first()
        .ok_or_else(|| ApiError::NotFound(format!("no booking {booking}")))?;
    let booking = my_booking(found)?;
    let tickets: Vec<(String, String, Option<i64>)> = db
        .fetch(
            "SELECT ticket_id, code, checked_in_at FROM rm_tickets WHERE booking_id = $1 \
             ORDER BY ordinal",
            vec![Arg::from(id)],
        )
        .await?;
    let tickets = tickets
        .into_iter()
        .map(|(id, code, checked_in_at)| TicketView {
            id: uuid(&id),
            code,
            checked_in_at: checked_in_at.map(time),
        })
        .collect();
    Ok(Json(BookingDetail { booking, tickets }))
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
        (status = 503, response = super::Behind),
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
    let rows = conn
        .db()
        .rows(
            "SELECT w.entry_id, w.listing_id, l.title, w.ticket_type_id, w.party_size, w.status, \
             CASE WHEN w.status = 'waiting' THEN 1 + (SELECT COUNT(*) FROM rm_waitlist o \
               WHERE o.listing_id = w.listing_id AND o.ticket_type_id = w.ticket_type_id \
               AND o.status = 'waiting' AND o.seq < w.seq) END, \
             w.offer_hold_id, w.offer_expires_at, w.joined_at \
             FROM rm_waitlist w LEFT JOIN rm_listings l ON l.listing_id = w.listing_id \
             WHERE w.buyer = $1 AND w.status IN ('waiting', 'offered') \
             ORDER BY w.joined_at, w.entry_id",
            vec![Arg::from(actor.user_id.to_string())],
        )
        .await?;
    let entries = rows
        .iter()
        .map(|r| {
            let offered = r.text(5)? == "offered";
            Ok(MyWaitlistEntry {
                entry_id: uuid(&r.text(0)?),
                listing_id: uuid(&r.text(1)?),
                listing_title: r.opt_text(2)?,
                ticket_type_id: uuid(&r.text(3)?),
                party_size: r.int(4)?,
                status: r.text(5)?,
                position: r.opt_int(6)?,
                offer_hold_id: r.opt_text(7)?.filter(|_| offered).as_deref().map(uuid),
                offer_expires_at: r.opt_int(8)?.filter(|_| offered).map(time),
                joined_at: time(r.int(9)?),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Json(entries))
}
