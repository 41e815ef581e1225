//! Sessions: log in (rate-limited, one answer for every wrong e-mail or password),
//! refresh with rotation and reuse detection, log out.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use domain::account::Account;
use domain::{Actor, Role};
use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;
use utoipa::ToSchema;
use uuid::Uuid;

use super::shared;
use crate::auth::password;
use crate::auth::rate_limit::{AccountKey, ClientAddress};
use crate::auth::refresh::{self, Presented};
use crate::db::{PoolConn, Target};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::openapi::problems;
use crate::state::AppState;

/// The body of `POST /sessions`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct Credentials {
    /// The address the account registered with.
    #[schema(example = "ada@example.com")]
    email: String,
    /// The account's password.
    #[schema(format = Password)]
    password: String,
}

/// The body of `POST /sessions/refresh` and `POST /sessions/logout`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RefreshBody {
    /// The refresh token of the session.
    refresh_token: String,
}

/// A new session: a short-lived access token and the refresh token that renews it.
#[derive(Serialize, ToSchema)]
pub(super) struct Session {
    /// Send as `Authorization: Bearer <access_token>`.
    access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    token_type: &'static str,
    /// When the access token stops working (15 minutes by default).
    expires_at: DateTime<Utc>,
    /// Trade it at `POST /sessions/refresh` for a new session; it works once.
    refresh_token: String,
    /// When the refresh token stops working if unused.
    refresh_expires_at: DateTime<Utc>,
    /// The account.
    #[schema(value_type = Uuid)]
    user_id: String,
    /// The account's role when the access token was issued.
    #[schema(value_type = super::admin::RoleBody)]
    role: Role,
}

const WRONG_CREDENTIALS: &str = "the e-mail address or the password is wrong";
const SESSION_ENDED: &str = "this session has ended; log in again";

/// A hash to check passwords against when no account has the e-mail, so a wrong address
/// takes as long as a wrong password and the timing does not tell them apart.
async fn decoy_hash() -> Result<String, ApiError> {
    static DECOY: OnceCell<String> = OnceCell::const_new();
    let hash = DECOY
        .get_or_try_init(|| password::hash("no account has this address".into()))
        .await?;
    Ok(hash.clone())
}

fn suspended() -> ApiError {
    ApiError::Forbidden("this account is suspended; contact support".into())
}

/// Logs in: 401 for any wrong e-mail or password, 403 for a suspended account.
///
/// Failed log-ins per account and attempts per client address are limited (429 with
/// `Retry-After`).
#[utoipa::path(
    post,
    path = "/sessions",
    tag = "sessions",
    request_body = Credentials,
    responses(
        (status = 200, description = "A new session", body = Session),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 415, response = problems::UnsupportedMediaType),
        (status = 422, response = problems::Unprocessable),
        (status = 429, response = problems::TooManyRequests),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn log_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<Json<Session>, ApiError> {
    let now = state.clock.now();
    state.limiter.attempt_from(address, now)?;
    let email = body.email.trim().to_lowercase();
    let key = AccountKey::of_email(&email);
    state.limiter.attempt_on(&key, now)?;

    let account = shared::find_by_email(&state, &email).await?;
    let phc = match &account {
        Some(account) => account.password_hash.as_str().to_owned(),
        None => decoy_hash().await?,
    };
    let proven = password::verify(body.password, phc).await;
    let Some(account) = account.filter(|_| proven) else {
        tracing::info!("log-in refused: wrong e-mail or password");
        return Err(ApiError::Unauthorized(WRONG_CREDENTIALS.into()));
    };
    state.limiter.succeeded(&key);
    // Only someone who knows the password learns that the account is suspended.
    if !account.is_active() {
        return Err(suspended());
    }

    let user_id = account.id.to_string();
    let family = Uuid::now_v7().to_string();
    let mut conn = PoolConn::acquire(&state.log).await?;
    let next = refresh::issue(conn.db(), &user_id, &family, now, state.config.refresh_ttl).await?;
    tracing::info!(user.id = %account.id, "logged in");
    session(&state, &account, next, now)
}

