//! An organizer's own listings and the attendees of one listing (organizer, their door
//! staff, or an admin).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use domain::{Actor, Role};
use eventlog::sql::Arg;
use http_kit::extract::AuthUser;
use http_kit::openapi::problems;
use http_kit::ApiError;
use projections::read_row;
use projections::record::{columns, columns_of, read_rows};
use projections::rows::{BookingRow, ListingRow, TicketRow};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

use super::AfterParam;
use crate::access::{conn, path_id, user_id};
use crate::cursor::Cursor;
use crate::error::QueryError;
use crate::params::{Params, Reader};
use crate::state::QueryState;
use crate::views::{time, Page};

pub(super) fn router() -> Router<QueryState> {
    Router::new()
        .route("/organizer/listings", get(listings))
        .route("/listings/{listing_id}/attendees", get(attendees))
}

/// The operations of this file.
#[derive(OpenApi)]
#[openapi(paths(listings, attendees))]
pub(crate) struct OrganizerApi;

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

/// The people booked on a listing.
#[derive(Debug, Serialize, ToSchema)]
pub struct Attendees {
    /// The listing.
    pub listing_id: Uuid,
    /// Tickets of confirmed bookings.
    pub tickets: i64,
    /// Of those, tickets admitted at the door.
    pub checked_in: i64,
    /// Every booking, oldest first (cancelled ones too, with their status).
    pub bookings: Vec<Attendee>,
}

/// One booking on a listing, with its buyer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Attendee {
    /// The booking.
    pub booking_id: Uuid,
    /// The buyer.
    pub buyer_id: Uuid,
    /// The buyer's display name.
    pub name: Option<String>,
    /// The buyer's e-mail.
    pub email: Option<String>,
    /// The ticket type's name.
    pub ticket_type_name: String,
    /// Seats booked.
    pub seats: i64,
    /// `confirmed` or `cancelled`.
    pub status: String,
    /// When it was booked.
    pub confirmed_at: DateTime<Utc>,
    /// Its tickets.
    pub tickets: Vec<AttendeeTicket>,
}

/// A ticket as the door sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendeeTicket {
    /// The ticket.
    pub id: Uuid,
    /// The code scanned at the door.
    pub code: String,
    /// When it was admitted.
    pub checked_in_at: Option<DateTime<Utc>>,
}

read_row! {
    /// Who runs a listing.
    struct Owner {
        /// The organizer.
        organizer_id: String,
    }
}

read_row! {
    /// The buyer of an attendee's booking, as `rm_people` knows them.
    struct Buyer {
        /// Their display name.
        buyer_name: Option<String>,
        /// Their e-mail.
        buyer_email: Option<String>,
    }
}

fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap_or_default()
}

/// The organizer (or admin) asking, or 403.
pub(crate) fn organizer_or_admin(actor: &Actor) -> Result<(), ApiError> {
    match actor.role {
        Role::Organizer | Role::Admin => Ok(()),
        _ => Err(ApiError::Forbidden(
            "only organizers and admins see this".into(),
        )),
    }
}

/// The caller's listings (every listing for an admin), soonest first, a page at a time.
#[utoipa::path(
    get,
    path = "/organizer/listings",
    tag = "organizer",
    params(
        ("limit" = Option<i64>, Query, description = "Page size, 1-100 (default 20)"),
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the previous page"),
        AfterParam,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of listings", body = Page<OrganizerListing>),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = super::Behind),
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

/// Who booked a listing, with their tickets and what was admitted.
///
/// For the listing's organizer, their door staff and admins; 403 for anyone else.
#[utoipa::path(
    get,
    path = "/listings/{listing_id}/attendees",
    tag = "organizer",
    params(("listing_id" = Uuid, Path, description = "The listing"), AfterParam),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The listing's bookings and tickets", body = Attendees),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = super::Behind),
        (status = 500, response = problems::Internal),
    )
)]
async fn attendees(
    State(state): State<QueryState>,
    AuthUser(actor): AuthUser,
    Path(listing): Path<String>,
    params: Params,
) -> Result<Json<Attendees>, QueryError> {
    let mut read = Reader::new(&params);
    let after = read.after();
    read.finish()?;
    state.caught_up(after, &["catalog", "bookings"]).await?;
    let id = path_id(&listing, "listing")?;
    let mut conn = conn(&state).await?;
    let mut db = conn.db();
    let owner = db
        .rows(
            "SELECT organizer_id FROM rm_listings WHERE listing_id = $1",
            vec![Arg::from(id.clone())],
        )
        .await?;
    let Owner { organizer_id } = read_rows(&owner)?
        .pop()
        .ok_or_else(|| ApiError::NotFound(format!("no listing {listing}")))?;
    let allowed = actor.is_admin() || user_id(&organizer_id).is_some_and(|o| actor.works_for(o));
    if !allowed {
        return Err(ApiError::Forbidden(
            "only the listing's organizer, their staff or an admin see its attendees".into(),
        )
        .into());
    }
    let sql = format!(
        "SELECT {}, p.display_name AS buyer_name, p.email AS buyer_email \
         FROM rm_bookings b LEFT JOIN rm_people p ON p.user_id = b.buyer \
         WHERE b.listing_id = $1 ORDER BY b.confirmed_at, b.booking_id",
        columns_of::<BookingRow>("b")
    );
    let bookings = db.rows(&sql, vec![Arg::from(id.clone())]).await?;
    let sql = format!(
        "SELECT {} FROM rm_tickets WHERE listing_id = $1 ORDER BY booking_id, ordinal",
        columns::<TicketRow>()
    );
    let tickets = db.rows(&sql, vec![Arg::from(id.clone())]).await?;
    let mut by_booking: HashMap<String, Vec<AttendeeTicket>> = HashMap::new();
    for ticket in read_rows::<TicketRow>(&tickets)? {
        by_booking
            .entry(ticket.booking_id)
            .or_default()
            .push(AttendeeTicket {
                id: uuid(&ticket.ticket_id),
                code: ticket.code,
                checked_in_at: ticket.checked_in_at.map(time),
            });
    }
    let mut answer = Attendees {
        listing_id: uuid(&id),
        tickets: 0,
        checked_in: 0,
        bookings: Vec::new(),
    };
    for (b, buyer) in read_rows::<(BookingRow, Buyer)>(&bookings)? {
        let tickets = by_booking.remove(&b.booking_id).unwrap_or_default();
        if b.status == "confirmed" {
            answer.tickets += tickets.len() as i64;
            answer.checked_in +=
                tickets.iter().filter(|t| t.checked_in_at.is_some()).count() as i64;
        }
        answer.bookings.push(Attendee {
            booking_id: uuid(&b.booking_id),
            buyer_id: uuid(&b.buyer),
            name: buyer.buyer_name,
            email: buyer.buyer_email,
            ticket_type_name: b.ticket_type_name,
            seats: b.seats,
            status: b.status,
            confirmed_at: time(b.confirmed_at),
            tickets,
        });
    }
    Ok(Json(answer))
}
