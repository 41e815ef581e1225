//! Who the caller is: the signed-in account's id, e-mail, display name and role.

use axum::extract::State;
use axum::Json;
use domain::Role;
use eventlog::sql::Arg;
use http_kit::extract::AuthUser;
use http_kit::openapi::problems;
use http_kit::ApiError;
use projections::record::{columns, read_rows};
use projections::rows::PersonRow;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AfterParam;
use crate::access::conn;
use crate::error::QueryError;
use crate::params::{Params, Reader};
use crate::state::QueryState;

pub(super) fn routes() -> OpenApiRouter<QueryState> {
    OpenApiRouter::new().routes(routes!(me))
}

/// The signed-in account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// The account.
    pub user_id: Uuid,
    /// The address it registered with.
    pub email: String,
    /// The name shown to others.
    pub display_name: String,
    /// `customer`, `organizer`, `staff` or `admin`, as the access token carries it.
    pub role: String,
    /// For `staff` only: the organizer they work for.
    pub organizer_id: Option<Uuid>,
}

/// The caller's account. The role is the one the access token was issued with, which is
/// what every other route authorises by; a role change shows after the next refresh.
#[utoipa::path(
    get,
    path = "/me",
    tag = "me",
    params(AfterParam),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's account", body = Me),
        (status = 401, response = problems::Unauthorized),
        (status = 404, response = problems::NotFound),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = super::Behind),
        (status = 500, response = problems::Internal),
    )
)]
async fn me(
    State(state): State<QueryState>,
    AuthUser(actor): AuthUser,
    params: Params,
) -> Result<Json<Me>, QueryError> {
    let mut read = Reader::new(&params);
    let after = read.after();
    read.finish()?;
    state.caught_up(after, &["bookings"]).await?;
    let mut conn = conn(&state).await?;
    let sql = format!(
        "SELECT {} FROM rm_people WHERE user_id = $1",
        columns::<PersonRow>()
    );
    let rows = conn
        .db()
        .rows(&sql, vec![Arg::from(actor.user_id.to_string())])
        .await?;
    let Some(person) = read_rows::<PersonRow>(&rows)?.into_iter().next() else {
        // Registered a moment ago and not projected yet: `after` waits for it.
        return Err(ApiError::NotFound("no such account (yet): retry with `after`".into()).into());
    };
    let (role, organizer_id) = match actor.role {
        Role::Staff { organizer_id } => ("staff", Some(organizer_id.as_uuid())),
        Role::Customer => ("customer", None),
        Role::Organizer => ("organizer", None),
        Role::Admin => ("admin", None),
    };
    Ok(Json(Me {
        user_id: actor.user_id.as_uuid(),
        email: person.email,
        display_name: person.display_name,
        role: role.into(),
        organizer_id,
    }))
}
