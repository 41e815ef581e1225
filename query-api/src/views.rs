//! Shapes shared by many answers: money, times and rates.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// An amount of money in minor units (cents) with its ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Amount {
    /// The amount in minor units, e.g. 2500 for 25.00.
    pub amount_minor: i64,
    /// The currency, e.g. `EUR`.
    pub currency: String,
}

impl Amount {
    /// `amount_minor` of `currency`.
    pub fn new(amount_minor: i64, currency: &str) -> Self {
        Self {
            amount_minor,
            currency: currency.to_owned(),
        }
    }

    /// An amount when both parts are known.
    pub fn maybe(amount_minor: Option<i64>, currency: Option<&str>) -> Option<Self> {
        Some(Self::new(amount_minor?, currency?))
    }
}

/// A stored time (milliseconds since the epoch, UTC), answered as RFC 3339.
pub fn time(millis: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(millis).unwrap_or_default()
}

/// `part / whole`, or None when `whole` is 0.
pub fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// A page of a keyset-paginated list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}
