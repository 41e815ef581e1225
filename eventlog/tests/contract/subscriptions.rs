//! Subscriptions wake on commit, not on the poll timer, and resume from a position.

use std::time::Duration;

use eventlog::testing::TestDb;
use eventlog::{ExpectedVersion, LogOptions};

use crate::support::{events, to};

contract!(
    a_subscription_wakes_when_an_append_commits,
    a_subscription_wakes_when_a_shared_transaction_commits,
    a_commit_in_another_process_reaches_the_subscription,
    a_subscription_resumes_after_its_checkpoint,
);

/// Options whose poll timer would never fire during a test: only a wake-up can deliver.
fn no_polling() -> LogOptions {
    LogOptions {
        poll_interval: Duration::from_secs(3600),
        ..LogOptions::default()
    }
}

async fn a_subscription_wakes_when_an_append_commits(db: TestDb) {
    let log = db.log_with(no_polling()).await;
    let mut tail = log.subscribe(0);
    let writer = log.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        writer
            .append(vec![to("listing-w", ExpectedVersion::Any, events(2))])
            .await
            .unwrap();
    });
    let batch = tail
        .next_batch_within(Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(
        batch.len(),
        2,
        "woken by the commit, not by the hour-long poll"
    );
    assert_eq!(tail.position(), 2);
}

async fn a_subscription_wakes_when_a_shared_transaction_commits(db: TestDb) {
    let log = db.log_with(no_polling()).await;
    let mut tail = log.subscribe(0);
    let writer = log.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut tx = writer.begin().await.unwrap();
        tx.append(vec![to("listing-t", ExpectedVersion::Any, events(1))])
            .await
            .unwrap();
        tx.save_checkpoint("someone", 1).await.unwrap();
        tx.commit().await.unwrap();
    });
    let batch = tail
        .next_batch_within(Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(batch.len(), 1);
}

async fn a_commit_in_another_process_reaches_the_subscription(db: TestDb) {
    // PostgreSQL delivers NOTIFY across processes, so the reader never needs its timer;
    // SQLite has no cross-process signal, so there the poll fallback must do the work.
    let reader_options = if db.url().starts_with("postgres") {
        no_polling()
    } else {
        LogOptions {
            poll_interval: Duration::from_millis(50),
            ..LogOptions::default()
        }
    };
    let reader = db.log_with(reader_options).await;
    let writer = db.log().await;
    let mut tail = reader.subscribe(0);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        writer
            .append(vec![to("listing-p", ExpectedVersion::Any, events(3))])
            .await
            .unwrap();
    });
    let batch = tail
        .next_batch_within(Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(batch.len(), 3);
}

async fn a_subscription_resumes_after_its_checkpoint(db: TestDb) {
    let log = db.log().await;
    log.append(vec![to("listing-c", ExpectedVersion::Any, events(5))])
        .await
        .unwrap();
    let mut tail = log.subscribe(3);
    let batch = tail.next_batch().await.unwrap();
    let positions: Vec<i64> = batch.iter().map(|e| e.position).collect();
    assert_eq!(positions, vec![4, 5]);
}
