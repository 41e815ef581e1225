//! Access tokens: HS256 JWTs carrying the user id and role, valid for minutes.

use std::fmt;
use std::fmt::Display;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::{Actor, Role, UserId};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: Uuid,
    /// The user's role when the token was issued.
    pub role: Role,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
    /// Not before (seconds since the epoch); tokens we issue leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// Token id.
    pub jti: Uuid,
}

impl Claims {
    /// The acting user these claims describe.
    pub fn actor(&self) -> Actor {
        Actor::new(UserId::from(self.sub), self.role)
    }
}

/// How far ahead of our clock a token's `iat` or `nbf` may be: clocks of the issuing
/// processes drift a little, but a token from next week was not issued by us honestly.
pub const CLOCK_LEEWAY_SECS: i64 = 60;

/// Signing and verification keys, built from one secret. Never printed.
#[derive(Clone)]
pub struct Keys {
    pub(crate) encoding: EncodingKey,
    pub(crate) decoding: DecodingKey,
    // Kept for the e-mail verification tokens, which are HMACs under the same secret.
    secret: Arc<[u8]>,
    /// How long an access token lives.
    pub access_ttl: Duration,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keys")
            .field("secret", &"[redacted]")
            .field("access_ttl", &self.access_ttl)
            .finish()
    }
}

impl Keys {
    /// Keys from a shared secret (at least 32 bytes is sensible).
    pub fn new(secret: &[u8], access_ttl: Duration) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            secret: Arc::from(secret),
            access_ttl,
        }
    }

    /// Issues an access token for `actor` at `now`; returns it with its expiry.
    pub fn issue(&self, actor: Actor, now: DateTime<Utc>) -> anyhow::Result<(String, i64)> {
        let exp = now.timestamp() + self.access_ttl.as_secs() as i64;
        let claims = Claims {
            sub: actor.user_id.into(),
            role: actor.role,
            iat: now.timestamp(),
            exp,
            nbf: None,
            jti: Uuid::now_v7(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok((token, exp))
    }

    /// The e-mail verification token of `user_id` at `email` under this secret (see
    /// [`basics::verification`]).
    pub fn verification_token(&self, user_id: impl Display, email: &str) -> String {
        basics::verification::token(&self.secret, user_id, email)
    }

    /// Whether `token` verifies `email` for `user_id` under this secret.
    pub fn verifies_email(&self, user_id: impl Display, email: &str, token: &str) -> bool {
        basics::verification::check(&self.secret, user_id, email, token)
    }

    /// Verifies signature, expiry, and that it was not issued (`iat`) nor valid from
    /// (`nbf`) later than `now` plus [`CLOCK_LEEWAY_SECS`].
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Claims, &'static str> {
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is checked against the application clock below, not the system clock,
        // so tests with a controllable clock see tokens expire.
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|_| "the access token is invalid")?;
        if data.claims.exp <= now.timestamp() {
            return Err("the access token has expired; refresh it");
        }
        let latest = now.timestamp() + CLOCK_LEEWAY_SECS;
        if data.claims.iat > latest || data.claims.nbf.is_some_and(|nbf| nbf > latest) {
            return Err("the access token is not valid yet");
        }
        Ok(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::new(&[7; 32], Duration::from_secs(900))
    }

    fn signed(claims: &Claims) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &keys().encoding).unwrap()
    }

    fn claims(iat: i64, nbf: Option<i64>) -> Claims {
        Claims {
            sub: Uuid::now_v7(),
            role: Role::Customer,
            iat,
            exp: iat + 900,
            nbf,
            jti: Uuid::now_v7(),
        }
    }

    #[test]
    fn a_token_issued_eleven_days_ahead_is_refused() {
        let now = Utc::now();
        let ahead = now.timestamp() + 11 * 86_400;
        let token = signed(&claims(ahead, None));
        assert_eq!(
            keys().verify(&token, now),
            Err("the access token is not valid yet")
        );
    }

    #[test]
    fn a_token_not_before_eleven_days_ahead_is_refused() {
        let now = Utc::now();
        let token = signed(&claims(
            now.timestamp(),
            Some(now.timestamp() + 11 * 86_400),
        ));
        assert_eq!(
            keys().verify(&token, now),
            Err("the access token is not valid yet")
        );
    }

    #[test]
    fn a_token_a_little_ahead_of_our_clock_is_accepted() {
        let now = Utc::now();
        let token = signed(&claims(now.timestamp() + 30, Some(now.timestamp() + 30)));
        assert!(keys().verify(&token, now).is_ok());
    }

    #[test]
    fn an_issued_token_verifies() {
        let keys = keys();
        let now = Utc::now();
        let actor = Actor::new(UserId::from(Uuid::now_v7()), Role::Customer);
        let (token, _) = keys.issue(actor, now).unwrap();
        assert_eq!(keys.verify(&token, now).unwrap().actor(), actor);
    }
}
