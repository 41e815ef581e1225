//! Money in integer minor units with an ISO 4217 currency; never floating point.

use super::ValueError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 currency code: three upper-case ASCII letters such as `EUR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    /// Parses a three-letter code; lower case is accepted and stored upper-case.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let bytes = raw.trim().as_bytes();
        match bytes {
            [a, b, c] if bytes.iter().all(u8::is_ascii_alphabetic) => Ok(Self([
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase(),
                c.to_ascii_uppercase(),
            ])),
            _ => Err(ValueError::InvalidCurrency {
                value: raw.to_owned(),
            }),
        }
    }

    /// The code, e.g. `"EUR"`.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored, so this cannot fail.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Digits after the decimal point, used only to display amounts.
    pub fn minor_digits(&self) -> u32 {
        match self.as_str() {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF"
            | "UGX" | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            _ => 2,
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = ValueError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Currency> for String {
    fn from(currency: Currency) -> String {
        currency.as_str().to_owned()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A non-negative amount in minor units (cents) of one currency; zero means free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "MoneyRepr", into = "MoneyRepr")]
pub struct Money {
    amount_minor: i64,
    currency: Currency,
}

/// The serialized shape of [`Money`]: `{"amount_minor": 1250, "currency": "EUR"}`.
#[derive(Serialize, Deserialize)]
struct MoneyRepr {
    amount_minor: i64,
    currency: Currency,
}

impl Money {
    /// An amount in minor units; negative amounts are rejected.
    pub fn new(amount_minor: i64, currency: Currency) -> Result<Self, ValueError> {
        if amount_minor < 0 {
            return Err(ValueError::NegativeAmount {
                amount: amount_minor,
            });
        }
        Ok(Self {
            amount_minor,
            currency,
        })
    }

    /// Zero in the given currency.
    pub const fn zero(currency: Currency) -> Self {
        Self {
            amount_minor: 0,
            currency,
        }
    }

    /// The amount in minor units.
    pub const fn amount_minor(&self) -> i64 {
        self.amount_minor
    }

    /// The currency.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// Whether this is free.
    pub const fn is_zero(&self) -> bool {
        self.amount_minor == 0
    }

    /// This amount times a count, or `None` on overflow.
    pub fn checked_mul(&self, count: u32) -> Option<Self> {
        let amount_minor = self.amount_minor.checked_mul(i64::from(count))?;
        Some(Self {
            amount_minor,
            currency: self.currency,
        })
    }

    /// The sum, or `None` on overflow or when currencies differ.
    pub fn checked_add(&self, other: &Money) -> Option<Self> {
        if self.currency != other.currency {
            return None;
        }
        let amount_minor = self.amount_minor.checked_add(other.amount_minor)?;
        Some(Self {
            amount_minor,
            currency: self.currency,
        })
    }
}

impl TryFrom<MoneyRepr> for Money {
    type Error = ValueError;

    fn try_from(repr: MoneyRepr) -> Result<Self, Self::Error> {
        Self::new(repr.amount_minor, repr.currency)
    }
}

impl From<Money> for MoneyRepr {
    fn from(money: Money) -> Self {
        Self {
            amount_minor: money.amount_minor,
            currency: money.currency,
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.currency.minor_digits();
        if digits == 0 {
            return write!(f, "{} {}", self.amount_minor, self.currency);
        }
        let scale = 10_i64.pow(digits);
        let (major, minor) = (self.amount_minor / scale, self.amount_minor % scale);
        write!(
            f,
            "{major}.{minor:0width$} {}",
            self.currency,
            width = digits as usize
        )
    }
}
