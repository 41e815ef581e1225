//! E-mail verification tokens, checked under the access-token secret; the token itself is
//! `basics::verification`, which the notifier uses to make the links.

use uuid::Uuid;

use crate::auth::jwt::Keys;

/// The verification token of `user_id` at `email` (the normalised, lower-case address).
pub fn token(keys: &Keys, user_id: Uuid, email: &str) -> anyhow::Result<String> {
    Ok(keys.verification_token(user_id, email))
}

/// Whether `token` verifies `email` for `user_id`.
pub fn check(keys: &Keys, user_id: Uuid, email: &str, token: &str) -> bool {
    keys.verifies_email(user_id, email, token)
}
