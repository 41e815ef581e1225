//! The answer to a request sent with an `Idempotency-Key`, stored as an event-log
//! [`Receipt`] in the very transaction that appends the request's events.
//!
//! Storing the answer after the commit leaves a window: a process killed between the two
//! has changed the log but kept no answer, and the client's retry would run the command a
//! second time (a confirm then finds its hold gone and is refused, though the booking
//! exists). With the answer in the commit there is no such window: either the events and
//! the answer are both there, or neither is and running the command again is safe.
//!
//! `routes::idempotent` opens the scope ([`under`]) around a request's work; the listing
//! writer ([`crate::writer::Writers::submit_answering`]) asks [`receipt_for`] for the
//! receipt to append with, and marks the answer [`stored`] once it committed. Outside such
//! a scope (no key, the scheduler, the console) nothing is stored.

use std::cell::Cell;
use std::future::Future;

use axum::http::StatusCode;
use eventlog::Receipt;
use serde::Serialize;

tokio::task_local! {
    static PENDING: Pending;
}

struct Pending {
    key: String,
    status: StatusCode,
    stored: Cell<bool>,
}

/// Runs `work` as the request whose answer is kept under `key` (with `status` when it
/// succeeds); also says whether that answer was stored with the request's events.
pub(crate) async fn under<F: Future>(
    key: String,
    status: StatusCode,
    work: F,
) -> (F::Output, bool) {
    let pending = Pending {
        key,
        status,
        stored: Cell::new(false),
    };
    PENDING
        .scope(pending, async {
            let output = work.await;
            (output, PENDING.with(|p| p.stored.get()))
        })
        .await
}

/// The receipt maker for the current request, if it is one [`under`] a key: given the
/// body its answer will have at a log position, the receipt that stores that answer.
pub(crate) fn receipt_for() -> Option<ReceiptFor> {
    PENDING
        .try_with(|p| ReceiptFor {
            key: p.key.clone(),
            status: p.status,
        })
        .ok()
}

/// Marks the current request's answer as stored with its events.
pub(crate) fn stored() {
    let _ = PENDING.try_with(|p| p.stored.set(true));
}

/// Where and with which status the current request's answer is to be stored.
#[derive(Debug, Clone)]
pub(crate) struct ReceiptFor {
    key: String,
    status: StatusCode,
}

impl ReceiptFor {
    /// The receipt whose value is `body(position)` with this request's status.
    pub(crate) fn receipt<T: Serialize>(
        &self,
        body: impl Fn(i64) -> T + Send + Sync + 'static,
    ) -> Receipt {
        let status = self.status.as_u16();
        Receipt::new(self.key.clone(), move |position| {
            encode(status, &body(position))
        })
    }
}

/// A stored answer: its status, a space, its JSON body.
fn encode<T: Serialize>(status: u16, body: &T) -> String {
    // A reply type that does not serialize is a programming error the route's own
    // serialisation would hit too; store an empty object rather than fail the commit.
    let json = serde_json::to_string(body).unwrap_or_else(|_| "{}".to_owned());
    format!("{status} {json}")
}

/// The status and body of a stored answer.
pub(crate) fn decode(value: &str) -> Option<(u16, String)> {
    let (status, body) = value.split_once(' ')?;
    Some((status.parse().ok()?, body.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_round_trips_through_its_receipt() {
        let receipt = ReceiptFor {
            key: "k".into(),
            status: StatusCode::CREATED,
        }
        .receipt(|position| serde_json::json!({ "position": position, "id": "x y" }));
        let value = receipt.render(42);
        let (status, body) = decode(&value).unwrap();
        assert_eq!(status, 201);
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body, serde_json::json!({ "position": 42, "id": "x y" }));
        assert_eq!(decode("garbage"), None);
    }

    #[tokio::test]
    async fn only_work_under_a_key_gets_a_receipt_and_is_marked_stored() {
        assert!(receipt_for().is_none());
        stored(); // Outside a scope: nothing to mark, and no panic.
        let ((), was) = under("k".into(), StatusCode::OK, async {
            assert!(receipt_for().is_some());
        })
        .await;
        assert!(!was, "nothing marked it stored");
        let ((), was) = under("k".into(), StatusCode::OK, async { stored() }).await;
        assert!(was);
    }
}
