//! Rebuildable transactions: read-model rows and checkpoints commit without waiting for
//! the disk, appends never do.

use eventlog::testing::TestDb;
use eventlog::{AppendError, ExpectedVersion, LogTx};

use crate::support::{events, to};

contract!(
    a_rebuildable_transaction_commits_its_checkpoint_like_any_other,
    a_rebuildable_transaction_refuses_to_append,
    only_a_rebuildable_transaction_skips_the_flush_at_commit,
);

async fn a_rebuildable_transaction_commits_its_checkpoint_like_any_other(db: TestDb) {
    let log = db.log().await;
    let mut tx = log.begin_rebuildable().await.unwrap();
    tx.save_checkpoint("projection:catalog", 12).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(log.checkpoint("projection:catalog").await.unwrap(), 12);

    let mut tx = log.begin_rebuildable().await.unwrap();
    tx.save_checkpoint("projection:catalog", 20).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(log.checkpoint("projection:catalog").await.unwrap(), 12);
}

async fn a_rebuildable_transaction_refuses_to_append(db: TestDb) {
    let log = db.log().await;
    let mut tx = log.begin_rebuildable().await.unwrap();
    let refused = tx
        .append(vec![to("listing-r", ExpectedVersion::NoStream, events(1))])
        .await;
    assert!(
        matches!(refused, Err(AppendError::NotDurable)),
        "{refused:?}"
    );
    tx.commit().await.unwrap();
    assert_eq!(log.head().await.unwrap(), 0);
}

/// What the transaction's connection will do at commit: SQLite's `synchronous` level
/// (2 = FULL, 1 = NORMAL) or PostgreSQL's `synchronous_commit`.
async fn flush_setting(tx: &mut LogTx) -> String {
    if let Some(conn) = tx.sqlite() {
        let (level,): (i64,) = sqlx::query_as("PRAGMA synchronous")
            .fetch_one(conn)
            .await
            .unwrap();
        if level >= 2 { "on" } else { "off" }.to_owned()
    } else {
        let conn = tx.postgres().expect("one of the two backends");
        let (setting,): (String,) = sqlx::query_as("SHOW synchronous_commit")
            .fetch_one(conn)
            .await
            .unwrap();
        setting
    }
}

async fn only_a_rebuildable_transaction_skips_the_flush_at_commit(db: TestDb) {
    let log = db.log().await;
    // Several rounds, so pooled connections are reused between the two kinds.
    for _ in 0..3 {
        let mut tx = log.begin_rebuildable().await.unwrap();
        assert_eq!(flush_setting(&mut tx).await, "off");
        tx.commit().await.unwrap();
        let mut tx = log.begin().await.unwrap();
        assert_eq!(flush_setting(&mut tx).await, "on");
        tx.commit().await.unwrap();
    }
}
