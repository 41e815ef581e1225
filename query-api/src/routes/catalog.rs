//! Catalog search: published listings by words, city, category, dates, price and free
//! seats, ordered by start time or popularity, keyset-paginated.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use eventlog::sql::Arg;
use http_kit::openapi::problems;
use projections::read_row;
use projections::record::{columns, read_rows};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::access::conn;
use crate::cursor::Cursor;
use crate::error::QueryError;
use crate::params::{Params, Reader};
use crate::routes::AfterParam;
use crate::state::QueryState;
use crate::views::{time, Amount, Page};

pub(super) fn routes() -> OpenApiRouter<QueryState> {
    OpenApiRouter::new().routes(routes!(search))
}

/// Search filters and paging (all optional).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the query string; the handler reads it field by field
pub(crate) struct SearchParams {
    /// Words that must all appear in the title, description, venue, city or category.
    q: Option<String>,
    /// City, case-insensitive.
    city: Option<String>,
    /// Category, case-insensitive.
    category: Option<String>,
    /// Only listings starting at or after this time (RFC 3339).
    starts_after: Option<DateTime<Utc>>,
    /// Only listings starting at or before this time (RFC 3339).
    starts_before: Option<DateTime<Utc>>,
    /// Only listings with a ticket at or above this price (minor units).
    #[param(minimum = 0)]
    min_price: Option<i64>,
    /// Only listings with a ticket at or below this price (minor units).
    #[param(minimum = 0)]
    max_price: Option<i64>,
    /// Only listings with free seats (true) or sold out (false).
    has_seats: Option<bool>,
    /// `starts_at` (soonest first, the default) or `popularity` (most seats sold first).
    sort: Option<String>,
    /// Page size, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// A listing in search results.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListingSummary {
    /// The listing.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Venue name.
    pub venue: String,
    /// City.
    pub city: String,
    /// ISO 3166 country code.
    pub country: String,
    /// Category.
    pub category: String,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends.
    pub ends_at: DateTime<Utc>,
    /// The cheapest ticket (null without ticket types).
    pub min_price: Option<Amount>,
    /// The dearest ticket.
    pub max_price: Option<Amount>,
    /// Seats that can still be held.
    pub seats_free: i64,
    /// Seats sold.
    pub seats_sold: i64,
    /// `published` or `sales_closed`.
    pub status: String,
}

read_row! {
    /// What a search result shows of an `rm_listings` row: only these columns are read,
    /// not the description and search text a detail or the fold needs (the search reply is
    /// a page of these, so every column less is copied out of SQLite twenty times less).
    struct SummaryRow {
        listing_id: String,
        status: String,
        title: String,
        venue_name: String,
        city: String,
        country: String,
        category: String,
        starts_at: i64,
        ends_at: i64,
        currency: Option<String>,
        min_price: Option<i64>,
        max_price: Option<i64>,
        seats_free: i64,
        seats_sold: i64,
    }
}

impl ListingSummary {
    /// The summary of a catalog row.
    fn of(row: SummaryRow) -> Self {
        let currency = row.currency.as_deref();
        Self {
            id: Uuid::parse_str(&row.listing_id).unwrap_or_default(),
            min_price: Amount::maybe(row.min_price, currency),
            max_price: Amount::maybe(row.max_price, currency),
            title: row.title,
            venue: row.venue_name,
            city: row.city,
            country: row.country,
            category: row.category,
            starts_at: time(row.starts_at),
            ends_at: time(row.ends_at),
            seats_free: row.seats_free,
            seats_sold: row.seats_sold,
            status: row.status,
        }
    }
}

