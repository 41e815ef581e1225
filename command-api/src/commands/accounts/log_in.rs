//! Logging in: rate-limited, one answer for every wrong e-mail or password.

use std::net::IpAddr;

use tokio::sync::OnceCell;
use uuid::Uuid;

use super::account;
use super::session::{session, suspended, Session};
use crate::auth::password;
use crate::auth::rate_limit::AccountKey;
use crate::auth::refresh;
use crate::commands::{limited, CommandError};
use crate::db::PoolConn;
use crate::state::AppState;

const WRONG_CREDENTIALS: &str = "the e-mail address or the password is wrong";

/// A hash to check passwords against when no account has the e-mail, so a wrong address
/// takes as long as a wrong password and the timing does not tell them apart.
async fn decoy_hash() -> Result<String, CommandError> {
    static DECOY: OnceCell<String> = OnceCell::const_new();
    let hash = DECOY
        .get_or_try_init(|| password::hash("no account has this address".into()))
        .await?;
    Ok(hash.clone())
}

/// Opens a session for `email` and `password` from `address`: unauthorized for any
/// wrong e-mail or password, forbidden for a suspended account, failures limited per
/// account and address (growing pauses) and per address.
pub async fn log_in(
    state: &AppState,
    address: Option<IpAddr>,
    email: &str,
    password: String,
) -> Result<Session, CommandError> {
    let now = state.clock.now();
    let email = email.trim().to_lowercase();
    let key = AccountKey::of_email(&email);
    state.limiter.attempt(&key, address, now).map_err(limited)?;

    let account = account::find_by_email(&state.log, &email).await?;
    let phc = match &account {
        Some(account) => account.password_hash.as_str().to_owned(),
        None => decoy_hash().await?,
    };
    let proven = password::verify(password, phc).await;
    let Some(account) = account.filter(|_| proven) else {
        tracing::info!("log-in refused: wrong e-mail or password");
        return Err(CommandError::Unauthorized(WRONG_CREDENTIALS.into()));
    };
    state.limiter.succeeded(&key, address, now);
    // Only someone who knows the password learns that the account is suspended.
    if !account.is_active() {
        return Err(suspended());
    }

    let user_id = account.id.to_string();
    let family = Uuid::now_v7().to_string();
    let mut conn = PoolConn::acquire(&state.log).await?;
    let next = refresh::issue(conn.db(), &user_id, &family, now, state.config.refresh_ttl).await?;
    tracing::info!(user.id = %account.id, "logged in");
    session(state, &account, next, now)
}
