//! Appending: envelopes, expected versions, atomic multi-stream appends, idempotency.

use eventlog::testing::TestDb;
use eventlog::{AppendError, ExpectedVersion, Metadata, NewEvent};
use serde_json::json;
use uuid::Uuid;

use crate::support::{events, stream, to};

contract!(
    an_appended_event_reads_back_with_its_whole_envelope,
    versions_count_from_one_and_positions_are_global,
    a_stale_expected_version_is_a_conflict_naming_the_stream_and_actual_version,
    no_stream_refuses_a_stream_that_exists,
    a_multi_stream_append_writes_all_or_nothing,
    appending_the_same_event_ids_again_returns_the_original_positions,
    reusing_some_event_ids_in_a_different_append_is_rejected,
    concurrent_appends_with_the_same_expected_version_let_exactly_one_win,
);

async fn an_appended_event_reads_back_with_its_whole_envelope(db: TestDb) {
    let log = db.log().await;
    let correlation = Uuid::now_v7();
    let mut extra = serde_json::Map::new();
    extra.insert("ip_country".into(), json!("NL"));
    let metadata = Metadata {
        correlation_id: Some(correlation),
        causation_id: Some(Uuid::now_v7()),
        actor: Some("user-42".into()),
        command_id: Some(Uuid::now_v7()),
        extra,
    };
    let event = NewEvent::new("seats_held", json!({"seats": 2, "name": "Zoë ✓"}))
        .with_schema_version(3)
        .with_metadata(metadata.clone());
    let id = event.event_id;
    let outcome = log
        .append(vec![to(
            "listing-a",
            ExpectedVersion::NoStream,
            vec![event],
        )])
        .await
        .unwrap();
    assert!(!outcome.replayed);

    let read = log.read_stream(&stream("listing-a"), 1, 10).await.unwrap();
    assert_eq!(read.len(), 1);
    let stored = &read[0];
    assert_eq!(stored.event_id, id);
    assert_eq!(stored.position, outcome.last_position());
    assert_eq!(stored.stream_id.as_str(), "listing-a");
    assert_eq!(stored.stream_version, 1);
    assert_eq!(stored.event_type, "seats_held");
    assert_eq!(stored.schema_version, 3);
    assert_eq!(stored.payload, json!({"seats": 2, "name": "Zoë ✓"}));
    assert_eq!(stored.metadata, metadata);
    let age = chrono::Utc::now() - stored.recorded_at;
    assert!(
        age.num_seconds().abs() < 60,
        "recorded_at is now-ish: {age}"
    );
}

async fn versions_count_from_one_and_positions_are_global(db: TestDb) {
    let log = db.log().await;
    let first = log
        .append(vec![to("booking-1", ExpectedVersion::NoStream, events(2))])
        .await
        .unwrap();
    let second = log
        .append(vec![to("booking-2", ExpectedVersion::Exact(0), events(1))])
        .await
        .unwrap();
    let third = log
        .append(vec![to("booking-1", ExpectedVersion::Exact(2), events(1))])
        .await
        .unwrap();
    let positions: Vec<i64> = [&first, &second, &third]
        .iter()
        .flat_map(|o| o.written.iter().map(|w| w.position))
        .collect();
    assert_eq!(positions, vec![1, 2, 3, 4]);
    let versions: Vec<u64> = first.written.iter().map(|w| w.stream_version).collect();
    assert_eq!(versions, vec![1, 2]);
    assert_eq!(third.written[0].stream_version, 3);
    assert_eq!(log.stream_version(&stream("booking-1")).await.unwrap(), 3);
    assert_eq!(log.stream_version(&stream("booking-404")).await.unwrap(), 0);
    assert_eq!(log.head().await.unwrap(), 4);
}

