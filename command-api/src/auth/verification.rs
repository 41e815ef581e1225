//! E-mail verification tokens: an HMAC of the user id and address under the token secret.
//!
//! Nothing is stored: the token proves that whoever holds it received mail at the address
//! the account registered with. The notifier, which shares the secret, computes
//! [`token`] when it sees `account_registered` and e-mails the client a link carrying
//! the user id and the token; the client then calls
//! `POST /api/v1/accounts/{user_id}/verify` with `{"token": "..."}`. Binding the address
//! means a token stops working if the account's address ever changes; verifying twice is
//! refused by the domain, so a leaked token is worthless once used.

use uuid::Uuid;

use crate::auth::jwt::Keys;

/// Domain separation: a tag made for anything else never verifies an e-mail.
const PURPOSE: &str = "boxoffice/verify-email/v1";

fn message(user_id: Uuid, email: &str) -> Vec<u8> {
    format!("{PURPOSE}\n{user_id}\n{email}").into_bytes()
}

/// The verification token of `user_id` at `email` (the normalised, lower-case address).
pub fn token(keys: &Keys, user_id: Uuid, email: &str) -> anyhow::Result<String> {
    keys.mac(&message(user_id, email))
}

/// Whether `token` verifies `email` for `user_id`.
pub fn check(keys: &Keys, user_id: Uuid, email: &str, token: &str) -> bool {
    keys.check_mac(&message(user_id, email), token)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn keys(secret: &[u8]) -> Keys {
        Keys::new(secret, Duration::from_secs(60))
    }

    #[test]
    fn a_token_verifies_its_own_user_and_address_only() {
        let keys = keys(b"one secret one secret one secret!");
        let (me, other) = (Uuid::now_v7(), Uuid::now_v7());
        let t = token(&keys, me, "a@example.com").unwrap();
        assert!(check(&keys, me, "a@example.com", &t));
        assert!(!check(&keys, other, "a@example.com", &t));
        assert!(!check(&keys, me, "b@example.com", &t));
        assert!(!check(&keys, me, "a@example.com", "not-a-token"));
    }

    #[test]
    fn a_token_made_with_another_secret_does_not_verify() {
        let me = Uuid::now_v7();
        let forged = token(
            &keys(b"another secret another secret!!!"),
            me,
            "a@example.com",
        );
        let keys = keys(b"one secret one secret one secret!");
        assert!(!check(&keys, me, "a@example.com", &forged.unwrap()));
    }
}
