//! Registering an account (one account per e-mail, enforced in the same transaction as
//! the account's first event) and verifying its e-mail address.

use axum::extract::{Path, State};
use domain::account::{AccountKind, AccountState, Register, VerifyEmail};
use domain::{Email, PasswordHash, ShortText, UserId};
use eventlog::{ExpectedVersion, StreamAppend};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::shared::{self, check_password, AccountChanged};
use crate::auth::{password, verification};
use crate::db::{exec, Target};
use crate::error::{ApiError, Fields};
use crate::extract::ApiJson;
use crate::openapi::problems;
use crate::routes::reply::{ids, Accepted};
use crate::state::AppState;
use crate::store;

/// The body of `POST /accounts`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NewAccount {
    /// One account per address (compared in lower case).
    #[schema(example = "ada@example.com")]
    email: String,
    /// At least 10 characters.
    #[schema(format = Password, min_length = 10, max_length = 1000)]
    password: String,
    /// Shown to others; 1 to 200 characters.
    display_name: String,
    /// `customer` or `organizer`; other roles are granted by an admin.
    #[schema(example = "customer")]
    kind: String,
}

/// The body of `POST /accounts/{user_id}/verify`: the token from the e-mailed link.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct Verification {
    /// The token of the link e-mailed after registration.
    token: String,
}

fn kind(raw: &str) -> Option<AccountKind> {
    match raw {
        "customer" => Some(AccountKind::Customer),
        "organizer" => Some(AccountKind::Organizer),
        _ => None,
    }
}

/// Registers an account; 409 when an account already has the e-mail address.
#[utoipa::path(
    post,
    path = "/accounts",
    tag = "accounts",
    request_body = NewAccount,
    responses(
        (status = 201, description = "The new account", body = AccountChanged),
        (status = 400, response = problems::BadRequest),
        (status = 409, response = problems::Conflict),
        (status = 413, response = problems::PayloadTooLarge),
        (status = 415, response = problems::UnsupportedMediaType),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn register(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<NewAccount>,
) -> Result<Accepted, ApiError> {
    let mut f = Fields::new();
    let email = f.check("email", Email::parse(&body.email));
    let display_name = f.check("display_name", ShortText::parse(&body.display_name));
    check_password(&mut f, "password", &body.password);
    let kind = kind(&body.kind);
    if kind.is_none() {
        f.push("kind", "use \"customer\" or \"organizer\"");
    }
    f.finish()?;
    let (email, display_name, kind) = (
        email.expect("checked"),
        display_name.expect("checked"),
        kind.expect("checked"),
    );

    let hash = password::hash(body.password).await?;
    let password_hash = PasswordHash::parse(&hash).map_err(anyhow::Error::from)?;
    let user_id = UserId::from(Uuid::now_v7());
    let command = Register {
        user_id,
        email: email.clone(),
        display_name,
        password_hash,
        kind,
        now: state.clock.now(),
    };
    let events = domain::account::decide(&AccountState::default(), command.into())?;
    let append = StreamAppend::new(
        store::stream_id(user_id.stream_id()),
        ExpectedVersion::NoStream,
        store::to_log(&events, &store::metadata(user_id))?,
    );

    // The e-mail row and the first event commit together: a concurrent registration
    // with the same address waits on the row, then finds it taken.
    let mut tx = state.log.begin().await?;
    let claimed = exec!(
        Target::of(&mut tx),
        "INSERT INTO user_emails (email, user_id) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING",
        email.as_str(),
        user_id.to_string()
    )?;
    if claimed == 0 {
        tx.rollback().await?;
        return Err(ApiError::Rejected(
            "an account with this e-mail already exists".into(),
        ));
    }
    let outcome = tx.append(vec![append]).await?;
    tx.commit().await?;
    tracing::info!(user.id = %user_id, "account registered");
    Ok(Accepted::new(
        true,
        ids!("user_id" => user_id.to_string()),
        outcome.last_position(),
    ))
}

/// Verifies the account's e-mail address with the token of the e-mailed link.
///
/// The token (see [`verification`]) must match the account's id and address, else 422
/// naming `token`; verifying twice is a 409.
#[utoipa::path(
    post,
    path = "/accounts/{user_id}/verify",
    tag = "accounts",
    params(("user_id" = Uuid, Path, description = "The account")),
    request_body = Verification,
    responses(
        (status = 200, description = "The address is verified", body = AccountChanged),
        (status = 400, response = problems::BadRequest),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 415, response = problems::UnsupportedMediaType),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn verify(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<Verification>,
) -> Result<Accepted, ApiError> {
    let user_id = shared::user_id(&raw)?;
    let loaded = shared::load(&state, user_id).await?;
    let account = loaded
        .state
        .account()
        .ok_or_else(|| ApiError::NotFound(format!("no account {raw}")))?;
    let email = account.email.as_str();
    if !verification::check(&state.keys, user_id.as_uuid(), email, &body.token) {
        return Err(ApiError::field(
            "token",
            "this verification link is not valid for this account; use the latest e-mail",
        ));
    }
    let now = state.clock.now();
    let position = shared::run(&state, user_id, &store::metadata(user_id), false, || {
        VerifyEmail { now }.into()
    })
    .await?;
    Ok(Accepted::new(
        false,
        ids!("user_id" => user_id.to_string()),
        position,
    ))
}
