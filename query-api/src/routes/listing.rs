//! One listing: its details with ticket types, and its availability counts. Drafts are
//! shown only to their organizer and admins; cancelled listings show why.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use domain::Actor;
use eventlog::sql::{AnyRow, Arg};
use http_kit::extract::MaybeUser;
use http_kit::openapi::problems;
use http_kit::ApiError;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

use super::AfterParam;
use crate::access::{conn, may_see, path_id};
use crate::error::QueryError;
use crate::params::{Params, Reader};
use crate::state::QueryState;
use crate::views::{time, Amount};

pub(super) fn router() -> Router<QueryState> {
    Router::new()
        .route("/listings/{listing_id}", get(detail))
        .route("/listings/{listing_id}/availability", get(availability))
}

/// The operations of this file.
#[derive(OpenApi)]
#[openapi(paths(detail, availability))]
pub(crate) struct ListingApi;

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

const COLUMNS: &str = "listing_id, organizer_id, status, title, description, venue_name, \
    venue_address, city, country, category, starts_at, ends_at, time_zone, sales_opens_at, \
    sales_closes_at, max_tickets_per_booking, total_capacity, currency, min_price, max_price, \
    capacity, seats_free, seats_sold, published_at, cancel_reason, position";

/// `rm_ticket_types`: id, name, price, currency, capacity, held, offered, sold, free, waitlist.
type TicketTypeRow = (String, String, i64, String, i64, i64, i64, i64, i64, i64);

fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap_or_default()
}

fn detail_of(
    row: &AnyRow,
    ticket_types: Vec<TicketTypeView>,
) -> Result<ListingDetail, sqlx::Error> {
    let currency = row.opt_text(17)?;
    Ok(ListingDetail {
        id: uuid(&row.text(0)?),
        organizer_id: uuid(&row.text(1)?),
        status: row.text(2)?,
        title: row.text(3)?,
        description: row.text(4)?,
        venue: Venue {
            name: row.text(5)?,
            address: row.text(6)?,
            city: row.text(7)?,
            country: row.text(8)?,
        },
        category: row.text(9)?,
        starts_at: time(row.int(10)?),
        ends_at: time(row.int(11)?),
        time_zone: row.text(12)?,
        sales_opens_at: time(row.int(13)?),
        sales_closes_at: time(row.int(14)?),
        max_tickets_per_booking: row.int(15)?,
        total_capacity: row.opt_int(16)?,
        min_price: Amount::maybe(row.opt_int(18)?, currency.as_deref()),
        max_price: Amount::maybe(row.opt_int(19)?, currency.as_deref()),
        capacity: row.int(20)?,
        seats_free: row.int(21)?,
        seats_sold: row.int(22)?,
        published_at: row.opt_int(23)?.map(time),
        cancel_reason: row.opt_text(24)?,
        ticket_types,
    })
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
    let sql = format!("SELECT {COLUMNS} FROM rm_listings WHERE listing_id = $1");
    let rows = db.rows(&sql, vec![Arg::from(listing)]).await?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    if !may_see(actor, &row.text(1)?, &row.text(2)?) {
        return Ok(None);
    }
    let types: Vec<TicketTypeRow> = db
        .fetch(
            "SELECT ticket_type_id, name, price, currency, capacity, held, offered, sold, free, \
             waitlist FROM rm_ticket_types WHERE listing_id = $1 ORDER BY ordinal",
            vec![Arg::from(listing)],
        )
        .await?;
    let types = types
        .into_iter()
        .map(
            |(id, name, price, currency, capacity, held, offered, sold, free, waitlist)| {
                TicketTypeView {
                    id: uuid(&id),
                    name,
                    price: Amount::new(price, &currency),
                    capacity,
                    held: held + offered,
                    sold,
                    free,
                    waitlist_length: waitlist,
                }
            },
        )
        .collect();
    Ok(Some((detail_of(row, types)?, row.int(25)?)))
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

/// A listing with its ticket types and seat counts.
///
/// Drafts are visible only to their organizer and admins (404 for everyone else).
#[utoipa::path(
    get,
    path = "/listings/{listing_id}",
    tag = "catalog",
    params(("listing_id" = Uuid, Path, description = "The listing"), AfterParam),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The listing", body = ListingDetail),
        (status = 401, response = problems::Unauthorized),
        (status = 404, response = problems::NotFound),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = super::Behind),
        (status = 500, response = problems::Internal),
    )
)]
async fn detail(
    State(state): State<QueryState>,
    MaybeUser(actor): MaybeUser,
    Path(listing): Path<String>,
    params: Params,
) -> Result<Json<ListingDetail>, QueryError> {
    let (detail, _) = visible(&state, &params, &listing, actor.as_ref()).await?;
    Ok(Json(detail))
}

/// The seat counts of a listing, per ticket type and in total.
#[utoipa::path(
    get,
    path = "/listings/{listing_id}/availability",
    tag = "catalog",
    params(("listing_id" = Uuid, Path, description = "The listing"), AfterParam),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The counts", body = Availability),
        (status = 401, response = problems::Unauthorized),
        (status = 404, response = problems::NotFound),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = super::Behind),
        (status = 500, response = problems::Internal),
    )
)]
async fn availability(
    State(state): State<QueryState>,
    MaybeUser(actor): MaybeUser,
    Path(listing): Path<String>,
    params: Params,
) -> Result<Json<Availability>, QueryError> {
    let (detail, _) = visible(&state, &params, &listing, actor.as_ref()).await?;
    Ok(Json(Availability::of(&detail)))
}
