//! Holds: hold seats, release them, and confirm a hold into a booking (after payment
//! where the price is not zero).

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use domain::booking::{BookingState, NewTicket};
use domain::flows::{confirm_hold, ConfirmHold};
use domain::listing::{HoldSeats, ListingState, ReleaseHold};
use domain::{
    Actor, BookingId, HoldDuration, HoldId, ListingId, Money, SeatCount, TicketCode, TicketId,
    TicketTypeId,
};
use eventlog::{ExpectedVersion, StreamAppend};
use rand::Rng;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

use super::idempotent;
use super::listings::{listing_id, metadata};
use super::reply::{ids, Accepted};
use crate::error::ApiError;
use crate::extract::{ApiJson, AuthUser, IdempotencyKey};
use crate::openapi::{bodies, problems, IdempotencyKeyHeader};
use crate::payments;
use crate::state::AppState;
use crate::store;
use crate::writer::Planned;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/listings/{listing_id}/holds", post(hold))
        .route(
            "/listings/{listing_id}/holds/{hold_id}/release",
            post(release),
        )
        .route(
            "/listings/{listing_id}/holds/{hold_id}/confirm",
            post(confirm),
        )
}

/// The operations of this file, for [`crate::openapi::ApiDoc`].
#[derive(OpenApi)]
#[openapi(components(schemas(ConfirmBody)), paths(hold, release, confirm))]
pub(crate) struct HoldsApi;

/// The body of `POST /listings/{id}/holds`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct HoldBody {
    /// One of the listing's ticket types.
    ticket_type_id: Uuid,
    /// How many seats (1 to the listing's maximum per booking).
    seats: u32,
}

/// The body of `POST .../confirm`.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfirmBody {
    /// Needed unless the seats are free; the sandbox takes `tok_ok`, `tok_declined`, `tok_timeout`.
    #[serde(default)]
    payment_token: Option<String>,
}

impl ConfirmBody {
    /// The payment token, if one was sent.
    pub(crate) fn payment_token(&self) -> Option<String> {
        self.payment_token.clone()
    }
}

pub(crate) fn hold_id(raw: &str) -> Result<HoldId, ApiError> {
    Uuid::parse_str(raw)
        .map(HoldId::from)
        .map_err(|_| ApiError::NotFound(format!("no hold {raw}")))
}

pub(crate) fn minutes(m: u32) -> Result<HoldDuration, ApiError> {
    HoldDuration::from_minutes(i64::from(m)).map_err(|e| ApiError::Internal(e.into()))
}

/// Holds seats of one ticket type for the caller until the hold expires.
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/holds",
    tag = "holds",
    request_body = HoldBody,
    params(
        ("listing_id" = Uuid, Path, description = "The listing"),
        IdempotencyKeyHeader,
    ),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The seats are held", body = bodies::HoldCreated),
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
async fn hold(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(listing): Path<String>,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<HoldBody>,
) -> Response {
    let route = format!("hold:{listing}");
    idempotent::once(&state, actor.user_id, key, &route, &body, async {
        let listing_id = listing_id(&listing)?;
        let seats = SeatCount::new(body.seats).map_err(|e| ApiError::field("seats", e))?;
        let ticket_type_id = TicketTypeId::from(body.ticket_type_id);
        let hold_for = minutes(state.config.hold_minutes)?;
        let hold_id = HoldId::from(Uuid::now_v7());
        let now = state.clock.now();
        let position = state
            .writers
            .decide(
                listing_id,
                metadata(&actor),
                (HoldSeats {
                    actor,
                    hold_id,
                    ticket_type_id,
                    seats,
                    hold_for,
                    now,
                })
                .into(),
            )
            .await?;
        let expires_at = now + hold_for.as_delta();
        Ok(Accepted::new(
            true,
            ids!("hold_id" => hold_id.to_string(), "expires_at" => expires_at.to_rfc3339()),
            position,
        ))
    })
    .await
}

/// Releases a hold before it expires; its seats return to the pool.
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/holds/{hold_id}/release",
    tag = "holds",
    params(
        ("listing_id" = Uuid, Path, description = "The listing"),
        ("hold_id" = Uuid, Path, description = "The hold"),
        IdempotencyKeyHeader,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The hold is released", body = bodies::HoldReleased),
        (status = 401, response = problems::Unauthorized),
        (status = 403, response = problems::Forbidden),
        (status = 404, response = problems::NotFound),
        (status = 409, response = problems::Conflict),
        (status = 422, response = problems::Unprocessable),
        (status = 500, response = problems::Internal),
    )
)]
async fn release(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path((listing, hold)): Path<(String, String)>,
    key: IdempotencyKey,
) -> Response {
    let route = format!("release:{listing}:{hold}");
    idempotent::once(&state, actor.user_id, key, &route, &(), async {
        let listing_id = listing_id(&listing)?;
        let hold_id = hold_id(&hold)?;
        let offer_for = minutes(state.config.offer_minutes)?;
        let now = state.clock.now();
        let position = state
            .writers
            .decide(
                listing_id,
                metadata(&actor),
                (ReleaseHold {
                    actor,
                    hold_id,
                    offer_for,
                    now,
                })
                .into(),
            )
            .await?;
        Ok(Accepted::new(false, ids!("hold_id" => hold), position))
    })
    .await
}

