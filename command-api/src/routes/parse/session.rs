//! The body naming a session by its refresh token (refresh and log-out).

use serde::Deserialize;
use utoipa::ToSchema;

/// The body of `POST /sessions/refresh` and `POST /sessions/logout`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RefreshBody {
    /// The refresh token of the session.
    pub refresh_token: String,
}
