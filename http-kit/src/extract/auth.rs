//! The authenticated user, from `Authorization: Bearer <access token>`.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use domain::Actor;

use crate::access::Access;
use crate::error::ApiError;
use crate::jwt::Keys;
use crate::Clock;

/// The caller, proven by a valid access token, with the role the log gives now (see
/// [`Access`]); a suspended account is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthUser(pub Actor);

/// The caller if a token was sent (a bad token is still a 401).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaybeUser(pub Option<Actor>);

/// The answer to any request of a suspended account (log-in and refresh say the same).
pub const SUSPENDED: &str = "this account is suspended; contact support";

fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
}

impl<S> FromRequestParts<S> for AuthUser
where
    S: Send + Sync,
    Keys: FromRef<S>,
    Clock: FromRef<S>,
    Access: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or_else(|| {
            ApiError::Unauthorized("log in and send Authorization: Bearer <access token>".into())
        })?;
        let keys = Keys::from_ref(state);
        let now = Clock::from_ref(state).now();
        let claims = keys
            .verify(token, now)
            .map_err(|m| ApiError::Unauthorized(m.into()))?;
        Access::from_ref(state)
            .actor(&claims)
            .map(Self)
            .ok_or_else(|| ApiError::Forbidden(SUSPENDED.into()))
    }
}

impl<S> FromRequestParts<S> for MaybeUser
where
    S: Send + Sync,
    Keys: FromRef<S>,
    Clock: FromRef<S>,
    Access: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if bearer(parts).is_none() {
            return Ok(Self(None));
        }
        let AuthUser(actor) = AuthUser::from_request_parts(parts, state).await?;
        Ok(Self(Some(actor)))
    }
}
