//! Every way a command can fail, kept apart until the HTTP edge, and the one place
//! (`impl From<CommandError> for ApiError`) where they become HTTP answers.

use domain::account::AccountError;
use domain::booking::BookingError;
use domain::listing::ListingError;
use domain::DomainError;

use crate::error::ApiError;
use crate::payments::PaymentError;
use crate::store::{StoreError, WriteError};

/// Why a command did not commit.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The domain refused the command in the current state.
    #[error(transparent)]
    Rejected(#[from] DomainError),
    /// A value the command was given is unusable here (`field` names it).
    #[error("{field}: {message}")]
    Invalid {
        /// The request field it came from (a path, e.g. `ticket_types[1].name`).
        field: String,
        /// What is wrong and what would be right.
        message: String,
    },
    /// The thing the command names does not exist (or is not the caller's to see).
    #[error("{0}")]
    NotFound(String),
    /// The caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The caller's credentials do not hold (wrong password, ended session).
    #[error("{0}")]
    Unauthorized(String),
    /// Refused outside the domain's rules, e.g. an e-mail address already taken.
    #[error("{0}")]
    Refused(String),
    /// Other requests changed the same thing at the same moment; retry.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts; retry after `retry_after` seconds.
    #[error("{message}")]
    Limited {
        /// What was limited.
        message: String,
        /// Seconds until a retry can succeed.
        retry_after: u64,
    },
    /// The payment did not capture.
    #[error(transparent)]
    Payment(#[from] PaymentError),
    /// The storage below failed.
    #[error(transparent)]
    Storage(#[from] StoreError),
    /// Anything else unexpected (hashing, signing).
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl CommandError {
    /// A value named by `field` is unusable.
    pub fn invalid(field: impl Into<String>, message: impl ToString) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.to_string(),
        }
    }
}

impl From<WriteError> for CommandError {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::Conflict(message) => Self::Conflict(message.into()),
            WriteError::Storage(error) => Self::Storage(error),
            WriteError::Lost(what) => Self::Unexpected(anyhow::anyhow!(what)),
        }
    }
}

impl From<ListingError> for CommandError {
    fn from(error: ListingError) -> Self {
        Self::Rejected(error.into())
    }
}

impl From<BookingError> for CommandError {
    fn from(error: BookingError) -> Self {
        Self::Rejected(error.into())
    }
}

impl From<AccountError> for CommandError {
    fn from(error: AccountError) -> Self {
        Self::Rejected(error.into())
    }
}

impl From<sqlx::Error> for CommandError {
    fn from(error: sqlx::Error) -> Self {
        Self::Storage(error.into())
    }
}

impl From<eventlog::LogError> for CommandError {
    fn from(error: eventlog::LogError) -> Self {
        Self::Storage(error.into())
    }
}

impl From<eventlog::AppendError> for CommandError {
    fn from(error: eventlog::AppendError) -> Self {
        WriteError::of_append(error).into()
    }
}

impl From<CommandError> for ApiError {
    fn from(error: CommandError) -> Self {
        match error {
            CommandError::Rejected(error) => error.into(),
            CommandError::Invalid { field, message } => ApiError::field(field, message),
            CommandError::NotFound(message) => ApiError::NotFound(message),
            CommandError::Forbidden(message) => ApiError::Forbidden(message),
            CommandError::Unauthorized(message) => ApiError::Unauthorized(message),
            CommandError::Refused(message) => ApiError::Rejected(message),
            CommandError::Conflict(message) => ApiError::Conflict(message),
            CommandError::Limited {
                message,
                retry_after,
            } => ApiError::TooManyRequests {
                message,
                retry_after,
            },
            CommandError::Payment(error) => match error {
                PaymentError::Declined => ApiError::PaymentDeclined(error.to_string()),
                PaymentError::Timeout => ApiError::Timeout(error.to_string()),
                PaymentError::UnknownToken => ApiError::field("payment_token", error),
                PaymentError::Provider(_) => ApiError::Internal(error.into()),
            },
            CommandError::Storage(error) => ApiError::Internal(error.into()),
            CommandError::Unexpected(error) => ApiError::Internal(error),
        }
    }
}

/// The limiter's refusal as a command error (the limiter answers in HTTP terms).
pub(crate) fn limited(error: ApiError) -> CommandError {
    match error {
        ApiError::TooManyRequests {
            message,
            retry_after,
        } => CommandError::Limited {
            message,
            retry_after,
        },
        other => CommandError::Unexpected(other.into()),
    }
}
