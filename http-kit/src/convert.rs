//! How the domain's rejections and the log's failures become HTTP errors: not found,
//! forbidden, a 422 on the field it is about (the admission token) or a 409 with the
//! domain's message; a concurrent change is a 409 to retry; storage failures are internal.

use domain::account::AccountError;
use domain::booking::BookingError;
use domain::listing::ListingError;
use domain::DomainError;
use eventlog::{AppendError, LogError};

use crate::admission::FIELD as ADMISSION_TOKEN;
use crate::error::ApiError;

impl From<ListingError> for ApiError {
    fn from(error: ListingError) -> Self {
        use ListingError as E;
        let message = error.to_string();
        match error {
            E::ListingNotFound | E::UnknownHold { .. } | E::UnknownWaitlistEntry { .. } => {
                Self::NotFound(message)
            }
            E::UnknownTicketType { .. } => Self::NotFound(message),
            E::OnlyOrganizersCreateListings
            | E::NotYourListing { .. }
            | E::NotYourHold { .. }
            | E::NotYourWaitlistEntry { .. }
            | E::AdmissionOfAnotherAccount => Self::Forbidden(message),
            // What the request's `admission_token` field holds is wrong for this request.
            E::AdmissionTokenRequired | E::AdmissionForAnotherListing => {
                Self::field(ADMISSION_TOKEN, message)
            }
            E::HoldRateExceeded { retry_after, .. } => Self::TooManyRequests {
                message,
                retry_after,
            },
            _ => Self::Rejected(message),
        }
    }
}

impl From<BookingError> for ApiError {
    fn from(error: BookingError) -> Self {
        use BookingError as E;
        let message = error.to_string();
        match error {
            E::BookingNotFound | E::UnknownTicketCode => Self::NotFound(message),
            E::NotYourBooking { .. } | E::NotStaffForListing => Self::Forbidden(message),
            _ => Self::Rejected(message),
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(error: AccountError) -> Self {
        use AccountError as E;
        let message = error.to_string();
        match error {
            E::AccountNotFound => Self::NotFound(message),
            E::AdminOnly | E::NotYourAccount => Self::Forbidden(message),
            _ => Self::Rejected(message),
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        match error {
            DomainError::Listing(e) => e.into(),
            DomainError::Booking(e) => e.into(),
            DomainError::Account(e) => e.into(),
        }
    }
}

impl From<AppendError> for ApiError {
    fn from(error: AppendError) -> Self {
        match error {
            AppendError::Conflict { .. } => Self::Conflict(
                "this was changed by another request at the same moment; retry".into(),
            ),
            AppendError::Storage(e) => Self::Internal(e.into()),
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<LogError> for ApiError {
    fn from(error: LogError) -> Self {
        Self::Internal(error.into())
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        Self::Internal(error.into())
    }
}
