//! Waitlist: join when sold out, leave, and accept (becoming a booking) or decline an offer.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use domain::listing::{DeclineOffer, JoinWaitlist, LeaveWaitlist};
use domain::{HoldId, SeatCount, TicketTypeId, WaitlistEntryId};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

use super::holds::{confirm_into_booking, minutes, ConfirmBody};
use super::idempotent;
use super::listings::{listing_id, metadata};
use super::reply::{ids, Accepted};
use crate::error::ApiError;
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{bodies, problems, IdempotencyKeyHeader};
use crate::state::AppState;
use crate::writer::Planned;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/listings/{listing_id}/waitlist", post(join))
        .route(
            "/listings/{listing_id}/waitlist/{entry_id}/leave",
            post(leave),
        )
        .route(
            "/listings/{listing_id}/waitlist/{entry_id}/accept",
            post(accept),
        )
        .route(
            "/listings/{listing_id}/waitlist/{entry_id}/decline",
            post(decline),
        )
}

/// The operations of this file, for [`crate::openapi::ApiDoc`].
#[derive(OpenApi)]
#[openapi(components(schemas(ConfirmBody)), paths(join, leave, accept, decline))]
pub(crate) struct WaitlistApi;

/// The body of `POST /listings/{id}/waitlist`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct JoinBody {
    /// The sold-out ticket type.
    ticket_type_id: Uuid,
    /// Seats wanted together (1 to 100).
    party_size: u32,
}

fn entry_id(raw: &str) -> Result<WaitlistEntryId, ApiError> {
    Uuid::parse_str(raw)
        .map(WaitlistEntryId::from)
        .map_err(|_| ApiError::NotFound(format!("no waitlist entry {raw}")))
}

/// Joins the waitlist of a sold-out ticket type.
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/waitlist",
    tag = "waitlist",
    request_body = JoinBody,
    params(
        ("listing_id" = Uuid, Path, description = "The listing"),
        IdempotencyKeyHeader,
    ),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The caller is on the waitlist", body = bodies::WaitlistJoined),
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
async fn join(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(listing): Path<String>,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<JoinBody>,
) -> Response {
    let route = format!("join_waitlist:{listing}");
    idempotent::once(&state, actor.user_id, key, &route, &body, async {
        let listing_id = listing_id(&listing)?;
        let party_size =
            SeatCount::new(body.party_size).map_err(|e| ApiError::field("party_size", e))?;
        let ticket_type_id = TicketTypeId::from(body.ticket_type_id);
        let entry_id = WaitlistEntryId::from(Uuid::now_v7());
        let now = state.clock.now();
        let committed = state
            .writers
            .submit(listing_id, metadata(&actor), move |current| {
                let command = JoinWaitlist {
                    actor,
                    entry_id,
                    ticket_type_id,
                    party_size,
                    now,
                };
                let events = domain::listing::decide(current, command.into())?;
                let waiting = current.listing().map_or(0, |l| l.waitlist().len()) + 1;
                Ok(Planned::listing(events, waiting))
            })
            .await?;
        Ok(Accepted::new(
            true,
            ids!("entry_id" => entry_id.to_string(), "waitlist_length" => committed.reply),
            committed.position,
        ))
    })
    .await
}

/// Leaves the waitlist.
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/waitlist/{entry_id}/leave",
    tag = "waitlist",
    params(
        ("listing_id" = Uuid, Path, description = "The listing"),
        ("entry_id" = Uuid, Path, description = "The waitlist entry"),
        IdempotencyKeyHeader,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The entry left the waitlist", body = bodies::WaitlistEntryChanged),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
async fn leave(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path((listing, entry)): Path<(String, String)>,
    key: IdempotencyKey,
) -> Response {
    let route = format!("leave_waitlist:{listing}:{entry}");
    idempotent::once(&state, actor.user_id, key, &route, &(), async {
        let listing_id = listing_id(&listing)?;
        let entry_id = entry_id(&entry)?;
        let now = state.clock.now();
        let position = state
            .writers
            .decide(
                listing_id,
                metadata(&actor),
                (LeaveWaitlist {
                    actor,
                    entry_id,
                    now,
                })
                .into(),
            )
            .await?;
        Ok(Accepted::new(false, ids!("entry_id" => entry), position))
    })
    .await
}

/// Accepts a waitlist offer: the offered seats become a booking.
///
/// Charges the payment token first unless the seats are free.
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/waitlist/{entry_id}/accept",
    tag = "waitlist",
    request_body(
        content = ref("#/components/schemas/ConfirmBody"),
        description = "Optional: an empty body sends no payment token"
    ),
    params(
        ("listing_id" = Uuid, Path, description = "The listing"),
        ("entry_id" = Uuid, Path, description = "The waitlist entry"),
        IdempotencyKeyHeader,
    ),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The booking and its ticket codes", body = bodies::BookingCreated),
        (status = 400, response = problems::BadRequest),
        (status = 401, response = problems::Unauthorized),
        (status = 402, response = problems::PaymentRequired),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 413, response = problems::PayloadTooLarge),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
        (status = 504, response = problems::GatewayTimeout),
    )
)]
async fn accept(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path((listing, entry)): Path<(String, String)>,
    key: IdempotencyKey,
    body: Option<ApiJson<ConfirmBody>>,
) -> Response {
    let body = body.map(|b| b.0).unwrap_or_default();
    let route = format!("accept_offer:{listing}:{entry}");
    idempotent::once(&state, actor.user_id, key, &route, &body, async {
        let listing_id = listing_id(&listing)?;
        let hold_id = HoldId::for_offer(entry_id(&entry)?);
        confirm_into_booking(&state, actor, listing_id, hold_id, body.payment_token()).await
    })
    .await
}

/// Declines a waitlist offer, passing its seats on to the next in line.
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/waitlist/{entry_id}/decline",
    tag = "waitlist",
    params(
        ("listing_id" = Uuid, Path, description = "The listing"),
        ("entry_id" = Uuid, Path, description = "The waitlist entry"),
        IdempotencyKeyHeader,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The offer is declined", body = bodies::WaitlistEntryChanged),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
async fn decline(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path((listing, entry)): Path<(String, String)>,
    key: IdempotencyKey,
) -> Response {
    let route = format!("decline_offer:{listing}:{entry}");
    idempotent::once(&state, actor.user_id, key, &route, &(), async {
        let listing_id = listing_id(&listing)?;
        let hold_id = HoldId::for_offer(entry_id(&entry)?);
        let offer_for = minutes(state.config.offer_minutes)?;
        let now = state.clock.now();
        let position = state
            .writers
            .decide(
                listing_id,
                metadata(&actor),
                (DeclineOffer {
                    actor,
                    hold_id,
                    offer_for,
                    now,
                })
                .into(),
            )
            .await?;
        Ok(Accepted::new(false, ids!("entry_id" => entry), position))
    })
    .await
}