/// Trades a refresh token for a new session with the account's current role.
///
/// Each refresh token works once; presenting a used one ends every session that grew
/// from the same log-in (401).
#[utoipa::path(
    post,
    path = "/sessions/refresh",
    tag = "sessions",
    request_body = RefreshBody,
    responses(
        (status = 200, description = "A new session; the old refresh token is spent", body = Session),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 415, response = problems::UnsupportedMediaType),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn refresh(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<RefreshBody>,
) -> Result<Json<Session>, ApiError> {
    let now = state.clock.now();
    let token = body.refresh_token.trim();
    let mut conn = PoolConn::acquire(&state.log).await?;
    let presented = refresh::look_up(conn.db(), token, now).await?;
    drop(conn);
    let (family, user) = match presented {
        Presented::Valid { family_id, user_id } => (family_id, user_id),
        Presented::Reused { family_id } => return Err(reused(&state, &family_id, now).await?),
        Presented::Revoked => return Err(ApiError::Unauthorized(SESSION_ENDED.into())),
        Presented::Expired => {
            return Err(ApiError::Unauthorized(
                "the refresh token has expired; log in again".into(),
            ))
        }
        Presented::Unknown => {
            return Err(ApiError::Unauthorized(
                "the refresh token is not valid".into(),
            ))
        }
    };

    let user_id = shared::user_id(&user).map_err(|_| anyhow::anyhow!("stored user id"))?;
    let loaded = shared::load(&state, user_id).await?;
    let account = loaded
        .state
        .account()
        .ok_or_else(|| anyhow::anyhow!("a refresh token names no account"))?;
    if !account.is_active() {
        let mut conn = PoolConn::acquire(&state.log).await?;
        refresh::revoke_family(conn.db(), &family, now).await?;
        return Err(suspended());
    }

    let mut tx = state.log.begin().await?;
    if !refresh::mark_used(Target::of(&mut tx), token, now).await? {
        // Another request used it between our look-up and now: a reuse like any other.
        drop(tx);
        return Err(reused(&state, &family, now).await?);
    }
    let next = refresh::issue(
        Target::of(&mut tx),
        &user,
        &family,
        now,
        state.config.refresh_ttl,
    )
    .await?;
    tx.commit().await?;
    session(&state, account, next, now)
}

/// Revokes a family whose used token came back; the error to answer with.
async fn reused(state: &AppState, family: &str, now: DateTime<Utc>) -> Result<ApiError, ApiError> {
    let mut conn = PoolConn::acquire(&state.log).await?;
    refresh::revoke_family(conn.db(), family, now).await?;
    tracing::warn!(session.family = %family, "a used refresh token came back; family revoked");
    Ok(ApiError::Unauthorized(SESSION_ENDED.into()))
}

/// Logs out: the session of the refresh token (and every token rotated from it) ends.
///
/// An unknown or already ended token gets the same 204.
#[utoipa::path(
    post,
    path = "/sessions/logout",
    tag = "sessions",
    request_body = RefreshBody,
    responses(
        (status = 204, description = "The session has ended"),
        (status = 400, response = problems::BadRequest),
        (status = 415, response = problems::UnsupportedMediaType),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn log_out(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<RefreshBody>,
) -> Result<StatusCode, ApiError> {
    let now = state.clock.now();
    let mut conn = PoolConn::acquire(&state.log).await?;
    let family = match refresh::look_up(conn.db(), body.refresh_token.trim(), now).await? {
        Presented::Valid { family_id, .. } | Presented::Reused { family_id } => family_id,
        Presented::Revoked | Presented::Expired | Presented::Unknown => {
            return Ok(StatusCode::NO_CONTENT)
        }
    };
    refresh::revoke_family(conn.db(), &family, now).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn session(
    state: &AppState,
    account: &Account,
    next: refresh::Issued,
    now: DateTime<Utc>,
) -> Result<Json<Session>, ApiError> {
    let actor = Actor::new(account.id, account.role);
    let (access_token, exp) = state.keys.issue(actor, now)?;
    let expires_at = DateTime::from_timestamp(exp, 0).unwrap_or(now);
    Ok(Json(Session {
        access_token,
        token_type: "Bearer",
        expires_at,
        refresh_token: next.token,
        refresh_expires_at: next.expires_at,
        user_id: account.id.to_string(),
        role: account.role,
    }))
}
