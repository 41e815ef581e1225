//! What the account routes share: ids from paths, event metadata, the password policy,
//! finding an account by e-mail, and deciding and appending one account command.

use domain::account::{Account, AccountCommand, AccountState};
use domain::{AccountAggregate, Email, UserId};
use eventlog::{ExpectedVersion, Metadata, StreamAppend};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::refresh;
use crate::db::{fetch_optional, PoolConn, Target};
use crate::error::{ApiError, Fields};
use crate::state::AppState;
use crate::store::{self, Loaded};

/// Shortest password accepted.
const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted (hashing cost grows with length).
const MAX_PASSWORD_CHARS: usize = 1000;

/// How often a command is decided again after another request changed the account.
const ATTEMPTS: usize = 3;

/// What an account command answers (documentation only; `Accepted` builds it).
#[derive(ToSchema)]
#[allow(dead_code)]
pub(super) struct AccountChanged {
    /// The account.
    user_id: Uuid,
    /// Log position of the write.
    position: i64,
}

/// The user id of a path; anything else names no account.
pub(super) fn user_id(raw: &str) -> Result<UserId, ApiError> {
    Uuid::parse_str(raw)
        .map(UserId::from)
        .map_err(|_| ApiError::NotFound(format!("no account {raw}")))
}

/// Records a field error unless `password` meets the policy.
pub(super) fn check_password(fields: &mut Fields, field: &str, password: &str) {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        fields.push(
            field,
            format!("use at least {MIN_PASSWORD_CHARS} characters"),
        );
    } else if chars > MAX_PASSWORD_CHARS {
        fields.push(
            field,
            format!("use at most {MAX_PASSWORD_CHARS} characters"),
        );
    }
}

/// Loads the account stream of `user_id`.
pub(super) async fn load(
    state: &AppState,
    user_id: UserId,
) -> Result<Loaded<AccountState>, ApiError> {
    let stream = store::stream_id(user_id.stream_id());
    store::load::<AccountAggregate>(&state.log, &stream).await
}

/// The account registered with `email`, if any (a malformed address names none).
pub(super) async fn find_by_email(
    state: &AppState,
    email: &str,
) -> Result<Option<Account>, ApiError> {
    let Ok(email) = Email::parse(email) else {
        return Ok(None);
    };
    let mut conn = PoolConn::acquire(&state.log).await?;
    let row = fetch_optional!(
        conn.db(),
        (String,),
        "SELECT user_id FROM user_emails WHERE email = $1",
        email.as_str()
    )?;
    drop(conn);
    let Some(user_id) = row.and_then(|(id,)| Uuid::parse_str(&id).ok()) else {
        return Ok(None);
    };
    let loaded = load(state, UserId::from(user_id)).await?;
    Ok(loaded.state.account().cloned())
}

/// Decides `command` on the account of `user_id` and appends its events; with
/// `end_sessions`, every refresh token of the user is revoked in the same transaction.
/// Returns the log position written.
pub(super) async fn run(
    state: &AppState,
    user_id: UserId,
    metadata: &Metadata,
    end_sessions: bool,
    command: impl Fn() -> AccountCommand,
) -> Result<i64, ApiError> {
    let stream = store::stream_id(user_id.stream_id());
    for _ in 0..ATTEMPTS {
        let loaded = load(state, user_id).await?;
        let events = domain::account::decide(&loaded.state, command())?;
        let append = StreamAppend::new(
            stream.clone(),
            ExpectedVersion::Exact(loaded.version),
            store::to_log(&events, metadata)?,
        );
        let mut tx = state.log.begin().await?;
        let outcome = match tx.append(vec![append]).await {
            Ok(outcome) => outcome,
            Err(error) if error.is_conflict() => continue,
            Err(error) => return Err(error.into()),
        };
        if end_sessions {
            let now = state.clock.now();
            refresh::revoke_user(Target::of(&mut tx), &user_id.to_string(), now).await?;
        }
        tx.commit().await?;
        return Ok(outcome.last_position());
    }
    Err(ApiError::Conflict(
        "this account was changed by another request at the same moment; retry".into(),
    ))
}
