//! Catalog search: published listings by words, city, category, dates, price and free
//! seats, ordered by start time or popularity, keyset-paginated.

use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use eventlog::sql::Arg;
use eventlog::Backend;
use http_kit::openapi::problems;
use projections::read_row;
use projections::record::{columns, read_rows};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::access::conn;
use crate::cache::Query;
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
    /// Words (at most 12) that must each begin a word of the title, description, venue,
    /// address, city or category: `jazz ly` finds "Jazz night" in Lyon. Words are runs of
    /// letters and digits; case does not matter, accents do. With `q`, results come best
    /// match first (a word in the title counts most, then one in the city or category).
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
    /// `relevance` (best match first, then soonest; the default with `q`), `starts_at`
    /// (soonest first; the default without `q`) or `popularity` (most seats sold first).
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
    /// The IANA time zone its times are meant to be shown in, e.g. `Europe/Paris`.
    pub time_zone: String,
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
    /// A match's relevance score, beside its summary.
    struct Score {
        relevance: i64,
    }
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
        time_zone: String,
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
            time_zone: row.time_zone,
            seats_free: row.seats_free,
            seats_sold: row.seats_sold,
            status: row.status,
        }
    }
}

/// Most words a query may have: each is one more index lookup and one more term of the
/// relevance score.
const MAX_WORDS: usize = 12;

/// The words of a query as both backends' full-text indexes see them: runs of letters and
/// digits, lower-cased (migration 0006 makes the indexes split text the same way).
fn words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// `words` as a full-text query that every word must match as a word prefix, in the
/// backend's syntax. The words hold only letters and digits, so nothing needs escaping.
fn full_text_query(words: &[String], postgres: bool) -> String {
    if postgres {
        let terms: Vec<String> = words.iter().map(|w| format!("'{w}':*")).collect();
        terms.join(" & ")
    } else {
        let terms: Vec<String> = words.iter().map(|w| format!("\"{w}\"*")).collect();
        terms.join(" ")
    }
}

/// The clause matching listings whose search text holds every word of `query`, using the
/// backend's full-text index (the PostgreSQL expression is the index's, verbatim).
fn full_text_clause(postgres: bool) -> &'static str {
    if postgres {
        "to_tsvector('simple', regexp_replace(search_text, '[^[:alnum:]]+', ' ', 'g')) \
         @@ to_tsquery('simple', ?)"
    } else {
        "rowid IN (SELECT rowid FROM rm_listings__fts WHERE rm_listings__fts MATCH ?)"
    }
}

/// `word` as a LIKE pattern matching it at the start of a word (after a space), its
/// wildcards taken literally.
fn word_start(word: &str) -> String {
    let escaped = word
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("% {escaped}%")
}

/// How well a listing matches `words`, the same on both backends and independent of the
/// other listings (so a keyset over it stays exact while listings are published): 3 for
/// each word that starts a word of the title, 1 for each that starts the city or the
/// category. The title is read from `search_text`, which begins with it lower-cased.
fn relevance(filter: &mut Filter, words: &[String]) -> String {
    let terms: Vec<String> = words
        .iter()
        .map(|w| {
            filter.args.push(Arg::Text(word_start(w)));
            let n = filter.args.len();
            format!(
                "(CASE WHEN ' ' || substr(search_text, 1, length(title)) LIKE ${n} ESCAPE '\\' \
                 THEN 3 ELSE 0 END + CASE WHEN ' ' || city_key || ' ' || category_key \
                 LIKE ${n} ESCAPE '\\' THEN 1 ELSE 0 END)"
            )
        })
        .collect();
    if terms.is_empty() {
        "CAST(0 AS BIGINT)".into()
    } else {
        format!("CAST({} AS BIGINT)", terms.join(" + "))
    }
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

/// A search, parsed: what decides its answer, and so the key of a cached answer (two
/// spellings of one search share it; `after` is not part of it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct SearchKey {
    /// Whether `q` was given (even if it held no word).
    searching: bool,
    words: Vec<String>,
    city: Option<String>,
    category: Option<String>,
    starts_after: Option<i64>,
    starts_before: Option<i64>,
    min_price: Option<i64>,
    max_price: Option<i64>,
    has_seats: Option<bool>,
    sort: &'static str,
    limit: i64,
    cursor: Option<Cursor>,
}

impl SearchKey {
    /// Bytes it holds beyond its size.
    pub(crate) fn heap(&self) -> usize {
        let text = |t: &Option<String>| t.as_ref().map_or(0, String::len);
        self.words.iter().map(|w| w.len() + 24).sum::<usize>()
            + text(&self.city)
            + text(&self.category)
            + self
                .cursor
                .as_ref()
                .map_or(0, |c| c.kind.len() + c.id.len())
    }
}

