//! Admission tokens: the waiting room's signed proof that one account may hold seats of
//! one listing until its admission lapses.
//!
//! An HS256 JWT under the access tokens' secret (so every process that shares
//! `BOXOFFICE_JWT_SECRET` issues and checks them alike) with its own audience,
//! [`AUDIENCE`]: access tokens carry no audience, and a token with one never verifies as
//! an access token (jsonwebtoken refuses an audience it was not told to expect), while an
//! admission token must carry this one. The claims name the admission itself, by its grant
//! and its expiry to the millisecond, so the query API signs the same token for it on
//! every read (`iat` is the grant), a stream does not see it change, and an idempotent
//! retry sends the same body. The token is a proof the client carries; the command side
//! checks it against the log as well.

use chrono::{DateTime, Utc};
use domain::listing::AdmissionProof;
use domain::{ListingId, UserId};
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::jwt::{Keys, CLOCK_LEEWAY_SECS};

/// The audience of admission tokens, and only of them.
pub const AUDIENCE: &str = "boxoffice/admission";

/// The request field a hold carries the token in (problems about it name it).
pub const FIELD: &str = "admission_token";

/// The claims of an admission token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct AdmissionClaims {
    /// Always [`AUDIENCE`].
    aud: String,
    /// The admitted account.
    sub: Uuid,
    /// The listing.
    listing: Uuid,
    /// When the admission was granted (milliseconds since the epoch).
    granted_at: i64,
    /// When it lapses (milliseconds since the epoch).
    expires_at: i64,
    /// Issued at: the grant (seconds).
    iat: i64,
    /// Expires: the admission's expiry, rounded up (seconds).
    exp: i64,
}

/// Why an admission token was refused before its claims were compared with anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AdmissionTokenError {
    /// Not a token this service signed as an admission (forged, altered, another secret,
    /// an access token, not a JWT at all).
    #[error("is not an admission token signed by this service")]
    Invalid,
    /// Issued further ahead of our clock than the leeway allows.
    #[error("is not valid yet")]
    NotYetValid,
}

impl Keys {
    /// The admission token of `admission` (deterministic: the same admission always gets
    /// the same token).
    pub fn admission_token(&self, admission: &AdmissionProof) -> anyhow::Result<String> {
        let expires_at = admission.expires_at.timestamp_millis();
        let claims = AdmissionClaims {
            aud: AUDIENCE.to_owned(),
            sub: admission.buyer.into(),
            listing: admission.listing_id.into(),
            granted_at: admission.granted_at.timestamp_millis(),
            expires_at,
            iat: admission.granted_at.timestamp(),
            exp: expires_at.div_euclid(1000) + i64::from(expires_at.rem_euclid(1000) != 0),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// Verifies an admission token's signature and audience, and that it was not issued
    /// later than `now` plus [`CLOCK_LEEWAY_SECS`]; returns the admission it proves.
    /// Whether it has lapsed, and whether it is the caller's and this listing's, is the
    /// caller's to judge against the request (and the domain's against the log).
    pub fn verify_admission(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<AdmissionProof, AdmissionTokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is the admission's, judged on the application clock by the caller.
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["aud", "sub", "exp"]);
        validation.set_audience(&[AUDIENCE]);
        let claims = jsonwebtoken::decode::<AdmissionClaims>(token, &self.decoding, &validation)
            .map_err(|_| AdmissionTokenError::Invalid)?
            .claims;
        if claims.iat > now.timestamp() + CLOCK_LEEWAY_SECS {
            return Err(AdmissionTokenError::NotYetValid);
        }
        let time = |ms| DateTime::from_timestamp_millis(ms).ok_or(AdmissionTokenError::Invalid);
        Ok(AdmissionProof {
            listing_id: ListingId::from(claims.listing),
            buyer: UserId::from(claims.sub),
            granted_at: time(claims.granted_at)?,
            expires_at: time(claims.expires_at)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chrono::TimeDelta;
    use domain::{Actor, Role};

    use super::*;

    fn keys(secret: u8) -> Keys {
        Keys::new(&[secret; 32], Duration::from_secs(900))
    }

    fn admission(now: DateTime<Utc>) -> AdmissionProof {
        AdmissionProof {
            listing_id: ListingId::from(Uuid::now_v7()),
            buyer: UserId::from(Uuid::now_v7()),
            granted_at: now,
            expires_at: now + TimeDelta::minutes(5),
        }
    }

    fn millis(at: DateTime<Utc>) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(at.timestamp_millis()).unwrap()
    }

    #[test]
    fn an_admission_token_proves_its_admission_to_the_millisecond() {
        let now = Utc::now();
        let admission = admission(now);
        let token = keys(7).admission_token(&admission).unwrap();
        let proved = keys(7).verify_admission(&token, now).unwrap();
        assert_eq!(proved.listing_id, admission.listing_id);
        assert_eq!(proved.buyer, admission.buyer);
        assert_eq!(proved.granted_at, millis(admission.granted_at));
        assert_eq!(proved.expires_at, millis(admission.expires_at));
        assert!(proved.names(admission.granted_at, admission.expires_at));
    }

    #[test]
    fn the_same_admission_always_gets_the_same_token() {
        let admission = admission(Utc::now());
        assert_eq!(
            keys(7).admission_token(&admission).unwrap(),
            keys(7).admission_token(&admission).unwrap()
        );
    }

    #[test]
    fn a_token_signed_with_another_secret_is_invalid() {
        let now = Utc::now();
        let forged = keys(8).admission_token(&admission(now)).unwrap();
        assert_eq!(
            keys(7).verify_admission(&forged, now),
            Err(AdmissionTokenError::Invalid)
        );
        assert_eq!(
            keys(7).verify_admission("not.a.token", now),
            Err(AdmissionTokenError::Invalid)
        );
    }

    #[test]
    fn an_access_token_is_no_admission_and_an_admission_token_no_access_token() {
        let now = Utc::now();
        let actor = Actor::new(UserId::from(Uuid::now_v7()), Role::Customer);
        let (access, _) = keys(7).issue(actor, now).unwrap();
        assert_eq!(
            keys(7).verify_admission(&access, now),
            Err(AdmissionTokenError::Invalid)
        );
        let admission = keys(7).admission_token(&admission(now)).unwrap();
        assert!(keys(7).verify(&admission, now).is_err());
    }

    #[test]
    fn a_token_granted_far_ahead_of_our_clock_is_not_valid_yet() {
        let now = Utc::now();
        let token = keys(7)
            .admission_token(&admission(now + TimeDelta::days(1)))
            .unwrap();
        assert_eq!(
            keys(7).verify_admission(&token, now),
            Err(AdmissionTokenError::NotYetValid)
        );
        let close = keys(7)
            .admission_token(&admission(now + TimeDelta::seconds(30)))
            .unwrap();
        assert!(keys(7).verify_admission(&close, now).is_ok());
    }
}
