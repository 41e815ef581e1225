//! Check-in at the door: staff of the listing's organizer (or the organizer) admit a
//! ticket by its code, or undo an admission.

use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use domain::booking::{BookingCommand, CheckIn, UndoCheckIn};
use domain::{Actor, BookingAggregate, TicketCode};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::idempotent;
use super::listings::metadata;
use super::reply::{ids, Accepted};
use crate::error::ApiError;
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{bodies, problems, IdempotencyKeyHeader};
use crate::state::AppState;
use crate::{index, store};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/checkins", post(admit))
        .route("/checkins/undo", post(undo))
}

/// The operations of this file, for [`crate::openapi::ApiDoc`].
#[derive(OpenApi)]
#[openapi(paths(admit, undo))]
pub(crate) struct CheckinApi;

/// The body of a check-in: the code scanned at the door.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CodeBody {
    /// The ticket code, 16 to 32 Crockford base32 characters.
    code: String,
}

/// Admits the ticket with this code (staff of the listing's organizer, or the organizer).
#[utoipa::path(
    post,
    path = "/checkins",
    tag = "checkin",
    request_body = CodeBody,
    params(IdempotencyKeyHeader),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The ticket is admitted", body = bodies::BookingChanged),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 413, response = problems::PayloadTooLarge),
        (status = 415, response = problems::UnsupportedMediaType),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
async fn admit(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<CodeBody>,
) -> Response {
    idempotent::once(&state, actor.user_id, key, "check_in", &body, async {
        let now = state.clock.now();
        run(&state, actor, &body.code, |code| {
            CheckIn { actor, code, now }.into()
        })
        .await
    })
    .await
}

/// Undoes a check-in made by mistake.
#[utoipa::path(
    post,
    path = "/checkins/undo",
    tag = "checkin",
    request_body = CodeBody,
    params(IdempotencyKeyHeader),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The admission is undone", body = bodies::BookingChanged),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 413, response = problems::PayloadTooLarge),
        (status = 415, response = problems::UnsupportedMediaType),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
async fn undo(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<CodeBody>,
) -> Response {
    idempotent::once(&state, actor.user_id, key, "undo_check_in", &body, async {
        let now = state.clock.now();
        run(&state, actor, &body.code, |code| {
            UndoCheckIn { actor, code, now }.into()
        })
        .await
    })
    .await
}

/// Finds the booking of `raw`, decides the command on it and appends (retrying when
/// another door scanned a ticket of the same booking at the same moment).
async fn run(
    state: &AppState,
    actor: Actor,
    raw: &str,
    command: impl Fn(TicketCode) -> BookingCommand,
) -> Result<Accepted, ApiError> {
    let code = TicketCode::parse(raw).map_err(|e| ApiError::field("code", e))?;
    let booking = match index::booking_of(&state.log, code.as_str()).await? {
        Some(booking) => booking,
        None => {
            // The booking may have been confirmed a moment ago: write pending rows, look again.
            state.recorder.flush().await;
            index::booking_of(&state.log, code.as_str())
                .await?
                .ok_or_else(|| ApiError::NotFound("no ticket has this code".into()))?
        }
    };
    let stream = store::stream_id(booking.stream_id());
    let position = store::decide_and_append::<BookingAggregate>(
        &state.log,
        &stream,
        &metadata(&actor),
        |current| Ok(domain::booking::decide(current, command(code.clone()))?),
    )
    .await?;
    Ok(Accepted::new(
        false,
        ids!("booking_id" => booking.to_string()),
        position,
    ))
}
