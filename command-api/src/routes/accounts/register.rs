//! `POST /accounts`: register an account.

use axum::extract::State;
use domain::account::AccountKind;
use domain::{Email, ShortText};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::commands::{self, replies::AccountChanged};
use crate::error::{ApiError, Fields};
use crate::extract::ApiJson;
use crate::openapi::problems;
use crate::routes::parse::check_password;
use crate::routes::reply::Reply;
use crate::state::AppState;

/// The body of `POST /accounts`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewAccount {
    /// One account per address (compared in lower case).
    #[schema(example = "ada@example.com")]
    email: String,
    /// At least 10 characters.
    #[schema(format = Password, min_length = 10, max_length = 1000)]
    password: String,
    /// Shown to others; 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    display_name: String,
    /// `customer` or `organizer`; other roles are granted by an admin.
    #[schema(example = "customer")]
    kind: String,
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
) -> Result<Reply<AccountChanged>, ApiError> {
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
    let registered =
        commands::accounts::register(&state, email, display_name, body.password, kind).await?;
    Ok(Reply::created(registered))
}
