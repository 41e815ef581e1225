//! An IANA time zone name such as `Europe/Paris`, checked for plausibility only.

use super::ValueError;
use serde::{Deserialize, Serialize};

/// A plausible IANA zone name: `UTC`, or `Area/Location[/Sub]` with a known area.
///
/// The domain keeps times in UTC; the zone is only how the listing is displayed, so a
/// shape check (no tz database) is enough and keeps the domain free of data files.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZoneName(String);

const AREAS: [&str; 11] = [
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
    "Etc",
];

impl TimeZoneName {
    /// Parses `UTC` or an `Area/Location` name.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let name = raw.trim();
        if name == "UTC" || is_plausible(name) {
            Ok(Self(name.to_owned()))
        } else {
            Err(ValueError::InvalidTimeZone {
                value: raw.to_owned(),
            })
        }
    }
}
string_value!(TimeZoneName, display);

fn is_plausible(name: &str) -> bool {
    let parts: Vec<&str> = name.split('/').collect();
    let segment_ok = |part: &&str| {
        part.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
    };
    name.len() <= 64
        && (2..=3).contains(&parts.len())
        && AREAS.contains(&parts[0])
        && parts[1..].iter().all(segment_ok)
}
