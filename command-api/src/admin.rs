//! Operator commands run from the command line, outside HTTP: making the first admin.
//! Every later role change goes through the API by an admin.

use domain::account::ChangeRole;
use domain::{AccountAggregate, Actor, Role, UserId};
use eventlog::EventLog;
use uuid::Uuid;

use crate::db::{fetch_optional, PoolConn};
use crate::error::ApiError;
use crate::store;

/// The operator at the console, acting as an admin (a fixed id no account has).
pub fn operator() -> Actor {
    Actor::new(UserId::from(Uuid::nil()), Role::Admin)
}

/// Gives the account registered with `email` the role `role`; returns its user id.
pub async fn grant_role(log: &EventLog, email: &str, role: Role) -> Result<UserId, ApiError> {
    let mut conn = PoolConn::acquire(log).await?;
    let row = fetch_optional!(
        conn.db(),
        (String,),
        "SELECT user_id FROM user_emails WHERE email = $1",
        email.trim().to_lowercase()
    )?;
    drop(conn);
    let user = row
        .and_then(|(id,)| Uuid::parse_str(&id).ok())
        .map(UserId::from)
        .ok_or_else(|| ApiError::NotFound(format!("no account is registered as {email}")))?;
    let stream = store::stream_id(user.stream_id());
    let now = chrono::Utc::now();
    store::decide_and_append::<AccountAggregate>(
        log,
        &stream,
        &store::metadata("operator"),
        |account| {
            let command = ChangeRole {
                actor: operator(),
                role,
                now,
            };
            Ok(domain::account::decide(account, command.into())?)
        },
    )
    .await?;
    Ok(user)
}
