//! Registering an account: one account per e-mail, enforced by the e-mail row inserted in
//! the same log transaction as the account's first event.

use domain::account::{AccountKind, AccountState, Register};
use domain::{Email, PasswordHash, ShortText, UserId};
use eventlog::{ExpectedVersion, StreamAppend};
use uuid::Uuid;

use crate::auth::password;
use crate::commands::replies::AccountChanged;
use crate::commands::CommandError;
use crate::db::{exec, Target};
use crate::state::AppState;
use crate::store;

/// Registers an account; refused when an account already has the e-mail address.
pub async fn register(
    state: &AppState,
    email: Email,
    display_name: ShortText,
    password: String,
    kind: AccountKind,
) -> Result<AccountChanged, CommandError> {
    let hash = password::hash(password).await?;
    let password_hash = PasswordHash::parse(&hash).map_err(anyhow::Error::from)?;
    let user_id = UserId::from(Uuid::now_v7());
    let command = Register {
        user_id,
        email: email.clone(),
        display_name,
        password_hash,
        kind,
        now: state.clock.now(),
    };
    let events = domain::account::decide(&AccountState::default(), command.into())?;
    let append = StreamAppend::new(
        store::stream_id(user_id.stream_id()),
        ExpectedVersion::NoStream,
        store::to_log(&events, &store::metadata(user_id))?,
    );

    // The e-mail row and the first event commit together: a concurrent registration
    // with the same address waits on the row, then finds it taken.
    let mut tx = state.log.begin().await?;
    let claimed = exec!(
        Target::of(&mut tx),
        "INSERT INTO user_emails (email, user_id) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING",
        email.as_str(),
        user_id.to_string()
    )?;
    if claimed == 0 {
        tx.rollback().await?;
        return Err(CommandError::Refused(
            "an account with this e-mail already exists".into(),
        ));
    }
    let outcome = tx.append(vec![append]).await?;
    tx.commit().await?;
    tracing::info!(user.id = %user_id, "account registered");
    Ok(AccountChanged {
        user_id,
        position: outcome.last_position(),
    })
}