/// `word` as a LIKE pattern matching it anywhere, its wildcards taken literally.
fn contains(word: &str) -> String {
    let escaped = word
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A WHERE clause under construction, numbering its placeholders.
#[derive(Default)]
struct Filter {
    clauses: Vec<String>,
    args: Vec<Arg>,
}

impl Filter {
    /// Adds `clause`, in which `?` stands for the next placeholder, bound to `arg`.
    fn add(&mut self, clause: &str, arg: impl Into<Arg>) {
        self.args.push(arg.into());
        let n = self.args.len();
        self.clauses.push(clause.replace('?', &format!("${n}")));
    }

    /// Adds `clause` with two placeholders `?1`, `?2`.
    fn add2(&mut self, clause: &str, a: impl Into<Arg>, b: impl Into<Arg>) {
        self.args.push(a.into());
        self.args.push(b.into());
        let n = self.args.len();
        let clause = clause
            .replace("?1", &format!("${}", n - 1))
            .replace("?2", &format!("${n}"));
        self.clauses.push(clause);
    }
}

/// Searches published listings.
///
/// Every word of `q` must appear; filters combine with AND. Paging is by keyset: pass
/// `next_cursor` back as `cursor`, and listings published meanwhile never cause a row to
/// be repeated or skipped.
#[utoipa::path(
    get,
    path = "/listings",
    tag = "catalog",
    params(SearchParams, AfterParam),
    responses(
        (status = 200, description = "One page of matching listings", body = Page<ListingSummary>),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = crate::routes::Behind),
        (status = 500, response = problems::Internal),
    )
)]
async fn search(
    State(state): State<QueryState>,
    params: Params,
) -> Result<Json<Page<ListingSummary>>, QueryError> {
    let mut read = Reader::new(&params);
    let after = read.after();
    let sort = read.choice("sort", &["starts_at", "popularity"]);
    let limit = read.limit();
    let cursor = read.cursor(sort);
    let mut filter = Filter::default();
    filter
        .clauses
        .push("status IN ('published', 'sales_closed')".into());
    for word in read.text("q").unwrap_or_default().split_whitespace() {
        filter.add("search_text LIKE ? ESCAPE '\\'", contains(word));
    }
    if let Some(city) = read.text("city") {
        filter.add("city_key = ?", city.to_lowercase());
    }
    if let Some(category) = read.text("category") {
        filter.add("category_key = ?", category.to_lowercase());
    }
    if let Some(at) = read.time("starts_after") {
        filter.add("starts_at >= ?", at);
    }
    if let Some(at) = read.time("starts_before") {
        filter.add("starts_at <= ?", at);
    }
    if let Some(price) = read.int("min_price", 0, i64::MAX) {
        filter.add("max_price >= ?", price);
    }
    if let Some(price) = read.int("max_price", 0, i64::MAX) {
        filter.add("min_price <= ?", price);
    }
    match read.bool("has_seats") {
        Some(true) => filter.clauses.push("seats_free > 0".into()),
        Some(false) => filter.clauses.push("seats_free = 0".into()),
        None => {}
    }
    read.finish()?;
    state.caught_up(after, &["catalog"]).await?;

    let order = if sort == "popularity" {
        if let Some(c) = &cursor {
            filter.add2("(seats_sold, listing_id) < (?1, ?2)", c.key, c.id.clone());
        }
        "seats_sold DESC, listing_id DESC"
    } else {
        if let Some(c) = &cursor {
            filter.add2("(starts_at, listing_id) > (?1, ?2)", c.key, c.id.clone());
        }
        "starts_at, listing_id"
    };
    filter.args.push(Arg::Int(limit + 1));
    let sql = format!(
        "SELECT {} FROM rm_listings WHERE {} ORDER BY {order} LIMIT ${}",
        columns::<SummaryRow>(),
        filter.clauses.join(" AND "),
        filter.args.len()
    );
    let mut conn = conn(&state).await?;
    let rows = conn.db().rows(&sql, filter.args).await?;
    let mut items: Vec<ListingSummary> = read_rows::<SummaryRow>(&rows)?
        .into_iter()
        .map(ListingSummary::of)
        .collect();
    let next_cursor = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|last| {
            let key = if sort == "popularity" {
                last.seats_sold
            } else {
                last.starts_at.timestamp_millis()
            };
            Cursor::new(sort, key, &last.id.to_string()).encode()
        })
    } else {
        None
    };
    Ok(Json(Page { items, next_cursor }))
}
