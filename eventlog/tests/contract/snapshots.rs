//! Snapshots: the newest folded state with the version it covers.

use eventlog::testing::TestDb;
use eventlog::Snapshot;
use serde_json::json;

use crate::support::stream;

contract!(
    a_saved_snapshot_loads_back,
    an_older_snapshot_never_replaces_a_newer_one,
);

async fn a_saved_snapshot_loads_back(db: TestDb) {
    let log = db.log().await;
    let snapshot = Snapshot {
        stream_id: stream("listing-s"),
        version: 120,
        schema_version: 1,
        state: json!({"free": 3, "types": [{"name": "Balcony"}]}),
    };
    log.save_snapshot(&snapshot).await.unwrap();
    let loaded = log.load_snapshot(&stream("listing-s")).await.unwrap();
    assert_eq!(loaded, Some(snapshot));
}

async fn an_older_snapshot_never_replaces_a_newer_one(db: TestDb) {
    let log = db.log().await;
    let newer = Snapshot {
        stream_id: stream("listing-s"),
        version: 200,
        schema_version: 1,
        state: json!({"free": 1}),
    };
    log.save_snapshot(&newer).await.unwrap();
    let older = Snapshot {
        version: 150,
        state: json!({"free": 9}),
        ..newer.clone()
    };
    log.save_snapshot(&older).await.unwrap();
    assert_eq!(
        log.load_snapshot(&stream("listing-s")).await.unwrap(),
        Some(newer)
    );
}
