//! Request integers that the OpenAPI document calls `int32`: a `u32` field would take up
//! to 2^32 - 1, so these refuse anything above 2^31 - 1 as a 422 naming the field, and
//! the document's format stays true. Use with `#[serde(deserialize_with = ...)]`.

use serde::de::Error;
use serde::{Deserialize, Deserializer};

/// The largest value of an `int32` field.
pub const MAX: u32 = i32::MAX as u32;

fn fits<E: Error>(value: u32) -> Result<u32, E> {
    if value <= MAX {
        Ok(value)
    } else {
        Err(E::custom(format!(
            "{value} is out of range: at most {MAX} (int32)"
        )))
    }
}

/// A non-negative `int32`.
pub fn int32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    fits(u32::deserialize(deserializer)?)
}

/// An optional non-negative `int32` (`null` or absent: `None`; pair with `default`).
pub fn int32_opt<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u32>, D::Error> {
    Option::<u32>::deserialize(deserializer)?
        .map(fits)
        .transpose()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use crate::extract::json::parse;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        #[serde(deserialize_with = "super::int32")]
        seats: u32,
        #[serde(default, deserialize_with = "super::int32_opt")]
        total: Option<u32>,
    }

    fn field_of(body: &str) -> Option<String> {
        let error = parse::<Body>(body.as_bytes()).err()?;
        error.problem().errors.first().map(|f| f.field.clone())
    }

    #[test]
    fn two_to_the_31_is_refused_naming_the_field() {
        assert_eq!(
            field_of(r#"{"seats": 2147483648}"#).as_deref(),
            Some("seats")
        );
        let total = r#"{"seats": 1, "total": 2147483648}"#;
        assert_eq!(field_of(total).as_deref(), Some("total"));
    }

    #[test]
    fn the_largest_int32_and_a_missing_option_are_taken() {
        assert_eq!(field_of(r#"{"seats": 2147483647}"#), None);
        assert_eq!(field_of(r#"{"seats": 1, "total": null}"#), None);
    }
}
