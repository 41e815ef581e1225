//! A session as log-in and refresh answer it: a short-lived access token and the refresh
//! token that renews it.

use chrono::{DateTime, Utc};
use domain::account::Account;
use domain::{Actor, Role};
use serde::Serialize;
use utoipa::ToSchema;

use super::RoleBody;
use crate::auth::refresh;
use crate::commands::CommandError;
use crate::state::AppState;

/// A new session: a short-lived access token and the refresh token that renews it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Session {
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// When the access token stops working (15 minutes by default).
    pub expires_at: DateTime<Utc>,
    /// Trade it at `POST /sessions/refresh` for a new session; it works once.
    pub refresh_token: String,
    /// When the refresh token stops working if unused.
    pub refresh_expires_at: DateTime<Utc>,
    /// The account.
    #[schema(value_type = Uuid)]
    pub user_id: String,
    /// The account's role when the access token was issued.
    #[schema(value_type = RoleBody)]
    pub role: Role,
}

/// The session of `account` with its next refresh token, signed now.
pub(super) fn session(
    state: &AppState,
    account: &Account,
    next: refresh::Issued,
    now: DateTime<Utc>,
) -> Result<Session, CommandError> {
    let actor = Actor::new(account.id, account.role);
    let (access_token, exp) = state.keys.issue(actor, now)?;
    let expires_at = DateTime::from_timestamp(exp, 0).unwrap_or(now);
    Ok(Session {
        access_token,
        token_type: "Bearer",
        expires_at,
        refresh_token: next.token,
        refresh_expires_at: next.expires_at,
        user_id: account.id.to_string(),
        role: account.role,
    })
}

/// The answer to a suspended account's log-in or refresh.
pub(super) fn suspended() -> CommandError {
    CommandError::Forbidden(http_kit::extract::SUSPENDED.into())
}

/// The answer to a refresh token whose session has ended.
pub(super) const SESSION_ENDED: &str = "this session has ended; log in again";
