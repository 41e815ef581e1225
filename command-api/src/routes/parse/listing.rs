//! The pieces of listing bodies (venue, sales window, ticket types, prices) and their
//! parsing into domain values, shared by creating a listing and changing it.

use chrono::{DateTime, Utc};
use domain::listing::{
    BuyerLimits, ListingDetails, NewTicketType, SalesWindow, Venue, DEFAULT_HOLDS_PER_MINUTE,
    MAX_HOLDS_PER_MINUTE, MAX_TYPE_CAPACITY,
};
use domain::{
    CountryCode, Currency, LongText, Money, SeatCount, ShortText, TicketTypeId, TimeZoneName,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::Fields;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
/// Where the listing takes place.
pub(crate) struct VenueBody {
    /// The venue's name.
    #[schema(min_length = 1, max_length = 200)]
    name: String,
    /// Street and number.
    #[schema(min_length = 1, max_length = 200)]
    address: String,
    /// The city.
    #[schema(min_length = 1, max_length = 200)]
    city: String,
    /// ISO 3166-1 alpha-2 code, e.g. `FR`.
    country: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
/// When tickets may be bought.
pub(crate) struct SalesBody {
    /// Sales open.
    opens_at: DateTime<Utc>,
    /// Sales close.
    closes_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
/// A ticket type: its name, price per seat and seats.
pub(crate) struct TicketTypeBody {
    /// Shown to buyers.
    #[schema(min_length = 1, max_length = 200)]
    name: String,
    /// Price per seat.
    price: PriceBody,
    /// Seats of this type (1 to 1,000,000).
    #[serde(deserialize_with = "http_kit::extract::int32")]
    #[schema(minimum = 1, maximum = 1_000_000)]
    capacity: u32,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
/// A price in minor units of a currency.
struct PriceBody {
    /// Price per seat in minor units (cents); 0 means free.
    amount: i64,
    /// ISO 4217 code, e.g. `EUR`.
    currency: String,
}

/// The detail fields of a listing request, borrowed, whichever body they came in.
pub(crate) struct DetailsRef<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub venue: &'a VenueBody,
    pub category: &'a str,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: &'a str,
    pub sales: &'a SalesBody,
    pub max_tickets_per_booking: u32,
}

/// Parses listing details, recording each wrong field in `f`.
pub(crate) fn parse_details(f: &mut Fields, d: DetailsRef<'_>) -> Option<ListingDetails> {
    let title = f.check("title", ShortText::parse(d.title));
    let description = if d.description.is_empty() {
        Some(LongText::default())
    } else {
        f.check("description", LongText::parse(d.description))
    };
    let venue_name = f.check("venue.name", ShortText::parse(&d.venue.name));
    let address = f.check("venue.address", ShortText::parse(&d.venue.address));
    let city = f.check("venue.city", ShortText::parse(&d.venue.city));
    let country = f.check("venue.country", CountryCode::parse(&d.venue.country));
    let category = f.check("category", ShortText::parse(d.category));
    let time_zone = f.check("time_zone", TimeZoneName::parse(d.time_zone));
    let max = f.check(
        "max_tickets_per_booking",
        SeatCount::new(d.max_tickets_per_booking),
    );
    Some(ListingDetails {
        title: title?,
        description: description?,
        venue: Venue {
            name: venue_name?,
            address: address?,
            city: city?,
            country: country?,
        },
        category: category?,
        starts_at: d.starts_at,
        ends_at: d.ends_at,
        time_zone: time_zone?,
        sales: SalesWindow {
            opens_at: d.sales.opens_at,
            closes_at: d.sales.closes_at,
        },
        max_tickets_per_booking: max?,
    })
}

/// Parses one ticket type (a fresh id is minted), recording wrong fields under `prefix`.
pub(crate) fn parse_ticket_type(
    f: &mut Fields,
    prefix: &str,
    t: &TicketTypeBody,
) -> Option<NewTicketType> {
    let name = f.check(&format!("{prefix}.name"), ShortText::parse(&t.name));
    let currency = f.check(
        &format!("{prefix}.price.currency"),
        Currency::parse(&t.price.currency),
    );
    let price = currency.and_then(|c| {
        f.check(
            &format!("{prefix}.price.amount"),
            Money::new(t.price.amount, c),
        )
    });
    Some(NewTicketType {
        id: TicketTypeId::from(Uuid::now_v7()),
        name: name?,
        price: price?,
        capacity: t.capacity,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
/// What one account may claim of a listing and how fast it may hold.
pub(crate) struct BuyerLimitsBody {
    /// Most seats one account may hold, be offered, wait for and have booked at once
    /// (1 to 1,000,000); absent or null: the listing's `max_tickets_per_booking`.
    #[serde(default, deserialize_with = "http_kit::extract::int32_opt")]
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub max_seats: Option<u32>,
    /// Most holds one account may start in any minute (1 to 10,000); absent or null: 5.
    #[serde(default, deserialize_with = "http_kit::extract::int32_opt")]
    #[schema(minimum = 1, maximum = 10_000)]
    pub holds_per_minute: Option<u32>,
}

/// Parses per-buyer limits, recording wrong fields under `prefix` (`""` or `"buyer_limits."`).
pub(crate) fn parse_buyer_limits(
    f: &mut Fields,
    prefix: &str,
    b: &BuyerLimitsBody,
) -> Option<BuyerLimits> {
    let mut ok = true;
    if let Some(max) = b.max_seats {
        if !(1..=MAX_TYPE_CAPACITY).contains(&max) {
            f.push(
                format!("{prefix}max_seats"),
                format!("must be between 1 and {MAX_TYPE_CAPACITY} (got {max})"),
            );
            ok = false;
        }
    }
    let holds_per_minute = b.holds_per_minute.unwrap_or(DEFAULT_HOLDS_PER_MINUTE);
    if !(1..=MAX_HOLDS_PER_MINUTE).contains(&holds_per_minute) {
        f.push(
            format!("{prefix}holds_per_minute"),
            format!("must be between 1 and {MAX_HOLDS_PER_MINUTE} (got {holds_per_minute})"),
        );
        ok = false;
    }
    ok.then_some(BuyerLimits {
        max_seats: b.max_seats,
        holds_per_minute,
    })
}
