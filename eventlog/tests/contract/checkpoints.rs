//! Checkpoints share the caller's transaction: they commit and roll back with its writes.

use eventlog::testing::TestDb;
use eventlog::ExpectedVersion;

use crate::support::{events, to};

contract!(
    a_checkpoint_commits_with_the_callers_transaction,
    a_rolled_back_transaction_keeps_the_old_checkpoint,
    an_append_in_a_rolled_back_transaction_never_happened,
);

async fn a_checkpoint_commits_with_the_callers_transaction(db: TestDb) {
    let log = db.log().await;
    assert_eq!(log.checkpoint("listings").await.unwrap(), 0);
    let mut tx = log.begin().await.unwrap();
    tx.save_checkpoint("listings", 17).await.unwrap();
    assert_eq!(tx.checkpoint("listings").await.unwrap(), 17);
    tx.commit().await.unwrap();
    assert_eq!(log.checkpoint("listings").await.unwrap(), 17);
    assert_eq!(log.checkpoint("bookings").await.unwrap(), 0);
}

async fn a_rolled_back_transaction_keeps_the_old_checkpoint(db: TestDb) {
    let log = db.log().await;
    let mut tx = log.begin().await.unwrap();
    tx.save_checkpoint("relay", 5).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = log.begin().await.unwrap();
    tx.save_checkpoint("relay", 9).await.unwrap();
    // The caller's own write in the same transaction, then a failure: both vanish.
    if let Some(conn) = tx.sqlite() {
        sqlx::query("CREATE TABLE scratch (x INTEGER)")
            .execute(conn)
            .await
            .unwrap();
    } else if let Some(conn) = tx.postgres() {
        sqlx::query("CREATE TABLE scratch (x INTEGER)")
            .execute(conn)
            .await
            .unwrap();
    }
    tx.rollback().await.unwrap();
    assert_eq!(log.checkpoint("relay").await.unwrap(), 5);

    // Dropping without commit rolls back too.
    {
        let mut tx = log.begin().await.unwrap();
        tx.save_checkpoint("relay", 11).await.unwrap();
    }
    assert_eq!(log.checkpoint("relay").await.unwrap(), 5);
}

async fn an_append_in_a_rolled_back_transaction_never_happened(db: TestDb) {
    let log = db.log().await;
    let mut tx = log.begin().await.unwrap();
    tx.append(vec![to("listing-z", ExpectedVersion::NoStream, events(2))])
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(log.head().await.unwrap(), 0);
    // And the positions it would have used are handed out again: no gaps.
    let outcome = log
        .append(vec![to("listing-z", ExpectedVersion::NoStream, events(1))])
        .await
        .unwrap();
    assert_eq!(outcome.written[0].position, 1);
}
