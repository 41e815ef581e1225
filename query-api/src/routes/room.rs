//! The caller's place in a listing's waiting room: read once, or streamed live.

use std::convert::Infallible;

use axum::extract::{Path, State};
use axum::response::sse::{Event, Sse};
use axum::Json;
use chrono::{DateTime, TimeDelta, Utc};
use domain::listing::AdmissionProof;
use domain::{Actor, ListingId};
use futures::Stream;
use http_kit::extract::AuthUser;
use http_kit::openapi::problems;
use http_kit::ApiError;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::access::path_id;
use crate::error::QueryError;
use crate::line::Status;
use crate::params::Params;
use crate::routes::stream::{permit, Watch};
use crate::routes::AfterParam;
use crate::state::QueryState;
use crate::views::time;

pub(super) fn routes() -> OpenApiRouter<QueryState> {
    OpenApiRouter::new()
        .routes(routes!(my_place))
        .routes(routes!(my_place_stream))
}

/// Where the caller is in a listing's waiting room.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RoomPlace {
    /// The listing.
    pub listing_id: Uuid,
    /// `not_joined`, `waiting`, `admitted` (may hold seats until `admission_expires_at`),
    /// `expired` (the admission lapsed) or `closed` (the room was turned off or the
    /// listing cancelled).
    pub status: String,
    /// Place in line, 1 = next; once the room has opened (before, the order is not drawn).
    pub place: Option<i64>,
    /// How many are in line before the caller (with `place`).
    pub ahead: Option<i64>,
    /// How many are in line in all.
    pub waiting: i64,
    /// When the room opens.
    pub opens_at: DateTime<Utc>,
    /// When it opened (null until then).
    pub opened_at: Option<DateTime<Utc>>,
    /// Buyers let in per minute.
    pub admitted_per_minute: i64,
    /// When the caller should be let in at this rate (waiting after the opening); unused
    /// admissions that give their place back only bring it forward.
    pub estimated_admission_at: Option<DateTime<Utc>>,
    /// When the caller joined.
    pub joined_at: Option<DateTime<Utc>>,
    /// When the caller's admission lapses (`admitted`).
    pub admission_expires_at: Option<DateTime<Utc>>,
    /// The signed proof of the caller's admission (`admitted`): send it as
    /// `admission_token` with each hold on this listing until `admission_expires_at`. It
    /// is good for this listing, this account and this admission only.
    pub admission_token: Option<String>,
}

/// The caller's place in the listing's waiting room.
#[utoipa::path(
    get,
    path = "/listings/{listing_id}/waiting_room/me",
    tag = "catalog",
    params(("listing_id" = Uuid, Path, description = "The listing"), AfterParam),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's place", body = RoomPlace),
        (status = 401, response = problems::Unauthorized),
        (status = 404, response = problems::NotFound),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = crate::routes::Behind),
        (status = 500, response = problems::Internal),
    )
)]
async fn my_place(
    State(state): State<QueryState>,
    AuthUser(actor): AuthUser,
    Path(listing): Path<String>,
    params: Params,
) -> Result<Json<RoomPlace>, QueryError> {
    let id = fresh(&state, &params, &listing).await?;
    let (place, _) = place_of(&state, &id, &actor)
        .await?
        .ok_or_else(|| no_room(&listing))?;
    Ok(Json(place))
}

