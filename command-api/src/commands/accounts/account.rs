//! What the account commands share: loading an account, finding it by e-mail, and
//! deciding and appending one account command in a log transaction.

use chrono::{DateTime, Utc};
use domain::account::{Account, AccountCommand, AccountState};
use domain::{AccountAggregate, Email, UserId};
use eventlog::{EventLog, ExpectedVersion, Metadata, StreamAppend};
use uuid::Uuid;

use crate::auth::refresh;
use crate::commands::CommandError;
use crate::db::{fetch_optional, PoolConn, Target};
use crate::store::{self, Loaded, StoreError};

/// How often a command is decided again after another request changed the account.
const ATTEMPTS: usize = 3;

/// Catches this process's access view up with an access change just appended, so the
/// next request of the account, here, already sees it (other processes follow the log).
/// A failure only delays it until the follower's next read, so it is logged, not returned.
pub(super) async fn take_effect(state: &crate::state::AppState) {
    if let Err(error) = state.access.catch_up(&state.log, state.clock.now()).await {
        tracing::warn!(%error, "the access view did not catch up; its follower will");
    }
}

/// Loads the account stream of `user_id`.
pub(super) async fn load(
    log: &EventLog,
    user_id: UserId,
) -> Result<Loaded<AccountState>, StoreError> {
    let stream = store::stream_id(user_id.stream_id());
    store::load::<AccountAggregate>(log, &stream).await
}

/// The user registered with the normalised address `email`, if any.
pub async fn user_by_email(log: &EventLog, email: &str) -> Result<Option<UserId>, StoreError> {
    let mut conn = PoolConn::acquire(log).await?;
    let row = fetch_optional!(
        conn.db(),
        (String,),
        "SELECT user_id FROM user_emails WHERE email = $1",
        email
    )?;
    Ok(row
        .and_then(|(id,)| Uuid::parse_str(&id).ok())
        .map(UserId::from))
}

/// The account registered with `email`, if any (a malformed address names none).
pub(super) async fn find_by_email(
    log: &EventLog,
    email: &str,
) -> Result<Option<Account>, StoreError> {
    let Ok(email) = Email::parse(email) else {
        return Ok(None);
    };
    let Some(user_id) = user_by_email(log, email.as_str()).await? else {
        return Ok(None);
    };
    Ok(load(log, user_id).await?.state.account().cloned())
}

/// Decides `command` on the account of `user_id` and appends its events; with
/// `end_sessions`, every refresh token of the user is revoked in the same transaction.
/// Returns the log position written.
pub(super) async fn run(
    log: &EventLog,
    now: DateTime<Utc>,
    user_id: UserId,
    metadata: &Metadata,
    end_sessions: bool,
    command: impl Fn() -> AccountCommand,
) -> Result<i64, CommandError> {
    let stream = store::stream_id(user_id.stream_id());
    for _ in 0..ATTEMPTS {
        let loaded = load(log, user_id).await?;
        let events = domain::account::decide(&loaded.state, command())?;
        let append = StreamAppend::new(
            stream.clone(),
            ExpectedVersion::Exact(loaded.version),
            store::to_log(&events, metadata)?,
        );
        let mut tx = log.begin().await?;
        let outcome = match tx.append(vec![append]).await {
            Ok(outcome) => outcome,
            Err(error) if error.is_conflict() => continue,
            Err(error) => return Err(error.into()),
        };
        if end_sessions {
            refresh::revoke_user(Target::of(&mut tx), &user_id.to_string(), now).await?;
        }
        tx.commit().await?;
        return Ok(outcome.last_position());
    }
    Err(CommandError::Conflict(
        "this account was changed by another request at the same moment; retry".into(),
    ))
}
