//! A syntactically plausible e-mail address, normalised to lower case.

use super::ValueError;
use serde::{Deserialize, Serialize};

/// An e-mail address: trimmed, lower-cased, `local@domain.tld`, at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

const LOCAL_SPECIALS: &str = ".!#$%&'*+/=?^_`{|}~-";

impl Email {
    /// Parses an address; whether it exists is proven by verification, not here.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let address = raw.trim().to_lowercase();
        let invalid = |reason| Err(ValueError::InvalidEmail { reason });
        if address.len() > 254 {
            return invalid("longer than 254 characters");
        }
        let Some((local, domain)) = address.split_once('@') else {
            return invalid("missing @");
        };
        if local.is_empty() || local.len() > 64 {
            return invalid("the part before @ must be 1 to 64 characters");
        }
        if !local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || LOCAL_SPECIALS.contains(c))
        {
            return invalid("the part before @ contains a character that is not allowed");
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2 {
            return invalid("the domain needs a dot, like example.com");
        }
        let label_ok = |label: &&str| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        if !labels.iter().all(label_ok) {
            return invalid("the domain is not a valid host name");
        }
        Ok(Self(address))
    }
}
string_value!(Email, display);
