//! A queued command: a re-runnable decision and the caller waiting for its answer.

use domain::listing::{ListingEvent, ListingState};
use eventlog::{Metadata, Receipt, StreamAppend};
use tokio::sync::oneshot;

use crate::store::WriteError;

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

/// What the caller of a job hears: its commit, its decision's rejection (inside), or why
/// the writer could not append.
pub type Answer<R, E> = Result<Result<Committed<R>, E>, WriteError>;

/// A job with its result and rejection types erased, so one queue holds every kind of
/// command. A rejection stays inside the job until [`Job::reject`] sends it.
pub(crate) trait Job: Send {
    /// Decides against `state`; `None` when the decision rejected the command.
    fn decide(&mut self, state: &ListingState) -> Option<(Vec<ListingEvent>, Vec<StreamAppend>)>;
    fn metadata(&self) -> &Metadata;
    /// The receipt to append with the last decision's events, if the caller wants one.
    fn receipt(&self) -> Option<Receipt>;
    fn succeed(self: Box<Self>, position: i64);
    /// Answers with the rejection of the last decision.
    fn reject(self: Box<Self>);
    fn fail(self: Box<Self>, error: WriteError);
}

pub(crate) type BoxedJob = Box<dyn Job>;

/// Makes the receipt for a decision's reply (see [`crate::answers`]).
pub(crate) type ReceiptMaker<R> = Box<dyn Fn(&R) -> Receipt + Send + Sync>;

pub(crate) struct Typed<R, E, F> {
    decide: F,
    metadata: Metadata,
    receipt: Option<ReceiptMaker<R>>,
    last: Option<Result<R, E>>,
    reply: oneshot::Sender<Answer<R, E>>,
}

impl<R, E, F> Typed<R, E, F> {
    pub(crate) fn new(
        decide: F,
        metadata: Metadata,
        receipt: Option<ReceiptMaker<R>>,
        reply: oneshot::Sender<Answer<R, E>>,
    ) -> Self {
        Self {
            decide,
            metadata,
            receipt,
            last: None,
            reply,
        }
    }
}

impl<R, E, F> Job for Typed<R, E, F>
where
    R: Send + 'static,
    E: Send + 'static,
    F: FnMut(&ListingState) -> Result<Planned<R>, E> + Send + 'static,
{
    fn decide(&mut self, state: &ListingState) -> Option<(Vec<ListingEvent>, Vec<StreamAppend>)> {
        match (self.decide)(state) {
            Ok(planned) => {
                self.last = Some(Ok(planned.reply));
                Some((planned.listing, planned.others))
            }
            Err(rejection) => {
                self.last = Some(Err(rejection));
                None
            }
        }
    }

    fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    fn receipt(&self) -> Option<Receipt> {
        match (&self.receipt, &self.last) {
            (Some(make), Some(Ok(reply))) => Some(make(reply)),
            _ => None,
        }
    }

    fn succeed(self: Box<Self>, position: i64) {
        let answer = match self.last {
            Some(Ok(reply)) => Ok(Ok(Committed { reply, position })),
            Some(Err(rejection)) => Ok(Err(rejection)),
            None => Err(never_decided()),
        };
        let _ = self.reply.send(answer);
    }

    fn reject(self: Box<Self>) {
        let answer = match self.last {
            Some(Err(rejection)) => Ok(Err(rejection)),
            _ => Err(never_decided()),
        };
        let _ = self.reply.send(answer);
    }

    fn fail(self: Box<Self>, error: WriteError) {
        let _ = self.reply.send(Err(error));
    }
}

fn never_decided() -> WriteError {
    WriteError::Lost("job answered without a decision")
}
