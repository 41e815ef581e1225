//! `GET /listings/{listing_id}/attendees`: who booked a listing, with their tickets.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use eventlog::sql::Arg;
use http_kit::extract::AuthUser;
use http_kit::openapi::problems;
use http_kit::ApiError;
use projections::read_row;
use projections::record::{columns, columns_of, read_rows};
use projections::rows::{BookingRow, TicketRow};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::uuid;
use crate::access::{conn, path_id, user_id};
use crate::error::QueryError;
use crate::params::{Params, Reader};
use crate::routes::AfterParam;
use crate::state::QueryState;
use crate::views::time;

pub(super) fn routes() -> OpenApiRouter<QueryState> {
    OpenApiRouter::new().routes(routes!(attendees))
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
        (status = 503, response = crate::routes::Behind),
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
