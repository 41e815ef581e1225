//! Operator commands run from the command line, outside HTTP: making the first admin.
//! Every later role change goes through the API by an admin; both run the same command.

use domain::{Actor, Role, UserId};
use eventlog::EventLog;
use uuid::Uuid;

use crate::commands::{accounts, CommandError};

/// The operator at the console, acting as an admin (a fixed id no account has).
pub fn operator() -> Actor {
    Actor::new(UserId::from(Uuid::nil()), Role::Admin)
}

/// Gives the account registered with `email` the role `role`; returns its user id.
pub async fn grant_role(log: &EventLog, email: &str, role: Role) -> Result<UserId, CommandError> {
    let user = accounts::user_by_email(log, &email.trim().to_lowercase())
        .await?
        .ok_or_else(|| CommandError::NotFound(format!("no account is registered as {email}")))?;
    accounts::change_role(log, chrono::Utc::now(), operator(), user, role).await?;
    Ok(user)
}