/// Streams the caller's place in the listing's waiting room as Server-Sent Events.
///
/// Each event is named `place` and carries the shape of
/// `GET /listings/{listing_id}/waiting_room/me`; the first is sent at once, another
/// whenever it changes (the line moves, the caller is let in, the admission lapses).
/// The same bounds as the availability stream apply.
#[utoipa::path(
    get,
    path = "/listings/{listing_id}/waiting_room/me/stream",
    tag = "catalog",
    params(("listing_id" = Uuid, Path, description = "The listing"), AfterParam),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A stream of `place` events", content_type = "text/event-stream", body = RoomPlace),
        (status = 401, response = problems::Unauthorized),
        (status = 404, response = problems::NotFound),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = crate::routes::Behind),
        (status = 500, response = problems::Internal),
    )
)]
async fn my_place_stream(
    State(state): State<QueryState>,
    AuthUser(actor): AuthUser,
    Path(listing): Path<String>,
    params: Params,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, QueryError> {
    let permit = permit(&state, "/waiting_room/me")?;
    let changes = state.projections.subscribe_listings();
    let id = fresh(&state, &params, &listing).await?;
    let first = place_of(&state, &id, &actor)
        .await?
        .ok_or_else(|| no_room(&listing))?;
    let read = move |state: QueryState, listing: String| async move {
        place_of(&state, &listing, &actor).await
    };
    // The counts come from the catalog, the line from the bookings projection.
    let watch = Watch::new(state, permit, id, changes, "place", first, read);
    Ok(watch.woken_by(&["catalog", "bookings"]).into_sse())
}

/// Reads `after`, waits for the read models a place is made of, and checks the id.
async fn fresh(state: &QueryState, params: &Params, listing: &str) -> Result<String, QueryError> {
    crate::routes::me::fresh(state, params, &["catalog", "bookings"]).await?;
    Ok(path_id(listing, "listing")?)
}

fn no_room(listing: &str) -> QueryError {
    ApiError::NotFound(format!("listing {listing} has no waiting room")).into()
}

/// The caller's place in `listing`'s room with the catalog's position; None when the
/// listing is not visible to them or has no waiting room. Read from the room's line in
/// memory ([`crate::line`]), rebuilt once whenever the read models moved.
async fn place_of(
    state: &QueryState,
    listing: &str,
    actor: &Actor,
) -> Result<Option<(RoomPlace, i64)>, QueryError> {
    let Some(line) = state.lines.line(&state.log, listing).await? else {
        return Ok(None);
    };
    if !line.visible_to(actor) {
        return Ok(None);
    }
    let buyer = Uuid::from(actor.user_id);
    let visit = line.visit(buyer);
    let room = line.room;
    let opened_at = room.opened_at.map(time);
    let rate = room.admitted_per_minute.max(1);
    let ahead = opened_at.and(line.ahead(buyer));
    // The k-th in line is let in once the rate's budget since the opening covers every
    // admission already granted (less those given back) and k - 1 more.
    let estimated_admission_at = opened_at.zip(ahead).map(|(opened_at, ahead)| {
        let needed = (line.admitted() - line.unused() + ahead).max(0);
        let ms = (needed * 60_000).div_euclid(rate) + i64::from((needed * 60_000) % rate != 0);
        (opened_at + TimeDelta::milliseconds(ms)).max(state.clock.now())
    });
    let admitted = visit
        .filter(|v| v.status == Status::Admitted)
        .and_then(|v| Some((time(v.admitted_at?), time(v.expires_at?))));
    let admission_token = admitted
        .map(|(granted_at, expires_at)| {
            state.keys.admission_token(&AdmissionProof {
                listing_id: ListingId::from(line.listing),
                buyer: actor.user_id,
                granted_at,
                expires_at,
            })
        })
        .transpose()
        .map_err(ApiError::Internal)?;
    let place = RoomPlace {
        listing_id: line.listing,
        status: visit.map_or("not_joined", |v| v.status.as_str()).to_owned(),
        place: ahead.map(|a| a + 1),
        ahead,
        waiting: line.waiting(),
        opens_at: time(room.opens_at),
        opened_at,
        admitted_per_minute: room.admitted_per_minute,
        estimated_admission_at,
        joined_at: visit.map(|v| time(v.joined_at)),
        admission_expires_at: admitted.map(|(_, expires_at)| expires_at),
        admission_token,
    };
    Ok(Some((place, line.position)))
}