/// Confirms a hold into a booking with one ticket per seat.
///
/// Charges the payment token first unless the seats are free.
#[utoipa::path(
    post,
    path = "/listings/{listing_id}/holds/{hold_id}/confirm",
    tag = "holds",
    request_body(
        content = ref("#/components/schemas/ConfirmBody"),
        description = "Optional: an empty body sends no payment token"
    ),
    params(
        ("listing_id" = Uuid, Path, description = "The listing"),
        ("hold_id" = Uuid, Path, description = "The hold"),
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
async fn confirm(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path((listing, hold)): Path<(String, String)>,
    key: IdempotencyKey,
    body: Option<ApiJson<ConfirmBody>>,
) -> Response {
    let body = body.map(|b| b.0).unwrap_or_default();
    let route = format!("confirm:{listing}:{hold}");
    idempotent::once(&state, actor.user_id, key, &route, &body, async {
        let listing_id = listing_id(&listing)?;
        let hold_id = hold_id(&hold)?;
        confirm_into_booking(&state, actor, listing_id, hold_id, body.payment_token()).await
    })
    .await
}

/// Charges (if not free) and confirms `hold_id` into a new booking with its tickets.
/// Shared by hold confirmation and accepting a waitlist offer.
pub(crate) async fn confirm_into_booking(
    state: &AppState,
    actor: Actor,
    listing_id: ListingId,
    hold_id: HoldId,
    payment_token: Option<String>,
) -> Result<Accepted, ApiError> {
    // A payment happens before the decision, outside the writer, so a slow provider never
    // holds up other buyers: only then is the hold priced first. Without a token the one
    // decision below prices it and refuses if it costs money.
    let payment_reference = match payment_token {
        Some(token) => {
            let (_, amount) = state
                .writers
                .submit(listing_id, metadata(&actor), move |current| {
                    Ok(Planned::listing(
                        Vec::new(),
                        price(current, actor, hold_id)?,
                    ))
                })
                .await?
                .reply;
            match amount {
                Some(amount) if !amount.is_zero() => Some(payments::charge(&amount, &token).await?),
                _ => None,
            }
        }
        None => None,
    };
    let booking_id = BookingId::from(Uuid::now_v7());
    let now = state.clock.now();
    let reference = payment_reference.clone();
    let meta = metadata(&actor);
    let booking_meta = meta.clone();
    let result = state
        .writers
        .submit(listing_id, meta, move |current| {
            let (seats, amount) = price(current, actor, hold_id)?;
            if reference.is_none() && amount.is_some_and(|a| !a.is_zero()) {
                return Err(ApiError::field(
                    "payment_token",
                    "this hold costs money: send a payment token (sandbox: tok_ok)",
                ));
            }
            let tickets = new_tickets(seats);
            let codes: Vec<String> = tickets.iter().map(|t| t.code.as_str().to_owned()).collect();
            let decision = confirm_hold(
                current,
                &BookingState::default(),
                ConfirmHold {
                    actor,
                    hold_id,
                    booking_id,
                    payment_reference: reference.clone(),
                    tickets,
                    now,
                },
            )?;
            let booking_events = store::to_log(&decision.booking, &booking_meta)?;
            let booking = StreamAppend::new(
                store::stream_id(booking_id.stream_id()),
                ExpectedVersion::NoStream,
                booking_events,
            );
            Ok(Planned {
                listing: decision.listing,
                others: vec![booking],
                reply: codes,
            })
        })
        .await;
    match result {
        Ok(committed) => {
            let codes = committed.reply;
            state.recorder.booking(
                listing_id.to_string(),
                booking_id.to_string(),
                codes.clone(),
            );
            Ok(Accepted::new(
                true,
                ids!("booking_id" => booking_id.to_string(), "ticket_codes" => codes),
                committed.position,
            ))
        }
        Err(error) => {
            if let Some(reference) = &payment_reference {
                payments::refund(reference).await;
            }
            Err(error)
        }
    }
}

/// Seats and total price of an active hold the actor may confirm.
fn price(
    current: &ListingState,
    actor: Actor,
    hold_id: HoldId,
) -> Result<(u32, Option<Money>), ApiError> {
    let listing = current
        .listing()
        .ok_or_else(|| ApiError::NotFound("no such listing".into()))?;
    let hold = listing
        .hold(hold_id)
        .ok_or_else(|| ApiError::NotFound(format!("no active hold {hold_id}")))?;
    if hold.buyer != actor.user_id {
        return Err(ApiError::Forbidden(
            "this hold belongs to someone else".into(),
        ));
    }
    let seats = hold.seats.get();
    let amount = listing
        .ticket_type(hold.ticket_type_id)
        .and_then(|t| t.price.checked_mul(seats));
    Ok((seats, amount))
}

/// One ticket per seat, each with a code drawn from the OS's CSPRNG.
fn new_tickets(seats: u32) -> Vec<NewTicket> {
    let alphabet = TicketCode::ALPHABET.as_bytes();
    let mut rng = rand::rng();
    (0..seats)
        .map(|_| {
            let code: String = (0..TicketCode::MIN_LEN)
                .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
                .collect();
            NewTicket {
                ticket_id: TicketId::from(Uuid::now_v7()),
                code: TicketCode::parse(&code).expect("codes are drawn from the alphabet"),
            }
        })
        .collect()
}
