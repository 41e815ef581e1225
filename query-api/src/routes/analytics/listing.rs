//! `GET /listings/{listing_id}/analytics`: how one listing sells.

use axum::extract::{Path, State};
use axum::Json;
use eventlog::sql::Arg;
use http_kit::extract::AuthUser;
use http_kit::openapi::problems;
use http_kit::ApiError;
use projections::record::{columns, read_rows};
use projections::rows::{DailyRow, RoomMinuteRow, StatRow};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::uuid;
use crate::access::{conn, owns, path_id};
use crate::error::QueryError;
use crate::params::{Params, Reader};
use crate::routes::AfterParam;
use crate::state::QueryState;
use crate::views::{rate, Amount};

pub(super) fn routes() -> OpenApiRouter<QueryState> {
    OpenApiRouter::new().routes(routes!(listing_analytics))
}

/// How one listing sells.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListingAnalytics {
    /// The listing.
    pub listing_id: Uuid,
    /// Its title.
    pub title: String,
    /// Its status.
    pub status: String,
    /// Seats in all.
    pub capacity: i64,
    /// Seats sold.
    pub seats_sold: i64,
    /// Seats held or offered, not yet sold.
    pub seats_held: i64,
    /// Seats neither sold nor held.
    pub seats_free: i64,
    /// Money taken (null before the listing has a price).
    pub revenue: Option<Amount>,
    /// Money refunded.
    pub refunds: Option<Amount>,
    /// Revenue minus refunds.
    pub net_revenue: Option<Amount>,
    /// Sold / capacity, 0..1 (null without capacity).
    pub fill_rate: Option<f64>,
    /// Bookings made.
    pub bookings: i64,
    /// Bookings cancelled.
    pub cancellations: i64,
    /// Holds made.
    pub holds_made: i64,
    /// Holds confirmed into bookings.
    pub holds_confirmed: i64,
    /// Holds confirmed / holds made, 0..1 (null before any hold).
    pub hold_to_booking_conversion: Option<f64>,
    /// Parties waiting now.
    pub waitlist_length: i64,
    /// Waitlist offers made.
    pub offers_made: i64,
    /// Waitlist offers accepted.
    pub offers_accepted: i64,
    /// Valid tickets.
    pub tickets_valid: i64,
    /// Tickets admitted.
    pub checked_in: i64,
    /// Admitted / valid tickets, 0..1 (null without tickets).
    pub check_in_rate: Option<f64>,
    /// Sales per UTC day, oldest first.
    pub daily: Vec<DailySales>,
    /// The waiting room's figures, when the listing has or had one.
    pub waiting_room: Option<RoomAnalytics>,
}

/// How a listing's waiting room went.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoomAnalytics {
    /// Whether the room is on now.
    pub on: bool,
    /// Buyers who joined.
    pub joined: i64,
    /// Buyers in line now.
    pub waiting: i64,
    /// Admissions granted.
    pub admitted: i64,
    /// Admissions that lapsed without a hold (abandoned).
    pub abandoned: i64,
    /// Bookings made while the room was on (each through an admission).
    pub booked: i64,
    /// Booked / admitted, 0..1 (null before any admission).
    pub admission_to_booking_conversion: Option<f64>,
    /// The line per UTC minute with room events, oldest first (at most the last
    /// [`ROOM_MINUTES`]).
    pub minutes: Vec<RoomMinute>,
}

/// Most minutes of a room's line shown.
pub const ROOM_MINUTES: i64 = 240;

/// One minute of a waiting room's line.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoomMinute {
    /// The minute's start.
    pub minute: chrono::DateTime<chrono::Utc>,
    /// Buyers who joined in it.
    pub joined: i64,
    /// Buyers let in during it.
    pub admitted: i64,
    /// Buyers in line after its last room event.
    pub waiting: i64,
}

/// One UTC day of a listing's sales.
#[derive(Debug, Serialize, ToSchema)]
pub struct DailySales {
    /// The day, `YYYY-MM-DD`.
    pub day: String,
    /// Bookings made.
    pub bookings: i64,
    /// Seats booked.
    pub seats: i64,
    /// Money taken.
    pub revenue: i64,
    /// Money refunded.
    pub refunds: i64,
    /// Bookings cancelled.
    pub cancellations: i64,
}

