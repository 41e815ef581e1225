//! E-mail verification tokens: an HMAC of the user id and address under the token secret.
//!
//! Nothing is stored: the token proves that whoever holds it received mail at the address
//! the account registered with. The notifier, which shares the secret, computes [`token`]
//! when it sees `account_registered` and e-mails a link carrying the user id and the
//! token; the client then calls `POST /api/v1/accounts/{user_id}/verify` with
//! `{"token": "..."}` and the command API runs [`check`]. Binding the address means a
//! token stops working if the account's address ever changes; verifying twice is refused
//! by the domain, so a leaked token is worthless once used.

use std::fmt::Display;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Domain separation: a tag made for anything else never verifies an e-mail.
const PURPOSE: &str = "boxoffice/verify-email/v1";

/// The verification token of `user_id` at `email` (the normalised, lower-case address):
/// HMAC-SHA256 under `secret` of `boxoffice/verify-email/v1\n{user_id}\n{email}`,
/// base64url without padding.
pub fn token(secret: &[u8], user_id: impl Display, email: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(format!("{PURPOSE}\n{user_id}\n{email}").as_bytes());
    base64url(&mac.finalize().into_bytes())
}

/// Whether `candidate` verifies `email` for `user_id` (compared in constant time).
pub fn check(secret: &[u8], user_id: impl Display, email: &str, candidate: &str) -> bool {
    let expected = token(secret, user_id, email);
    expected.len() == candidate.len()
        && expected
            .bytes()
            .zip(candidate.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

/// RFC 4648 base64url without padding (what JWT signatures use).
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 2);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"one secret one secret one secret!";

    #[test]
    fn a_token_verifies_its_own_user_and_address_only() {
        let t = token(SECRET, "u1", "a@example.com");
        assert!(check(SECRET, "u1", "a@example.com", &t));
        assert!(!check(SECRET, "u2", "a@example.com", &t));
        assert!(!check(SECRET, "u1", "b@example.com", &t));
        assert!(!check(SECRET, "u1", "a@example.com", "not-a-token"));
    }

    #[test]
    fn a_token_made_with_another_secret_does_not_verify() {
        let forged = token(b"another secret another secret!!!", "u1", "a@example.com");
        assert!(!check(SECRET, "u1", "a@example.com", &forged));
    }

    #[test]
    fn base64url_matches_rfc_4648_without_padding() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"hello"), "aGVsbG8");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }
}