async fn a_stale_expected_version_is_a_conflict_naming_the_stream_and_actual_version(db: TestDb) {
    let log = db.log().await;
    log.append(vec![to("listing-x", ExpectedVersion::Any, events(3))])
        .await
        .unwrap();
    let err = log
        .append(vec![to("listing-x", ExpectedVersion::Exact(2), events(1))])
        .await
        .unwrap_err();
    match &err {
        AppendError::Conflict {
            stream_id, actual, ..
        } => {
            assert_eq!(stream_id, "listing-x");
            assert_eq!(*actual, 3);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert!(err.is_conflict());
    assert_eq!(log.head().await.unwrap(), 3, "nothing was written");
}

async fn no_stream_refuses_a_stream_that_exists(db: TestDb) {
    let log = db.log().await;
    log.append(vec![to("user-1", ExpectedVersion::NoStream, events(1))])
        .await
        .unwrap();
    let err = log
        .append(vec![to("user-1", ExpectedVersion::NoStream, events(1))])
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err:?}");
    let any = log
        .append(vec![to("user-1", ExpectedVersion::Any, events(1))])
        .await
        .unwrap();
    assert_eq!(any.written[0].stream_version, 2);
}

async fn a_multi_stream_append_writes_all_or_nothing(db: TestDb) {
    let log = db.log().await;
    log.append(vec![to("listing-1", ExpectedVersion::Any, events(1))])
        .await
        .unwrap();
    // The booking part is fine, the listing part is stale: neither may land.
    let err = log
        .append(vec![
            to("booking-9", ExpectedVersion::NoStream, events(1)),
            to("listing-1", ExpectedVersion::Exact(0), events(1)),
        ])
        .await
        .unwrap_err();
    assert!(err.is_conflict());
    assert_eq!(log.stream_version(&stream("booking-9")).await.unwrap(), 0);
    assert_eq!(log.head().await.unwrap(), 1);

    let ok = log
        .append(vec![
            to("booking-9", ExpectedVersion::NoStream, events(1)),
            to("listing-1", ExpectedVersion::Exact(1), events(2)),
        ])
        .await
        .unwrap();
    let positions: Vec<i64> = ok.written.iter().map(|w| w.position).collect();
    assert_eq!(positions, vec![2, 3, 4]);
    assert_eq!(log.stream_version(&stream("listing-1")).await.unwrap(), 3);
}

async fn appending_the_same_event_ids_again_returns_the_original_positions(db: TestDb) {
    let log = db.log().await;
    let batch = events(2);
    let first = log
        .append(vec![to(
            "booking-r",
            ExpectedVersion::NoStream,
            batch.clone(),
        )])
        .await
        .unwrap();
    log.append(vec![to("booking-other", ExpectedVersion::Any, events(1))])
        .await
        .unwrap();
    // The retry would now be a conflict (NoStream), yet it answers with the first result.
    let retry = log
        .append(vec![to("booking-r", ExpectedVersion::NoStream, batch)])
        .await
        .unwrap();
    assert!(retry.replayed);
    assert_eq!(retry.written, first.written);
    assert_eq!(log.head().await.unwrap(), 3, "no duplicates were written");
}

async fn reusing_some_event_ids_in_a_different_append_is_rejected(db: TestDb) {
    let log = db.log().await;
    let batch = events(1);
    log.append(vec![to("booking-s", ExpectedVersion::Any, batch.clone())])
        .await
        .unwrap();
    let mut mixed = batch.clone();
    mixed.extend(events(1));
    let err = log
        .append(vec![to("booking-s", ExpectedVersion::Any, mixed)])
        .await
        .unwrap_err();
    assert!(matches!(err, AppendError::EventIdReused { .. }), "{err:?}");
    let elsewhere = log
        .append(vec![to("booking-t", ExpectedVersion::Any, batch)])
        .await
        .unwrap_err();
    assert!(
        matches!(elsewhere, AppendError::EventIdReused { .. }),
        "{elsewhere:?}"
    );
    assert_eq!(log.head().await.unwrap(), 1);
}

async fn concurrent_appends_with_the_same_expected_version_let_exactly_one_win(db: TestDb) {
    let log = db.log().await;
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let log = log.clone();
        tasks.push(tokio::spawn(async move {
            log.append(vec![to(
                "listing-hot",
                ExpectedVersion::NoStream,
                events(1),
            )])
            .await
        }));
    }
    let mut wins = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => wins += 1,
            Err(e) => assert!(e.is_conflict(), "{e:?}"),
        }
    }
    assert_eq!(wins, 1);
    assert_eq!(log.stream_version(&stream("listing-hot")).await.unwrap(), 1);
}
