//! One writer per hot listing stream (DESIGN.md, "decisions that protect speed").
//!
//! Commands for one listing queue to one task that keeps the folded [`ListingState`] in
//! memory, decides the queued commands one after another, appends all their events in one
//! transaction (the log group-commits across listings too), then answers every caller.
//! The expected-version check stays the safety net between processes: on a conflict the
//! writer reloads the stream and decides the queue again, one command at a time.
//!
//! With the hot writer off ([`crate::ApiConfig::hot_writer`]), each request loads, decides
//! and appends on its own and retries on conflict: the plain optimistic approach, kept
//! for comparison in the flash-sale benchmark.

mod job;
mod task;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use domain::listing::{ListingCommand, ListingError, ListingState};
use domain::ListingId;
use eventlog::{EventLog, Metadata};
use tokio::sync::{mpsc, oneshot};

use crate::recorder::Recorder;
use crate::store::WriteError;
pub use job::{Answer, Committed, Planned};
use job::{BoxedJob, Typed};

/// The registry of listing writers in this process.
#[derive(Debug, Clone)]
pub struct Writers {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    log: EventLog,
    recorder: Recorder,
    hot: bool,
    writers: Mutex<HashMap<ListingId, mpsc::Sender<BoxedJob>>>,
}

impl Writers {
    /// A registry over `log`; `hot` chooses the writer-per-stream mode.
    pub fn new(log: EventLog, recorder: Recorder, hot: bool) -> Self {
        Self {
            inner: Arc::new(Inner {
                log,
                recorder,
                hot,
                writers: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Decides with `decide` against the listing's current state and appends what it
    /// returns (listing events plus any other streams) atomically. `decide` may run more
    /// than once (after a concurrent change), so it must not have side effects. Its
    /// rejection comes back inside; the outer error is a conflict or a storage failure.
    pub async fn submit<R, E, F>(
        &self,
        listing: ListingId,
        metadata: Metadata,
        decide: F,
    ) -> Answer<R, E>
    where
        R: Send + 'static,
        E: Send + 'static,
        F: FnMut(&ListingState) -> Result<Planned<R>, E> + Send + 'static,
    {
        self.queue(listing, metadata, decide, None).await
    }

    /// [`Writers::submit`] for the last step of a command: answers `answer(reply,
    /// position)`, and when the request carries an `Idempotency-Key` stores that answer in
    /// the transaction that appends the events (`command-api/src/answers.rs`), so a retry
    /// after this process dies between the commit and the reply gets it instead of running
    /// the command again.
    pub async fn submit_answering<R, T, E, F, A>(
        &self,
        listing: ListingId,
        metadata: Metadata,
        decide: F,
        answer: A,
    ) -> Result<Result<T, E>, WriteError>
    where
        R: Clone + Send + Sync + 'static,
        T: serde::Serialize + 'static,
        E: Send + 'static,
        F: FnMut(&ListingState) -> Result<Planned<R>, E> + Send + 'static,
        A: Fn(R, i64) -> T + Send + Sync + 'static,
    {
        let answer = Arc::new(answer);
        let pending = crate::answers::receipt_for();
        let wanted = pending.is_some();
        let maker = pending.map(|pending| {
            let answer = answer.clone();
            Box::new(move |reply: &R| {
                let (reply, answer) = (reply.clone(), answer.clone());
                pending.receipt(move |position| answer(reply.clone(), position))
            }) as job::ReceiptMaker<R>
        });
        let committed = self.queue(listing, metadata, decide, maker).await?;
        Ok(committed.map(|committed| {
            if wanted && committed.position > 0 {
                crate::answers::stored();
            }
            answer(committed.reply, committed.position)
        }))
    }

    /// [`Writers::decide`] answering `answer(position)`, stored as
    /// [`Writers::submit_answering`] does.
    pub async fn decide_answering<T, A>(
        &self,
        listing: ListingId,
        metadata: Metadata,
        command: ListingCommand,
        answer: A,
    ) -> Result<Result<T, ListingError>, WriteError>
    where
        T: serde::Serialize + 'static,
        A: Fn(i64) -> T + Send + Sync + 'static,
    {
        self.submit_answering(
            listing,
            metadata,
            move |current| {
                let events = domain::listing::decide(current, command.clone())?;
                Ok(Planned::listing(events, ()))
            },
            move |(), position| answer(position),
        )
        .await
    }

    async fn queue<R, E, F>(
        &self,
        listing: ListingId,
        metadata: Metadata,
        decide: F,
        receipt: Option<job::ReceiptMaker<R>>,
    ) -> Answer<R, E>
    where
        R: Send + 'static,
        E: Send + 'static,
        F: FnMut(&ListingState) -> Result<Planned<R>, E> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: BoxedJob = Box::new(Typed::new(decide, metadata, receipt, reply));
        if !self.inner.hot {
            task::run_alone(&self.inner.log, &self.inner.recorder, listing, job).await;
        } else {
            self.send(listing, job).await;
        }
        answer
            .await
            .map_err(|_| WriteError::Lost("listing writer stopped"))?
    }

    /// Decides one listing command and appends its events; returns the position written,
    /// or the domain's rejection inside.
    pub async fn decide(
        &self,
        listing: ListingId,
        metadata: Metadata,
        command: ListingCommand,
    ) -> Result<Result<i64, ListingError>, WriteError> {
        let answer = self
            .submit(listing, metadata, move |current| {
                let events = domain::listing::decide(current, command.clone())?;
                Ok(Planned::listing(events, ()))
            })
            .await?;
        Ok(answer.map(|committed| committed.position))
    }

    async fn send(&self, listing: ListingId, mut job: BoxedJob) {
        // A writer that retired between our lookup and our send hands the job back;
        // the second try starts a fresh writer.
        for _ in 0..3 {
            let sender = {
                let mut writers = self.inner.writers.lock().expect("writers lock");
                writers
                    .entry(listing)
                    .or_insert_with(|| task::spawn(self.clone(), listing))
                    .clone()
            };
            match sender.send(job).await {
                Ok(()) => return,
                Err(mpsc::error::SendError(returned)) => {
                    job = returned;
                    let mut writers = self.inner.writers.lock().expect("writers lock");
                    if writers
                        .get(&listing)
                        .is_some_and(|s| s.same_channel(&sender))
                    {
                        writers.remove(&listing);
                    }
                }
            }
        }
        job.fail(WriteError::Lost("no listing writer accepted the command"));
    }

    /// How many listing writers are running (each holds one listing's state).
    pub fn running(&self) -> usize {
        self.inner.writers.lock().expect("writers lock").len()
    }

    /// Removes `listing`'s writer if it is still `sender` (called by a retiring writer).
    fn retire(&self, listing: ListingId, sender: &mpsc::Sender<BoxedJob>) {
        let mut writers = self.inner.writers.lock().expect("writers lock");
        if writers
            .get(&listing)
            .is_some_and(|s| s.same_channel(sender))
        {
            writers.remove(&listing);
        }
    }

    fn log(&self) -> &EventLog {
        &self.inner.log
    }

    fn recorder(&self) -> &Recorder {
        &self.inner.recorder
    }
}
