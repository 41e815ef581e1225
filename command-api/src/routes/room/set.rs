//! `POST /listings/{listing_id}/waiting_room`: turn the waiting room on, change it, or
//! turn it off.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use domain::listing::RoomSettings;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::commands::{self, replies::ListingChanged};
use crate::error::Fields;
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{problems, IdempotencyKeyHeader};
use crate::routes::idempotent;
use crate::routes::parse::ListingPath;
use crate::state::AppState;

/// The body of `POST .../waiting_room`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WaitingRoomBody {
    /// `true` turns the room on (the other fields are then required), `false` off.
    enabled: bool,
    /// When the room opens: everyone who joins before is ordered at random at that
    /// instant, later arrivals queue behind in arrival order.
    #[serde(default)]
    opens_at: Option<DateTime<Utc>>,
    /// Buyers let in per minute (1 to 100,000).
    #[serde(default, deserialize_with = "http_kit::extract::int32_opt")]
    #[schema(minimum = 1, maximum = 100_000)]
    admitted_per_minute: Option<u32>,
    /// How long an admission lets its buyer hold seats, in minutes (1 to 60).
    #[serde(default, deserialize_with = "http_kit::extract::int32_opt")]
    #[schema(minimum = 1, maximum = 60)]
    admission_minutes: Option<u32>,
}

impl WaitingRoomBody {
    fn parse(&self) -> Result<Option<RoomSettings>, crate::error::ApiError> {
        if !self.enabled {
            return Ok(None);
        }
        let mut f = Fields::new();
        let required = "required when enabled is true";
        if self.opens_at.is_none() {
            f.push("opens_at", required);
        }
        if self.admitted_per_minute.is_none() {
            f.push("admitted_per_minute", required);
        }
        if self.admission_minutes.is_none() {
            f.push("admission_minutes", required);
        }
        f.finish()?;
        Ok(Some(RoomSettings {
            opens_at: self.opens_at.expect("checked"),
            admitted_per_minute: self.admitted_per_minute.expect("checked"),
            admission_minutes: self.admission_minutes.expect("checked"),
        }))
    }
}

/// Turn the waiting room on, change its rate or admission time, or turn it off (the
/// owner organizer or an admin). While it is on, holds need an admission from it.
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/waiting_room",
    tag = "waiting room",
    request_body = WaitingRoomBody,
    params(
        ("listing_id" = Uuid, Path, description = "The listing"),
        IdempotencyKeyHeader,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The room is set", body = ListingChanged),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
pub(super) async fn set_waiting_room(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    ListingPath { listing_id }: ListingPath,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<WaitingRoomBody>,
) -> Response {
    let route = format!("set_waiting_room:{listing_id}");
    idempotent::once(
        &state,
        actor.user_id,
        key,
        &route,
        &body,
        StatusCode::OK,
        async {
            let settings = body.parse()?;
            let changed =
                commands::room::set_waiting_room(&state, actor, listing_id, settings).await?;
            Ok(changed)
        },
    )
    .await
}
