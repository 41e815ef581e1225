//! A queued command: a re-runnable decision and the caller waiting for its answer.

use domain::listing::{ListingEvent, ListingState};
use eventlog::{Metadata, StreamAppend};
use tokio::sync::oneshot;

use crate::error::ApiError;

/// What a decision wants appended, and what to answer once it is.
#[derive(Debug)]
pub struct Planned<R> {
    /// Events for the listing stream.
    pub listing: Vec<ListingEvent>,
    /// Events for other streams, each with its own expected version.
    pub others: Vec<StreamAppend>,
    /// The caller's answer.
    pub reply: R,
}

impl<R> Planned<R> {
    /// Only listing events.
    pub fn listing(listing: Vec<ListingEvent>, reply: R) -> Self {
        Self {
            listing,
            others: Vec::new(),
            reply,
        }
    }
}

/// The answer to a committed command.
#[derive(Debug)]
pub struct Committed<R> {
    /// What the decision returned.
    pub reply: R,
    /// The highest log position written (0 if nothing was).
    pub position: i64,
}

/// A job with its result type erased, so one queue holds every kind of command.
pub(crate) trait Job: Send {
    fn decide(
        &mut self,
        state: &ListingState,
    ) -> Result<(Vec<ListingEvent>, Vec<StreamAppend>), ApiError>;
    fn metadata(&self) -> &Metadata;
    fn succeed(self: Box<Self>, position: i64);
    fn fail(self: Box<Self>, error: ApiError);
}

pub(crate) type BoxedJob = Box<dyn Job>;

pub(crate) struct Typed<R, F> {
    decide: F,
    metadata: Metadata,
    last: Option<R>,
    reply: oneshot::Sender<Result<Committed<R>, ApiError>>,
}

impl<R, F> Typed<R, F> {
    pub(crate) fn new(
        decide: F,
        metadata: Metadata,
        reply: oneshot::Sender<Result<Committed<R>, ApiError>>,
    ) -> Self {
        Self {
            decide,
            metadata,
            last: None,
            reply,
        }
    }
}

impl<R, F> Job for Typed<R, F>
where
    R: Send + 'static,
    F: FnMut(&ListingState) -> Result<Planned<R>, ApiError> + Send + 'static,
{
    fn decide(
        &mut self,
        state: &ListingState,
    ) -> Result<(Vec<ListingEvent>, Vec<StreamAppend>), ApiError> {
        let planned = (self.decide)(state)?;
        self.last = Some(planned.reply);
        Ok((planned.listing, planned.others))
    }

    fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    fn succeed(self: Box<Self>, position: i64) {
        let result = match self.last {
            Some(reply) => Ok(Committed { reply, position }),
            None => Err(ApiError::Internal(anyhow::anyhow!(
                "job committed without a decision"
            ))),
        };
        let _ = self.reply.send(result);
    }

    fn fail(self: Box<Self>, error: ApiError) {
        let _ = self.reply.send(Err(error));
    }
}
