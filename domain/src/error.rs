//! The umbrella error of decisions that span aggregates.

use crate::account::AccountError;
use crate::booking::BookingError;
use crate::listing::ListingError;

/// A rejection from any aggregate; cross-aggregate flows return this.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The listing rejected the command.
    #[error(transparent)]
    Listing(#[from] ListingError),
    /// The booking rejected the command.
    #[error(transparent)]
    Booking(#[from] BookingError),
    /// The account rejected the command.
    #[error(transparent)]
    Account(#[from] AccountError),
}
