//! Validated free-text values: labels, descriptions and country codes.

use super::ValueError;
use serde::{Deserialize, Serialize};

/// Longest [`ShortText`] in characters.
pub const SHORT_TEXT_MAX: usize = 200;
/// Longest [`LongText`] in characters.
pub const LONG_TEXT_MAX: usize = 10_000;

/// A trimmed, non-empty, single-line text of at most 200 characters (titles, names, cities).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ShortText(String);

impl ShortText {
    /// Parses a label, trimming surrounding whitespace.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(ValueError::EmptyText);
        }
        check_len(text, SHORT_TEXT_MAX)?;
        if text.chars().any(char::is_control) {
            return Err(ValueError::ControlCharacter);
        }
        Ok(Self(text.to_owned()))
    }
}
string_value!(ShortText, display);

/// A trimmed text of at most 10,000 characters that may be empty and span lines.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LongText(String);

impl LongText {
    /// Parses a description, trimming surrounding whitespace.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let text = raw.trim();
        check_len(text, LONG_TEXT_MAX)?;
        // Newlines and tabs are formatting; other control characters are never meant.
        if text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
        {
            return Err(ValueError::ControlCharacter);
        }
        Ok(Self(text.to_owned()))
    }
}
string_value!(LongText, display);

/// An ISO 3166-1 alpha-2 country code such as `FR`, stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(String);

impl CountryCode {
    /// Parses a two-letter code, accepting lower case.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let code = raw.trim().to_ascii_uppercase();
        if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(code))
        } else {
            Err(ValueError::InvalidCountryCode {
                value: raw.to_owned(),
            })
        }
    }
}
string_value!(CountryCode, display);

fn check_len(text: &str, max: usize) -> Result<(), ValueError> {
    let len = text.chars().count();
    if len > max {
        Err(ValueError::TextTooLong { max, len })
    } else {
        Ok(())
    }
}
