//! The gap test: a transaction that took an earlier position and commits late is never
//! skipped by a tailer that remembers "last position seen", in this process or another.

use std::time::Duration;

use eventlog::testing::TestDb;
use eventlog::{EventLog, ExpectedVersion, StoredEvent, Subscription};

use crate::support::{events, to};

contract!(
    a_tailer_neither_skips_nor_repeats_an_append_that_commits_late,
    a_late_commit_is_not_skipped_when_the_later_append_is_another_process,
);

async fn drain(tail: &mut Subscription, want: usize) -> Vec<StoredEvent> {
    let mut seen = Vec::new();
    while seen.len() < want {
        let batch = tail
            .next_batch_within(Duration::from_secs(30))
            .await
            .unwrap();
        assert!(
            !batch.is_empty(),
            "tailer stalled after {} events",
            seen.len()
        );
        seen.extend(batch);
    }
    seen
}

async fn hold_open_while_a_later_append_runs(log: &EventLog, later_log: EventLog) {
    let mut tail = log.subscribe(0);
    let mut open = log.begin().await.unwrap();
    let first = open
        .append(vec![to("listing-early", ExpectedVersion::Any, events(1))])
        .await
        .unwrap();

    let later = tokio::spawn(async move {
        later_log
            .append(vec![to("listing-late", ExpectedVersion::Any, events(1))])
            .await
    });
    // While the first transaction is open nothing is visible, and the later append cannot
    // commit ahead of it (it waits for the log head).
    let early_look = tail
        .next_batch_within(Duration::from_millis(700))
        .await
        .unwrap();
    assert!(
        early_look.is_empty(),
        "saw {early_look:?} before any commit"
    );
    assert!(
        !later.is_finished(),
        "a later append committed ahead of an open one"
    );

    open.commit().await.unwrap();
    let second = later.await.unwrap().unwrap();

    let seen = drain(&mut tail, 2).await;
    let ids: Vec<_> = seen.iter().map(|e| e.event_id).collect();
    assert_eq!(
        ids,
        vec![first.written[0].event_id, second.written[0].event_id]
    );
    let positions: Vec<i64> = seen.iter().map(|e| e.position).collect();
    assert_eq!(positions, vec![1, 2]);
    let again = tail
        .next_batch_within(Duration::from_millis(300))
        .await
        .unwrap();
    assert!(again.is_empty(), "repeated {again:?}");
}

async fn a_tailer_neither_skips_nor_repeats_an_append_that_commits_late(db: TestDb) {
    let log = db.log().await;
    hold_open_while_a_later_append_runs(&log, log.clone()).await;
}

async fn a_late_commit_is_not_skipped_when_the_later_append_is_another_process(db: TestDb) {
    let log = db.log().await;
    let other_process = db.log().await;
    hold_open_while_a_later_append_runs(&log, other_process).await;
}
