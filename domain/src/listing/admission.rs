//! The proof of admission a buyer brings to a hold while the waiting room is on, and the
//! rule it must meet: it names the buyer's current admission to this listing, and that
//! admission is live.
//!
//! The proof reaches the domain already verified by the application as a signed token
//! (signature, purpose, listing, account, expiry). The domain checks it again against the
//! folded room: the token is a claim the client carries, the log stays the authority, so
//! a token of an admission that has since ended, or of an earlier admission of the same
//! buyer, holds nothing.

use super::error::ListingError;
use super::room::Visit;
use super::state::Listing;
use crate::ids::{ListingId, UserId};
use chrono::{DateTime, Utc};

/// Proof that `buyer` was admitted to `listing_id` at `granted_at` until `expires_at`.
///
/// Times are compared to the millisecond: tokens and read models keep milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdmissionProof {
    /// The listing it admits to.
    pub listing_id: ListingId,
    /// The account it admits.
    pub buyer: UserId,
    /// When the admission was granted; with the buyer, it names the admission.
    pub granted_at: DateTime<Utc>,
    /// When the admission lapses.
    pub expires_at: DateTime<Utc>,
}

impl AdmissionProof {
    /// Whether it names the admission granted at `granted_at` that lapses at `expires_at`.
    pub fn names(&self, granted_at: DateTime<Utc>, expires_at: DateTime<Utc>) -> bool {
        self.granted_at.timestamp_millis() == granted_at.timestamp_millis()
            && self.expires_at.timestamp_millis() == expires_at.timestamp_millis()
    }

    /// Whether it has lapsed at `now`.
    pub fn lapsed(&self, now: DateTime<Utc>) -> bool {
        now.timestamp_millis() >= self.expires_at.timestamp_millis()
    }
}

/// While the room is on, a hold brings the proof of the buyer's current, live admission
/// (its state was checked first: the buyer is admitted now). With the room off any proof
/// is ignored.
pub(super) fn ensure_proof(
    listing: &Listing,
    buyer: UserId,
    proof: Option<&AdmissionProof>,
    now: DateTime<Utc>,
) -> Result<(), ListingError> {
    let room = &listing.room;
    if room.settings().is_none() {
        return Ok(());
    }
    let Some(proof) = proof else {
        return Err(ListingError::AdmissionTokenRequired);
    };
    if proof.listing_id != listing.id {
        return Err(ListingError::AdmissionForAnotherListing);
    }
    if proof.buyer != buyer {
        return Err(ListingError::AdmissionOfAnotherAccount);
    }
    if proof.lapsed(now) {
        return Err(ListingError::AdmissionTokenExpired {
            expires_at: proof.expires_at,
        });
    }
    match room.visit(buyer) {
        Some(Visit::Admitted {
            granted_at,
            expires_at,
            ..
        }) if proof.names(granted_at, expires_at) => Ok(()),
        _ => Err(ListingError::AdmissionSuperseded),
    }
}
