//! Live availability: Server-Sent Events with a listing's seat counts, sent at once and
//! again whenever they change.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use http_kit::extract::MaybeUser;
use http_kit::openapi::problems;
use http_kit::ApiError;
use projections::status::ListingsChanged;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::Instant;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::QueryError;
use crate::params::Params;
use crate::routes::listing::{load, visible, Availability};
use crate::routes::AfterParam;
use crate::state::QueryState;

/// How often the counts are re-read even without a local change (projections may run in
/// another process).
const RECHECK: Duration = Duration::from_secs(1);

pub(super) fn routes() -> OpenApiRouter<QueryState> {
    OpenApiRouter::new().routes(routes!(availability_stream))
}

/// Streams a listing's seat counts as Server-Sent Events.
///
/// Each event is named `availability`, carries the counts as JSON (the shape of
/// `GET /listings/{listing_id}/availability`) and has the listing's catalog position as
/// its `id`. The first is sent at once; another only when the counts change. Comments
/// keep the connection alive. A process serves a bounded number of streams at once (503
/// past it) and ends each after a while (30 minutes by default); `EventSource`
/// reconnects by itself.
#[utoipa::path(
    get,
    path = "/listings/{listing_id}/availability/stream",
    tag = "catalog",
    params(("listing_id" = uuid::Uuid, Path, description = "The listing"), AfterParam),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A stream of `availability` events", content_type = "text/event-stream", body = Availability),
        (status = 401, response = problems::Unauthorized),
        (status = 404, response = problems::NotFound),
        (status = 422, response = problems::Unprocessable),
        (status = 503, response = crate::routes::Behind),
        (status = 500, response = problems::Internal),
    )
)]
async fn availability_stream(
    State(state): State<QueryState>,
    MaybeUser(actor): MaybeUser,
    Path(listing): Path<String>,
    params: Params,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, QueryError> {
    let permit = state.streams.clone().try_acquire_owned().map_err(|_| {
        ApiError::Unavailable(
            "too many live streams are open on this server; retry, or poll /availability".into(),
        )
    })?;
    // Subscribe before the first read, so no change between the two is missed.
    let changes = state.projections.subscribe_listings();
    let (detail, position) = visible(&state, &params, &listing, actor.as_ref()).await?;
    let ends_at = Instant::now() + state.stream_limits.max_age;
    let watch = Watch {
        _permit: permit,
        ends_at,
        listing: detail.id.to_string(),
        state,
        actor,
        changes,
        last: None,
        first: Some((Availability::of(&detail), position)),
    };
    let events = futures::stream::unfold(watch, |mut watch| async move {
        let event = watch.next().await?;
        Some((Ok(event), watch))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

/// One open stream: what it watches and what it last sent.
struct Watch {
    /// Its place among the process's open streams, given back when it drops.
    _permit: tokio::sync::OwnedSemaphorePermit,
    /// When the stream ends, however lively.
    ends_at: Instant,
    listing: String,
    state: QueryState,
    actor: Option<domain::Actor>,
    changes: broadcast::Receiver<ListingsChanged>,
    last: Option<String>,
    first: Option<(Availability, i64)>,
}

impl Watch {
    /// The next event to send; None ends the stream (the listing is gone from view).
    async fn next(&mut self) -> Option<Event> {
        loop {
            if Instant::now() >= self.ends_at {
                return None;
            }
            let current = match self.first.take() {
                Some(first) => first,
                None => {
                    self.wait().await;
                    match load(&self.state, &self.listing, self.actor.as_ref()).await {
                        Ok(Some((detail, position))) => (Availability::of(&detail), position),
                        Ok(None) => return None,
                        Err(error) => {
                            tracing::warn!(listing.id = %self.listing, ?error, "availability stream read failed");
                            continue;
                        }
                    }
                }
            };
            let json = serde_json::to_string(&current.0).unwrap_or_default();
            if self.last.as_deref() != Some(json.as_str()) {
                self.last = Some(json.clone());
                return Some(
                    Event::default()
                        .event("availability")
                        .id(current.1.to_string())
                        .data(json),
                );
            }
        }
    }

    /// Returns when this listing changed in this process, or after [`RECHECK`].
    async fn wait(&mut self) {
        let deadline = (Instant::now() + RECHECK).min(self.ends_at);
        loop {
            match tokio::time::timeout_at(deadline, self.changes.recv()).await {
                Err(_elapsed) => return,
                Ok(Ok(change)) if change.listings.contains(&self.listing) => return,
                Ok(Ok(_)) => {}
                Ok(Err(RecvError::Lagged(_))) => return,
                Ok(Err(RecvError::Closed)) => {
                    tokio::time::sleep_until(deadline).await;
                    return;
                }
            }
        }
    }
}
