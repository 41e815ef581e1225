//! The body of a check-in or its undo: the code scanned at the door.

use domain::TicketCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;

/// The body of a check-in: the code scanned at the door.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CodeBody {
    /// The ticket code, 16 to 32 Crockford base32 characters.
    code: String,
}

impl CodeBody {
    /// The ticket code, or a 422 naming `code`.
    pub(crate) fn code(&self) -> Result<TicketCode, ApiError> {
        TicketCode::parse(&self.code).map_err(|e| ApiError::field("code", e))
    }
}