/// How one listing sells: seats, money, conversion, waitlist, check-ins, and per day.
///
/// For the listing's organizer and admins; 403 for anyone else.
#[utoipa::path(
    get,
    path = "/listings/{listing_id}/analytics",
    tag = "organizer",
    params(("listing_id" = Uuid, Path, description = "The listing"), AfterParam),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The listing's figures", body = ListingAnalytics),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = crate::routes::Behind),
        (status = 500, response = problems::Internal),
    )
)]
async fn listing_analytics(
    State(state): State<QueryState>,
    AuthUser(actor): AuthUser,
    Path(listing): Path<String>,
    params: Params,
) -> Result<Json<ListingAnalytics>, QueryError> {
    let mut read = Reader::new(&params);
    let after = read.after();
    read.finish()?;
    state.caught_up(after, &["analytics"]).await?;
    let id = path_id(&listing, "listing")?;
    let mut conn = conn(&state).await?;
    let mut db = conn.db();
    let sql = format!(
        "SELECT {} FROM rm_listing_stats WHERE listing_id = $1",
        columns::<StatRow>()
    );
    let rows = db.rows(&sql, vec![Arg::from(id.clone())]).await?;
    let r = read_rows::<StatRow>(&rows)?
        .pop()
        .ok_or_else(|| ApiError::NotFound(format!("no listing {listing}")))?;
    if !owns(&actor, &r.organizer_id) {
        return Err(ApiError::Forbidden(
            "only the listing's organizer or an admin see its figures".into(),
        )
        .into());
    }
    let money = |v: i64| Amount::maybe(Some(v), r.currency.as_deref());
    let capacity = r
        .total_capacity
        .map_or(r.type_capacity, |total| total.min(r.type_capacity));
    let (held, sold) = (r.seats_held, r.seats_sold);
    let (holds_made, holds_confirmed) = (r.holds_made, r.holds_confirmed);
    let (revenue, refunds) = (r.revenue, r.refunds);
    let (tickets_valid, checked_in) = (r.tickets_valid, r.checked_in);
    let sql = format!(
        "SELECT {} FROM rm_daily_sales WHERE listing_id = $1 ORDER BY day",
        columns::<DailyRow>()
    );
    let daily = db.rows(&sql, vec![Arg::from(id.clone())]).await?;
    let daily = read_rows::<DailyRow>(&daily)?;
    let waiting_room = if r.room_on == 1 || r.room_joined > 0 {
        let sql = format!(
            "SELECT {} FROM rm_room_minutes WHERE listing_id = $1 ORDER BY minute DESC LIMIT {ROOM_MINUTES}",
            columns::<RoomMinuteRow>()
        );
        let rows = db.rows(&sql, vec![Arg::from(id.clone())]).await?;
        let mut minutes: Vec<RoomMinute> = read_rows::<RoomMinuteRow>(&rows)?
            .into_iter()
            .map(|m| RoomMinute {
                minute: crate::views::time(m.minute),
                joined: m.joined,
                admitted: m.admitted,
                waiting: m.waiting,
            })
            .collect();
        minutes.reverse();
        Some(RoomAnalytics {
            on: r.room_on == 1,
            joined: r.room_joined,
            waiting: r.room_waiting,
            admitted: r.room_admitted,
            abandoned: r.room_unused,
            booked: r.room_booked,
            admission_to_booking_conversion: rate(r.room_booked, r.room_admitted),
            minutes,
        })
    } else {
        None
    };
    Ok(Json(ListingAnalytics {
        listing_id: uuid(&id),
        title: r.title.clone(),
        status: r.status.clone(),
        capacity,
        seats_sold: sold,
        seats_held: held,
        seats_free: (capacity - held - sold).max(0),
        revenue: money(revenue),
        refunds: money(refunds),
        net_revenue: money(revenue - refunds),
        fill_rate: rate(sold, capacity),
        bookings: r.bookings,
        cancellations: r.cancellations,
        holds_made,
        holds_confirmed,
        hold_to_booking_conversion: rate(holds_confirmed, holds_made),
        waitlist_length: r.waitlist_length,
        offers_made: r.offers_made,
        offers_accepted: r.offers_accepted,
        tickets_valid,
        checked_in,
        check_in_rate: rate(checked_in, tickets_valid),
        daily: daily
            .into_iter()
            .map(|d| DailySales {
                day: d.day,
                bookings: d.bookings,
                seats: d.seats,
                revenue: d.revenue,
                refunds: d.refunds,
                cancellations: d.cancellations,
            })
            .collect(),
        waiting_room,
    }))
}
