//! Opaque strings the domain stores but never interprets: password hashes, payment references.

use super::ValueError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A password hash computed by the caller (e.g. argon2 PHC string); redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a non-empty hash; the domain never hashes or compares passwords.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        if raw.trim().is_empty() {
            return Err(ValueError::EmptyPasswordHash);
        }
        Ok(Self(raw.to_owned()))
    }
}
string_value!(PasswordHash);

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

/// The payment provider's reference for a paid booking (1 to 128 visible ASCII characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PaymentReference(String);

impl PaymentReference {
    /// Parses a reference such as `pi_3N8x...`.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let reference = raw.trim();
        if reference.is_empty()
            || reference.len() > 128
            || !reference.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(ValueError::InvalidPaymentReference);
        }
        Ok(Self(reference.to_owned()))
    }
}
string_value!(PaymentReference, display);
