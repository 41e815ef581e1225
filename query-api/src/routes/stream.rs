//! Live availability: Server-Sent Events with a listing's seat counts, sent at once and
//! again whenever they change; [`Watch`] is the same machinery for any per-listing value
//! (the caller's place in a waiting room uses it too).

use std::convert::Infallible;
use std::future::Future;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::future::BoxFuture;
use futures::{FutureExt, Stream};
use http_kit::extract::MaybeUser;
use http_kit::openapi::problems;
use http_kit::ApiError;
use projections::status::ListingsChanged;
use serde::Serialize;
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
    let permit = permit(&state, "/availability")?;
    // Subscribe before the first read, so no change between the two is missed.
    let changes = state.projections.subscribe_listings();
    let (detail, position) = visible(&state, &params, &listing, actor.as_ref()).await?;
    let first = (Availability::of(&detail), position);
    let read = move |state: QueryState, listing: String| async move {
        let loaded = load(&state, &listing, actor.as_ref()).await?;
        Ok(loaded.map(|(detail, position)| (Availability::of(&detail), position)))
    };
    let watch = Watch::new(
        state,
        permit,
        detail.id.to_string(),
        changes,
        "availability",
        first,
        read,
    );
    Ok(watch.into_sse())
}

/// A place among this process's live streams, or 503 past their bound; `poll` names the
/// plain read to use instead.
pub(crate) fn permit(
    state: &QueryState,
    poll: &str,
) -> Result<tokio::sync::OwnedSemaphorePermit, QueryError> {
    state.streams.clone().try_acquire_owned().map_err(|_| {
        ApiError::Unavailable(format!(
            "too many live streams are open on this server; retry, or poll {poll}"
        ))
        .into()
    })
}

/// Reads what a stream sends about a listing: the value and its read-model position, or
/// None when the listing is gone from the caller's view (the stream ends).
type Read<T> = Box<
    dyn Fn(QueryState, String) -> BoxFuture<'static, Result<Option<(T, i64)>, QueryError>>
        + Send
        + Sync,
>;

/// One open stream of a listing's changes: what it watches and what it last sent.
pub(crate) struct Watch<T> {
    /// Its place among the process's open streams, given back when it drops.
    _permit: tokio::sync::OwnedSemaphorePermit,
    /// When the stream ends, however lively.
    ends_at: Instant,
    listing: String,
    state: QueryState,
    changes: broadcast::Receiver<ListingsChanged>,
    /// The projections whose changes to the listing wake it.
    sources: &'static [&'static str],
    event: &'static str,
    read: Read<T>,
    last: Option<String>,
    first: Option<(T, i64)>,
}

impl<T: Serialize + Send + 'static> Watch<T> {
    /// A stream of `event`s about `listing`: `first` at once, then `read`'s value each
    /// time it differs from the last one sent, read again whenever the catalog changed
    /// the listing (see [`Watch::woken_by`]) and every [`RECHECK`]. `changes` must be
    /// subscribed before `first` was read, so no change between the two is missed.
    pub(crate) fn new<F, Fut>(
        state: QueryState,
        permit: tokio::sync::OwnedSemaphorePermit,
        listing: String,
        changes: broadcast::Receiver<ListingsChanged>,
        event: &'static str,
        first: (T, i64),
        read: F,
    ) -> Self
    where
        F: Fn(QueryState, String) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Option<(T, i64)>, QueryError>> + Send + 'static,
    {
        Self {
            _permit: permit,
            ends_at: Instant::now() + state.stream_limits.max_age,
            listing,
            state,
            changes,
            sources: &["catalog"],
            event,
            read: Box::new(move |state, listing| read(state, listing).boxed()),
            last: None,
            first: Some(first),
        }
    }

    /// The same stream, woken by changes of the listing in any of the `sources`
    /// projections.
    pub(crate) fn woken_by(self, sources: &'static [&'static str]) -> Self {
        Self { sources, ..self }
    }

    /// The Server-Sent Events response, with keep-alive comments.
    pub(crate) fn into_sse(self) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
        let events = futures::stream::unfold(self, |mut watch| async move {
            let event = watch.next().await?;
            Some((Ok(event), watch))
        });
        Sse::new(events).keep_alive(KeepAlive::default())
    }

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
                    match (self.read)(self.state.clone(), self.listing.clone()).await {
                        Ok(Some(current)) => current,
                        Ok(None) => return None,
                        Err(error) => {
                            tracing::warn!(listing.id = %self.listing, ?error, stream = self.event, "live stream read failed");
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
                        .event(self.event)
                        .id(current.1.to_string())
                        .data(json),
                );
            }
        }
    }

    /// Returns when this listing changed in this process, or after [`RECHECK`]. Every
    /// announcement heard moves the followed checkpoints first, so the read that follows
    /// does not take an answer kept from before the change.
    async fn wait(&mut self) {
        let deadline = (Instant::now() + RECHECK).min(self.ends_at);
        loop {
            match tokio::time::timeout_at(deadline, self.changes.recv()).await {
                Err(_elapsed) => return,
                Ok(Ok(change)) => {
                    self.state.cache.checkpoints().heard(&change);
                    if self.sources.contains(&change.projection)
                        && change.listings.contains(&self.listing)
                    {
                        return;
                    }
                }
                Ok(Err(RecvError::Lagged(_))) => return,
                Ok(Err(RecvError::Closed)) => {
                    tokio::time::sleep_until(deadline).await;
                    return;
                }
            }
        }
    }
}