/// Searches published listings.
///
/// Every word of `q` must begin a word of the listing's text (full-text indexes on both
/// backends); filters combine with AND. Paging is by keyset: pass
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
async fn search(State(state): State<QueryState>, params: Params) -> Result<Response, QueryError> {
    let mut read = Reader::new(&params);
    let after = read.after();
    let q = read.text("q");
    let words = q.as_deref().map(words).unwrap_or_default();
    if words.len() > MAX_WORDS {
        read.refuse("q", format!("must have at most {MAX_WORDS} words"));
    }
    let searching = q.is_some();
    // With words, the best matches come first unless another order is asked for.
    let orders: &[&'static str] = if searching {
        &["relevance", "starts_at", "popularity"]
    } else {
        &["starts_at", "popularity", "relevance"]
    };
    let sort = read.choice("sort", orders);
    let limit = read.limit();
    let cursor = read.cursor(sort);
    let key = SearchKey {
        searching,
        words,
        city: read.text("city").map(|c| c.to_lowercase()),
        category: read.text("category").map(|c| c.to_lowercase()),
        starts_after: read.time("starts_after"),
        starts_before: read.time("starts_before"),
        min_price: read.int("min_price", 0, i64::MAX),
        max_price: read.int("max_price", 0, i64::MAX),
        has_seats: read.bool("has_seats"),
        sort,
        limit,
        cursor,
    };
    read.finish()?;
    state.caught_up(after, &["catalog"]).await?;
    let cache = state.cache.clone();
    cache
        .answer(Query::Search(Box::new(key.clone())), page(&state, key))
        .await
}

/// The page of listings `search` asks for, read from the catalog.
async fn page(state: &QueryState, search: SearchKey) -> Result<Page<ListingSummary>, QueryError> {
    let SearchKey {
        searching,
        words,
        sort,
        limit,
        cursor,
        ..
    } = &search;
    let (sort, limit) = (*sort, *limit);
    let postgres = state.log.backend() == Backend::Postgres;
    let mut filter = Filter::default();
    filter
        .clauses
        .push("status IN ('published', 'sales_closed')".into());
    if *searching {
        if words.is_empty() {
            // Nothing but punctuation: no word to find, so nothing matches.
            filter.clauses.push("1 = 0".into());
        } else {
            filter.add(full_text_clause(postgres), full_text_query(words, postgres));
        }
    }
    if let Some(city) = &search.city {
        filter.add("city_key = ?", city.clone());
    }
    if let Some(category) = &search.category {
        filter.add("category_key = ?", category.clone());
    }
    if let Some(at) = search.starts_after {
        filter.add("starts_at >= ?", at);
    }
    if let Some(at) = search.starts_before {
        filter.add("starts_at <= ?", at);
    }
    if let Some(price) = search.min_price {
        filter.add("max_price >= ?", price);
    }
    if let Some(price) = search.max_price {
        filter.add("min_price <= ?", price);
    }
    match search.has_seats {
        Some(true) => filter.clauses.push("seats_free > 0".into()),
        Some(false) => filter.clauses.push("seats_free = 0".into()),
        None => {}
    }

    let relevance = relevance(&mut filter, words);

    // The page is chosen over the matches with their score, so the keyset can use it.
    let mut outer = Filter {
        clauses: vec!["1 = 1".into()],
        args: std::mem::take(&mut filter.args),
    };
    let order = match sort {
        "popularity" => {
            if let Some(c) = cursor {
                outer.add2("(seats_sold, listing_id) < (?1, ?2)", c.key, c.id.clone());
            }
            "seats_sold DESC, listing_id DESC"
        }
        "relevance" => {
            if let Some(c) = cursor {
                outer.add("relevance <= ?", c.key);
                let n = outer.args.len();
                outer.add2(
                    &format!("(relevance < ${n} OR (starts_at, listing_id) > (?1, ?2))"),
                    c.then,
                    c.id.clone(),
                );
            }
            "relevance DESC, starts_at, listing_id"
        }
        _ => {
            if let Some(c) = cursor {
                outer.add2("(starts_at, listing_id) > (?1, ?2)", c.key, c.id.clone());
            }
            "starts_at, listing_id"
        }
    };
    outer.args.push(Arg::Int(limit + 1));
    let sql = format!(
        "SELECT * FROM (SELECT {}, {relevance} AS relevance FROM rm_listings WHERE {}) \
         AS matches WHERE {} ORDER BY {order} LIMIT ${}",
        columns::<SummaryRow>(),
        filter.clauses.join(" AND "),
        outer.clauses.join(" AND "),
        outer.args.len()
    );
    let mut conn = conn(state).await?;
    let rows = conn.db().rows(&sql, outer.args).await?;
    let scores = read_rows::<Score>(&rows)?;
    let mut items: Vec<ListingSummary> = read_rows::<SummaryRow>(&rows)?
        .into_iter()
        .map(ListingSummary::of)
        .collect();
    let next_cursor = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|last| {
            let id = last.id.to_string();
            let starts_at = last.starts_at.timestamp_millis();
            match sort {
                "popularity" => Cursor::new(sort, last.seats_sold, &id),
                "relevance" => {
                    let score = scores[limit as usize - 1].relevance;
                    Cursor::new(sort, score, &id).then(starts_at)
                }
                _ => Cursor::new(sort, starts_at, &id),
            }
            .encode()
        })
    } else {
        None
    };
    Ok(Page { items, next_cursor })
}
