//! Why a raw input is not a valid value.

/// A raw input that cannot become a value type; the API maps it to a 422 field error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// Text was empty after trimming.
    #[error("must not be empty")]
    EmptyText,
    /// Text was longer than allowed.
    #[error("must be at most {max} characters (got {len})")]
    TextTooLong {
        /// Maximum length in characters.
        max: usize,
        /// Actual length in characters.
        len: usize,
    },
    /// Single-line text contained a control character such as a newline.
    #[error("must be a single line without control characters")]
    ControlCharacter,
    /// A seat count outside `1..=max`.
    #[error("seat count must be between 1 and {max} (got {value})")]
    SeatCountOutOfRange {
        /// The rejected count.
        value: u64,
        /// Largest allowed count.
        max: u32,
    },
    /// Not a usable e-mail address.
    #[error("not a valid e-mail address: {reason}")]
    InvalidEmail {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Not an ISO 4217 code of three upper-case letters.
    #[error("currency must be three letters like EUR (got {value:?})")]
    InvalidCurrency {
        /// The rejected input.
        value: String,
    },
    /// A negative amount of money.
    #[error("amount must not be negative (got {amount} minor units)")]
    NegativeAmount {
        /// The rejected amount in minor units.
        amount: i64,
    },
    /// A ticket code in the wrong format.
    #[error("ticket code {reason}")]
    InvalidTicketCode {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Not an IANA time zone name like `Europe/Paris` or `UTC`.
    #[error("time zone must be an IANA name like Europe/Paris or UTC (got {value:?})")]
    InvalidTimeZone {
        /// The rejected input.
        value: String,
    },
    /// Not an ISO 3166-1 alpha-2 country code.
    #[error("country must be a two-letter code like FR (got {value:?})")]
    InvalidCountryCode {
        /// The rejected input.
        value: String,
    },
    /// A payment reference that is empty, too long or contains spaces.
    #[error("payment reference must be 1 to 128 visible characters without spaces")]
    InvalidPaymentReference,
    /// A password hash that is empty.
    #[error("password hash must not be empty")]
    EmptyPasswordHash,
    /// A hold or offer duration outside the allowed range.
    #[error("duration must be between {min_seconds} and {max_seconds} seconds (got {seconds})")]
    DurationOutOfRange {
        /// The rejected duration in seconds.
        seconds: i64,
        /// Shortest allowed duration in seconds.
        min_seconds: i64,
        /// Longest allowed duration in seconds.
        max_seconds: i64,
    },
}
