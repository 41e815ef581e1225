//! One listing: its details with ticket types, and its availability counts. Drafts are
//! shown only to their organizer and admins; cancelled listings show why.

mod availability;
mod detail;

use chrono::{DateTime, Utc};
use domain::Actor;
use eventlog::sql::Arg;
use http_kit::ApiError;
use projections::record::{columns, read_rows};
use projections::rows::{ListingRow, TypeRow};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use crate::access::{conn, may_see, path_id};
use crate::error::QueryError;
use crate::params::{Params, Reader};
use crate::state::QueryState;
use crate::views::{time, Amount};

/// These routes, with their documentation.
pub(super) fn routes() -> OpenApiRouter<QueryState> {
    OpenApiRouter::new()
        .merge(detail::routes())
        .merge(availability::routes())
}

/// Where a listing takes place.
#[derive(Debug, Serialize, ToSchema)]
pub struct Venue {
    /// Venue name.
    pub name: String,
    /// Street address.
    pub address: String,
    /// City.
    pub city: String,
    /// ISO 3166 country code.
    pub country: String,
}

/// A ticket type with its counts.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TicketTypeView {
    /// The ticket type.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// Its price.
    pub price: Amount,
    /// Seats of this type.
    pub capacity: i64,
    /// Seats held or offered to the waitlist, not yet sold.
    pub held: i64,
    /// Seats sold.
    pub sold: i64,
    /// Seats that can be held now (bounded by the listing's total capacity).
    pub free: i64,
    /// Parties waiting for this type.
    pub waitlist_length: i64,
}

/// Everything about one listing.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListingDetail {
    /// The listing.
    pub id: Uuid,
    /// The organizer running it.
    pub organizer_id: Uuid,
    /// `draft`, `published`, `sales_closed` or `cancelled`.
    pub status: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Where.
    pub venue: Venue,
    /// Category.
    pub category: String,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends.
    pub ends_at: DateTime<Utc>,
    /// The IANA time zone of the venue.
    pub time_zone: String,
    /// When sales open.
    pub sales_opens_at: DateTime<Utc>,
    /// When sales close.
    pub sales_closes_at: DateTime<Utc>,
    /// Most tickets one booking may have.
    pub max_tickets_per_booking: i64,
    /// The cap over all ticket types, when there is one.
    pub total_capacity: Option<i64>,
    /// What one account may claim and how fast it may hold.
    pub buyer_limits: BuyerLimitsView,
    /// The waiting room, when the sale opens through one.
    pub waiting_room: Option<WaitingRoomView>,
    /// The cheapest ticket.
    pub min_price: Option<Amount>,
    /// The dearest ticket.
    pub max_price: Option<Amount>,
    /// Seats in all.
    pub capacity: i64,
    /// Seats that can be held now.
    pub seats_free: i64,
    /// Seats sold.
    pub seats_sold: i64,
    /// When it was published.
    pub published_at: Option<DateTime<Utc>>,
    /// Why it was cancelled (cancelled listings only).
    pub cancel_reason: Option<String>,
    /// Its ticket types, in the organizer's order.
    pub ticket_types: Vec<TicketTypeView>,
}

/// The per-buyer limits of a listing.
#[derive(Debug, Serialize, ToSchema)]
pub struct BuyerLimitsView {
    /// Most seats one account may hold, be offered, wait for and have booked at once (the
    /// set limit, else `max_tickets_per_booking`).
    pub max_seats: i64,
    /// Whether `max_seats` was set by the organizer (else it follows the per-booking maximum).
    pub max_seats_set: bool,
    /// Most holds one account may start in any minute.
    pub holds_per_minute: i64,
}

/// A listing's waiting room as buyers see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct WaitingRoomView {
    /// When it opens: everyone who joins before is ordered at random at that instant.
    pub opens_at: DateTime<Utc>,
    /// When it opened (null until then).
    pub opened_at: Option<DateTime<Utc>>,
    /// Buyers let in per minute.
    pub admitted_per_minute: i64,
    /// How long an admission lasts, in minutes.
    pub admission_minutes: i64,
    /// How many are in line now.
    pub waiting: i64,
    /// How many have been let in so far.
    pub admitted: i64,
    /// Admissions that lapsed without a hold.
    pub unused: i64,
}

/// The seat counts of a listing, per ticket type and in total.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Availability {
    /// The listing.
    pub listing_id: Uuid,
    /// Its status.
    pub status: String,
    /// Seats in all.
    pub capacity: i64,
    /// Seats that can be held now.
    pub seats_free: i64,
    /// Seats sold.
    pub seats_sold: i64,
    /// Per ticket type.
    pub ticket_types: Vec<TicketTypeView>,
}

fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap_or_default()
}

impl TicketTypeView {
    /// The view of a ticket type's row.
    fn of(row: TypeRow) -> Self {
        Self {
            id: uuid(&row.ticket_type_id),
            price: Amount::new(row.price, &row.currency),
            name: row.name,
            capacity: row.capacity,
            held: row.held + row.offered,
            sold: row.sold,
            free: row.free,
            waitlist_length: row.waitlist,
        }
    }
}

impl ListingDetail {
    /// The detail of a catalog row with its ticket types.
    fn of(row: ListingRow, ticket_types: Vec<TicketTypeView>) -> Self {
        let currency = row.currency.as_deref();
        Self {
            id: uuid(&row.listing_id),
            organizer_id: uuid(&row.organizer_id),
            min_price: Amount::maybe(row.min_price, currency),
            max_price: Amount::maybe(row.max_price, currency),
            status: row.status,
            title: row.title,
            description: row.description,
            venue: Venue {
                name: row.venue_name,
                address: row.venue_address,
                city: row.city,
                country: row.country,
            },
            category: row.category,
            starts_at: time(row.starts_at),
            ends_at: time(row.ends_at),
            time_zone: row.time_zone,
            sales_opens_at: time(row.sales_opens_at),
            sales_closes_at: time(row.sales_closes_at),
            max_tickets_per_booking: row.max_tickets_per_booking,
            total_capacity: row.total_capacity,
            buyer_limits: BuyerLimitsView {
                max_seats: row.buyer_max_seats.unwrap_or(row.max_tickets_per_booking),
                max_seats_set: row.buyer_max_seats.is_some(),
                holds_per_minute: row.holds_per_minute,
            },
            waiting_room: match (
                row.room_opens_at,
                row.room_admitted_per_minute,
                row.room_admission_minutes,
            ) {
                (Some(opens_at), Some(rate), Some(minutes)) => Some(WaitingRoomView {
                    opens_at: time(opens_at),
                    opened_at: row.room_opened_at.map(time),
                    admitted_per_minute: rate,
                    admission_minutes: minutes,
                    waiting: row.room_waiting,
                    admitted: row.room_admitted,
                    unused: row.room_unused,
                }),
                _ => None,
            },
            capacity: row.capacity,
            seats_free: row.seats_free,
            seats_sold: row.seats_sold,
            published_at: row.published_at.map(time),
            cancel_reason: row.cancel_reason,
            ticket_types,
        }
    }
}

/// A listing the caller may see, with its ticket types and its catalog position; None
/// when it does not exist or is a draft the caller may not see.
pub(crate) async fn load(
    state: &QueryState,
    listing: &str,
    actor: Option<&Actor>,
) -> Result<Option<(ListingDetail, i64)>, QueryError> {
    let mut conn = conn(state).await?;
    let mut db = conn.db();
    let sql = format!(
        "SELECT {} FROM rm_listings WHERE listing_id = $1",
        columns::<ListingRow>()
    );
    let rows = db.rows(&sql, vec![Arg::from(listing)]).await?;
    let Some(row) = read_rows::<ListingRow>(&rows)?.pop() else {
        return Ok(None);
    };
    if !may_see(actor, &row.organizer_id, &row.status) {
        return Ok(None);
    }
    let sql = format!(
        "SELECT {} FROM rm_ticket_types WHERE listing_id = $1 ORDER BY ordinal",
        columns::<TypeRow>()
    );
    let types = db.rows(&sql, vec![Arg::from(listing)]).await?;
    let types = read_rows::<TypeRow>(&types)?
        .into_iter()
        .map(TicketTypeView::of)
        .collect();
    let position = row.position;
    Ok(Some((ListingDetail::of(row, types), position)))
}

impl Availability {
    /// The counts of a loaded listing.
    pub(crate) fn of(detail: &ListingDetail) -> Self {
        Self {
            listing_id: detail.id,
            status: detail.status.clone(),
            capacity: detail.capacity,
            seats_free: detail.seats_free,
            seats_sold: detail.seats_sold,
            ticket_types: detail.ticket_types.clone(),
        }
    }
}

/// Reads `after`, waits for the catalog, loads the listing or answers 404.
pub(crate) async fn visible(
    state: &QueryState,
    params: &Params,
    listing: &str,
    actor: Option<&Actor>,
) -> Result<(ListingDetail, i64), QueryError> {
    let mut read = Reader::new(params);
    let after = read.after();
    read.finish()?;
    state.caught_up(after, &["catalog"]).await?;
    let id = path_id(listing, "listing")?;
    load(state, &id, actor)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no listing {listing}")).into())
}
