//! The caller's own holds, bookings and waitlist entries; never anyone else's.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use http_kit::extract::AuthUser;
use http_kit::openapi::problems;
use http_kit::ApiError;
use eventlog::sql::Arg;
use projections::read_row;
use projections::record::{columns, columns_of, read_rows};
use projections::rows::{BookingRow, EntryRow, HoldRow, TicketRow};
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
    let sql = format!(
        "SELECT {}, l.title AS listing_title, l.starts_at AS listing_starts_at, \
         t.name AS ticket_type_name \
         FROM rm_holds h \
         LEFT JOIN rm_listings l ON l.listing_id = h.listing_id \
         LEFT JOIN rm_ticket_types t \
           ON t.listing_id = h.listing_id AND t.ticket_type_id = h.ticket_type_id \
         WHERE h.buyer = $1 AND h.status = 'active' AND h.expires_at > $2 \
         ORDER BY h.expires_at, h.hold_id",
        columns_of::<HoldRow>("h")
    );
    let rows = conn
        .db()
        .rows(
            &sql,
            vec![Arg::from(actor.user_id.to_string()), Arg::Int(now)],
        )
        .await?;
    let holds = read_rows::<(HoldRow, HoldListing)>(&rows)?
        .into_iter()
        .map(|(hold, listing)| MyHold {
            hold_id: uuid(&hold.hold_id),
            kind: if hold.entry_id.is_some() { "offer" } else { "hold" }.into(),
            entry_id: hold.entry_id.as_deref().map(uuid),
            listing_id: uuid(&hold.listing_id),
            listing_title: listing.listing_title,
            starts_at: listing.listing_starts_at.map(time),
            ticket_type_id: uuid(&hold.ticket_type_id),
            ticket_type_name: listing.ticket_type_name,
            seats: hold.seats,
            expires_at: time(hold.expires_at),
            seconds_left: ((hold.expires_at - now) / 1000).max(0),
            created_at: time(hold.created_at),
        })
        .collect();
    Ok(Json(holds))
}

read_row! {
    /// What a hold's line shows of its listing and ticket type.
    struct HoldListing {
        /// The listing's title.
        listing_title: Option<String>,
        /// When it starts.
        listing_starts_at: Option<i64>,
        /// The ticket type's name.
        ticket_type_name: Option<String>,
    }
}

read_row! {
    /// What a booking's line shows of its listing, and its ticket count.
    struct BookingListing {
        /// The listing's title.
        listing_title: Option<String>,
        /// When it starts.
        listing_starts_at: Option<i64>,
        /// Tickets issued.
        tickets: i64,
    }
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

/// A booking with its listing's title and start and its ticket count, from `rm_bookings b`.
fn booking_columns() -> String {
    format!(
        "{}, l.title AS listing_title, l.starts_at AS listing_starts_at, \
         (SELECT COUNT(*) FROM rm_tickets t WHERE t.booking_id = b.booking_id) AS tickets",
        columns_of::<BookingRow>("b")
    )
}

impl MyBooking {
    /// The caller's view of a booking row.
    fn of((b, listing): (BookingRow, BookingListing)) -> Self {
        Self {
            booking_id: uuid(&b.booking_id),
            listing_id: uuid(&b.listing_id),
            listing_title: listing.listing_title,
            starts_at: listing.listing_starts_at.map(time),
            ticket_type_id: uuid(&b.ticket_type_id),
            ticket_type_name: b.ticket_type_name,
            seats: b.seats,
            tickets: listing.tickets,
            status: b.status,
            total: Amount::new(b.total, &b.currency),
            refund: b.refund_amount.map(|a| Amount::new(a, &b.currency)),
            cancel_reason: b.cancel_reason,
            confirmed_at: time(b.confirmed_at),
            cancelled_at: b.cancelled_at.map(time),
        }
    }
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
        .map(MyBooking::of)
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
