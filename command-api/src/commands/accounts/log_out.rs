//! Logging out: the session of a refresh token (and every token rotated from it) ends.

use crate::auth::refresh::{self, Presented};
use crate::commands::CommandError;
use crate::db::PoolConn;
use crate::state::AppState;

/// Ends the session of `token`; an unknown or already ended token changes nothing.
pub async fn log_out(state: &AppState, token: &str) -> Result<(), CommandError> {
    let now = state.clock.now();
    let mut conn = PoolConn::acquire(&state.log).await?;
    let family = match refresh::look_up(conn.db(), token.trim(), now).await? {
        Presented::Valid { family_id, .. } | Presented::Reused { family_id } => family_id,
        Presented::Revoked | Presented::Expired | Presented::Unknown => return Ok(()),
    };
    refresh::revoke_family(conn.db(), &family, now).await?;
    Ok(())
}
