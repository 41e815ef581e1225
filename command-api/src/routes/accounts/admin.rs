//! Admin commands on other accounts: change role, suspend, reinstate. Who may do them is
//! the domain's rule (admins, never on themselves), so a non-admin hears 403 from there.

use axum::extract::{Path, State};
use axum::response::Response;
use domain::account::{ChangeRole, ReinstateAccount, SuspendAccount};
use domain::{Role, ShortText, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::shared::{self, AccountChanged};
use crate::error::{ApiError, Fields};
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::reply::{ids, Accepted};
use crate::state::AppState;
use crate::store;

/// The body of `POST /accounts/{user_id}/role`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RoleChange {
    /// The new role.
    role: RoleBody,
}

/// A role as `{"kind": "staff", "organizer_id": "..."}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Role)]
pub(super) struct RoleBody {
    /// `customer`, `organizer`, `staff` or `admin`.
    #[schema(example = "organizer")]
    kind: String,
    /// For `staff` only: the organizer they work for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Uuid>)]
    organizer_id: Option<String>,
}

/// The body of `POST /accounts/{user_id}/suspend`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct Suspension {
    /// Why, for other admins; 1 to 200 characters.
    reason: String,
}

impl RoleBody {
    /// The role, or the fields that are wrong; a staff role needs an existing organizer.
    async fn parse(&self, state: &AppState) -> Result<Role, ApiError> {
        let mut f = Fields::new();
        let organizer = match (self.kind.as_str(), &self.organizer_id) {
            ("staff", Some(raw)) => match Uuid::parse_str(raw) {
                Ok(id) => Some(UserId::from(id)),
                Err(_) => {
                    f.push("role.organizer_id", "use the organizer's user id (a UUID)");
                    None
                }
            },
            ("staff", None) => {
                f.push(
                    "role.organizer_id",
                    "staff work for an organizer: give their id",
                );
                None
            }
            (_, Some(_)) => {
                f.push("role.organizer_id", "only a staff role names an organizer");
                None
            }
            (_, None) => None,
        };
        let role = match self.kind.as_str() {
            "customer" => Some(Role::Customer),
            "organizer" => Some(Role::Organizer),
            "admin" => Some(Role::Admin),
            "staff" => organizer.map(|organizer_id| Role::Staff { organizer_id }),
            _ => {
                f.push(
                    "role.kind",
                    "use \"customer\", \"organizer\", \"staff\" or \"admin\"",
                );
                None
            }
        };
        f.finish()?;
        let role = role.expect("checked");
        if let Some(organizer_id) = organizer {
            let loaded = shared::load(state, organizer_id).await?;
            let is_organizer = loaded
                .state
                .account()
                .is_some_and(|a| a.role == Role::Organizer);
            if !is_organizer {
                return Err(ApiError::field(
                    "role.organizer_id",
                    "no organizer has this id",
                ));
            }
        }
        Ok(role)
    }
}

/// Gives an account another role (admins only, never their own).
///
/// The new role reaches the user's access token at its next refresh.
#[utoipa::path(
    post,
    path = "/accounts/{user_id}/role",
    tag = "accounts",
    params(("user_id" = Uuid, Path, description = "The account"), IdempotencyKeyHeader),
    request_body = RoleChange,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The role is changed", body = AccountChanged),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 415, response = problems::UnsupportedMediaType),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn change_role(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(raw): Path<String>,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<RoleChange>,
) -> Response {
    let route = format!("change_role:{raw}");
    idempotent::once(&state, actor.user_id, key, &route, &body, async {
        let user_id = shared::user_id(&raw)?;
        if !actor.is_admin() {
            // Before the organizer look-up, so a non-admin learns nothing about accounts.
            return Err(domain::account::AccountError::AdminOnly.into());
        }
        let role = body.role.parse(&state).await?;
        let now = state.clock.now();
        let meta = store::metadata(actor.user_id);
        let position = shared::run(&state, user_id, &meta, false, || {
            ChangeRole { actor, role, now }.into()
        })
        .await?;
        Ok(done(user_id, position))
    })
    .await
}

/// Suspends an account (admins only, never their own).
///
/// The user can no longer log in, and their refresh tokens are revoked with it, so their
/// sessions end within one access-token lifetime.
#[utoipa::path(
    post,
    path = "/accounts/{user_id}/suspend",
    tag = "accounts",
    params(("user_id" = Uuid, Path, description = "The account"), IdempotencyKeyHeader),
    request_body = Suspension,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account is suspended", body = AccountChanged),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 415, response = problems::UnsupportedMediaType),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn suspend(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(raw): Path<String>,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<Suspension>,
) -> Response {
    let route = format!("suspend:{raw}");
    idempotent::once(&state, actor.user_id, key, &route, &body, async {
        let user_id = shared::user_id(&raw)?;
        let mut f = Fields::new();
        let reason = f.check("reason", ShortText::parse(&body.reason));
        f.finish()?;
        let reason = reason.expect("checked");
        let now = state.clock.now();
        let meta = store::metadata(actor.user_id);
        let position = shared::run(&state, user_id, &meta, true, || {
            SuspendAccount {
                actor,
                reason: reason.clone(),
                now,
            }
            .into()
        })
        .await?;
        Ok(done(user_id, position))
    })
    .await
}

/// Lifts a suspension (admins only); takes no body.
#[utoipa::path(
    post,
    path = "/accounts/{user_id}/reinstate",
    tag = "accounts",
    params(("user_id" = Uuid, Path, description = "The account"), IdempotencyKeyHeader),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account is active again", body = AccountChanged),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn reinstate(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(raw): Path<String>,
    key: IdempotencyKey,
) -> Response {
    let route = format!("reinstate:{raw}");
    idempotent::once(&state, actor.user_id, key, &route, &(), async {
        let user_id = shared::user_id(&raw)?;
        let now = state.clock.now();
        let meta = store::metadata(actor.user_id);
        let position = shared::run(&state, user_id, &meta, false, || {
            ReinstateAccount { actor, now }.into()
        })
        .await?;
        Ok(done(user_id, position))
    })
    .await
}

fn done(user_id: UserId, position: i64) -> Accepted {
    Accepted::new(false, ids!("user_id" => user_id.to_string()), position)
}
