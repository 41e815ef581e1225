//! Sales figures: one listing's (its organizer or an admin), and an organizer's totals.

mod listing;
mod organizer;

use eventlog::sql::{Arg, Db};
use projections::read_row;
use projections::record::{columns, read_rows};
use projections::rows::StatRow;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use crate::state::QueryState;
use crate::views::Amount;

/// These routes, with their documentation.
pub(super) fn routes() -> OpenApiRouter<QueryState> {
    OpenApiRouter::new()
        .merge(listing::routes())
        .merge(organizer::routes())
}

/// Totals over listings priced in one currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct CurrencyTotals {
    /// The currency.
    pub currency: String,
    /// Listings.
    pub listings: i64,
    /// Seats sold.
    pub seats_sold: i64,
    /// Bookings made.
    pub bookings: i64,
    /// Bookings cancelled.
    pub cancellations: i64,
    /// Money taken.
    pub revenue: Amount,
    /// Money refunded.
    pub refunds: Amount,
    /// Revenue minus refunds.
    pub net_revenue: Amount,
}

/// A listing ranked by revenue.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopListing {
    /// The listing.
    pub listing_id: Uuid,
    /// Its title.
    pub title: String,
    /// Its status.
    pub status: String,
    /// Seats sold.
    pub seats_sold: i64,
    /// Money taken.
    pub revenue: Option<Amount>,
}

read_row! {
    /// Sums over the listings priced in one currency.
    struct CurrencySums {
        /// The currency.
        currency: String,
        /// Listings.
        listings: i64,
        /// Seats sold.
        seats_sold: i64,
        /// Bookings made.
        bookings: i64,
        /// Bookings cancelled.
        cancellations: i64,
        /// Money taken.
        revenue: i64,
        /// Money refunded.
        refunds: i64,
    }
}

pub(super) fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap_or_default()
}

/// Totals per currency over the listings of `organizer` (all listings when None).
pub(crate) async fn totals(
    db: &mut Db<'_>,
    organizer: Option<String>,
) -> Result<Vec<CurrencyTotals>, sqlx::Error> {
    let (filter, args) = match organizer {
        Some(o) => ("AND organizer_id = $1", vec![Arg::from(o)]),
        None => ("", Vec::new()),
    };
    let sql = format!(
        "SELECT currency, COUNT(*) AS listings, CAST(SUM(seats_sold) AS BIGINT) AS seats_sold, \
         CAST(SUM(bookings) AS BIGINT) AS bookings, \
         CAST(SUM(cancellations) AS BIGINT) AS cancellations, \
         CAST(SUM(revenue) AS BIGINT) AS revenue, CAST(SUM(refunds) AS BIGINT) AS refunds \
         FROM rm_listing_stats WHERE currency IS NOT NULL {filter} \
         GROUP BY currency ORDER BY currency"
    );
    let rows = db.rows(&sql, args).await?;
    Ok(read_rows::<CurrencySums>(&rows)?
        .into_iter()
        .map(|s| CurrencyTotals {
            listings: s.listings,
            seats_sold: s.seats_sold,
            bookings: s.bookings,
            cancellations: s.cancellations,
            revenue: Amount::new(s.revenue, &s.currency),
            refunds: Amount::new(s.refunds, &s.currency),
            net_revenue: Amount::new(s.revenue - s.refunds, &s.currency),
            currency: s.currency,
        })
        .collect())
}

/// The `top` listings of `organizer` (all when None) by revenue.
pub(crate) async fn top_listings(
    db: &mut Db<'_>,
    organizer: Option<String>,
    top: i64,
) -> Result<Vec<TopListing>, sqlx::Error> {
    let (filter, mut args) = match organizer {
        Some(o) => ("WHERE organizer_id = $1", vec![Arg::from(o)]),
        None => ("", Vec::new()),
    };
    args.push(Arg::Int(top));
    let sql = format!(
        "SELECT {} FROM rm_listing_stats \
         {filter} ORDER BY revenue DESC, seats_sold DESC, listing_id LIMIT ${}",
        columns::<StatRow>(),
        args.len()
    );
    let rows = db.rows(&sql, args).await?;
    Ok(read_rows::<StatRow>(&rows)?
        .into_iter()
        .map(|s| TopListing {
            listing_id: uuid(&s.listing_id),
            revenue: Amount::maybe(Some(s.revenue), s.currency.as_deref()),
            title: s.title,
            status: s.status,
            seats_sold: s.seats_sold,
        })
        .collect())
}
