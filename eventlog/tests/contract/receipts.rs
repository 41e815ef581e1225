//! Receipts: a value that commits with its append, or not at all.

use chrono::{TimeDelta, Utc};
use eventlog::testing::TestDb;
use eventlog::{AppendError, ExpectedVersion, Receipt};

use crate::support::{events, to};

contract!(
    a_receipt_commits_with_its_append_and_names_the_position_reached,
    a_conflicting_append_stores_no_receipt,
    a_receipt_in_a_group_commit_belongs_to_its_own_append,
    old_receipts_and_those_beyond_the_cap_are_forgotten,
);

fn receipt(key: &str) -> Receipt {
    let tag = key.to_owned();
    Receipt::new(key.to_owned(), move |position| format!("{tag}@{position}"))
}

async fn a_receipt_commits_with_its_append_and_names_the_position_reached(db: TestDb) {
    let log = db.log().await;
    log.append(vec![to("a", ExpectedVersion::NoStream, events(2))])
        .await
        .unwrap();
    assert_eq!(log.receipt("k").await.unwrap(), None);
    let outcome = log
        .append_with_receipts(
            vec![to("b", ExpectedVersion::NoStream, events(3))],
            vec![receipt("k")],
        )
        .await
        .unwrap();
    assert_eq!(outcome.last_position(), 5);
    let stored = log
        .receipt("k")
        .await
        .unwrap()
        .expect("stored with the append");
    assert_eq!(stored.value, "k@5");
    assert_eq!(stored.position, 5);
    assert!((Utc::now() - stored.recorded_at).num_seconds().abs() < 60);
}

async fn a_conflicting_append_stores_no_receipt(db: TestDb) {
    let log = db.log().await;
    log.append(vec![to("a", ExpectedVersion::NoStream, events(1))])
        .await
        .unwrap();
    let refused = log
        .append_with_receipts(
            vec![to("a", ExpectedVersion::NoStream, events(1))],
            vec![receipt("lost")],
        )
        .await;
    assert!(matches!(refused, Err(AppendError::Conflict { .. })));
    assert_eq!(log.receipt("lost").await.unwrap(), None);
}

async fn a_receipt_in_a_group_commit_belongs_to_its_own_append(db: TestDb) {
    let log = db.log().await;
    // Many appends at once share transactions; each receipt names its own append's
    // position, and the ones that conflict keep none.
    let mut tasks = Vec::new();
    for i in 0..40 {
        let log = log.clone();
        tasks.push(tokio::spawn(async move {
            let stream = format!("s-{}", i % 20);
            let result = log
                .append_with_receipts(
                    vec![to(&stream, ExpectedVersion::NoStream, events(1))],
                    vec![receipt(&format!("r-{i}"))],
                )
                .await;
            (i, result)
        }));
    }
    let mut won = 0;
    for task in tasks {
        let (i, result) = task.await.unwrap();
        let stored = log.receipt(&format!("r-{i}")).await.unwrap();
        match result {
            Ok(outcome) => {
                won += 1;
                let position = outcome.last_position();
                assert_eq!(stored.map(|s| s.value), Some(format!("r-{i}@{position}")));
            }
            Err(AppendError::Conflict { .. }) => assert_eq!(stored, None, "r-{i}"),
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!(won, 20, "one append per stream wins");
}

async fn old_receipts_and_those_beyond_the_cap_are_forgotten(db: TestDb) {
    let log = db.log().await;
    for i in 0..5 {
        log.append_with_receipts(
            vec![to(&format!("s-{i}"), ExpectedVersion::NoStream, events(1))],
            vec![receipt(&format!("r-{i}"))],
        )
        .await
        .unwrap();
        // Distinct recording times, so "the oldest" is well defined.
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
    let an_hour_ago = Utc::now() - TimeDelta::hours(1);
    assert_eq!(log.forget_receipts(an_hour_ago, 100).await.unwrap(), 0);
    assert_eq!(log.forget_receipts(an_hour_ago, 2).await.unwrap(), 3);
    for i in 0..3 {
        assert_eq!(log.receipt(&format!("r-{i}")).await.unwrap(), None);
    }
    assert!(log.receipt("r-4").await.unwrap().is_some());
    let later = Utc::now() + TimeDelta::seconds(1);
    assert_eq!(log.forget_receipts(later, 100).await.unwrap(), 2);
    assert_eq!(log.receipt("r-4").await.unwrap(), None);
}
