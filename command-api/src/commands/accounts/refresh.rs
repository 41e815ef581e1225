//! Refreshing a session: each refresh token works once (rotation); presenting a used one
//! revokes every token of its family.

use chrono::{DateTime, Utc};

use super::account;
use super::session::{session, suspended, Session, SESSION_ENDED};
use crate::auth::refresh::{self, Presented};
use crate::commands::CommandError;
use crate::db::{PoolConn, Target};
use crate::state::AppState;

/// Trades `token` for a new session with the account's current role.
pub async fn refresh(state: &AppState, token: &str) -> Result<Session, CommandError> {
    let now = state.clock.now();
    let token = token.trim();
    let mut conn = PoolConn::acquire(&state.log).await?;
    let presented = refresh::look_up(conn.db(), token, now).await?;
    drop(conn);
    let (family, user) = match presented {
        Presented::Valid { family_id, user_id } => (family_id, user_id),
        Presented::Reused { family_id } => return Err(reused(state, &family_id, now).await?),
        Presented::Revoked => return Err(CommandError::Unauthorized(SESSION_ENDED.into())),
        Presented::Expired => {
            return Err(CommandError::Unauthorized(
                "the refresh token has expired; log in again".into(),
            ))
        }
        Presented::Unknown => {
            return Err(CommandError::Unauthorized(
                "the refresh token is not valid".into(),
            ))
        }
    };

    let user_id: domain::UserId = user
        .parse()
        .map_err(|_| anyhow::anyhow!("stored user id"))?;
    let loaded = account::load(&state.log, user_id).await?;
    let account = loaded
        .state
        .account()
        .ok_or_else(|| anyhow::anyhow!("a refresh token names no account"))?;
    if !account.is_active() {
        let mut conn = PoolConn::acquire(&state.log).await?;
        refresh::revoke_family(conn.db(), &family, now).await?;
        return Err(suspended());
    }

    let mut tx = state.log.begin().await?;
    if !refresh::mark_used(Target::of(&mut tx), token, now).await? {
        // Another request used it between our look-up and now: a reuse like any other.
        drop(tx);
        return Err(reused(state, &family, now).await?);
    }
    let next = refresh::issue(
        Target::of(&mut tx),
        &user,
        &family,
        now,
        state.config.refresh_ttl,
    )
    .await?;
    tx.commit().await?;
    session(state, account, next, now)
}

/// Revokes a family whose used token came back; the error to answer with.
async fn reused(
    state: &AppState,
    family: &str,
    now: DateTime<Utc>,
) -> Result<CommandError, CommandError> {
    let mut conn = PoolConn::acquire(&state.log).await?;
    refresh::revoke_family(conn.db(), family, now).await?;
    tracing::warn!(session.family = %family, "a used refresh token came back; family revoked");
    Ok(CommandError::Unauthorized(SESSION_ENDED.into()))
}
