//! Bad input is a typed error and writes nothing.

use eventlog::testing::TestDb;
use eventlog::{AppendError, ExpectedVersion, LogOptions, NewEvent, StreamId};
use serde_json::json;

use crate::support::{events, to};

contract!(
    an_empty_append_is_rejected,
    a_stream_without_events_is_rejected,
    malformed_stream_ids_are_rejected,
    an_oversize_payload_is_rejected_with_its_size_and_the_limit,
    invalid_json_text_is_rejected,
    a_nul_character_is_rejected_on_every_backend,
    the_same_stream_twice_in_one_append_is_rejected,
    an_empty_event_type_is_rejected,
    reading_an_unknown_stream_returns_nothing,
);

async fn assert_nothing_written(db: &TestDb) {
    let log = db.log().await;
    assert_eq!(log.head().await.unwrap(), 0);
}

async fn an_empty_append_is_rejected(db: TestDb) {
    let log = db.log().await;
    let err = log.append(vec![]).await.unwrap_err();
    assert!(matches!(err, AppendError::Empty), "{err:?}");
    assert_nothing_written(&db).await;
}

async fn a_stream_without_events_is_rejected(db: TestDb) {
    let log = db.log().await;
    let err = log
        .append(vec![
            to("listing-1", ExpectedVersion::Any, events(1)),
            to("booking-1", ExpectedVersion::Any, vec![]),
        ])
        .await
        .unwrap_err();
    assert!(matches!(err, AppendError::Empty), "{err:?}");
    assert_nothing_written(&db).await;
}

async fn malformed_stream_ids_are_rejected(db: TestDb) {
    let long = "x".repeat(201);
    for bad in [
        "",
        "has space",
        "semi;colon",
        "quote'",
        "ümlaut",
        long.as_str(),
    ] {
        let err = StreamId::new(bad).unwrap_err();
        assert!(
            matches!(err, AppendError::InvalidStreamId { .. }),
            "{bad}: {err:?}"
        );
    }
    // Deserializing goes through the same check.
    assert!(serde_json::from_value::<StreamId>(json!("bad id")).is_err());
    assert_nothing_written(&db).await;
}

async fn an_oversize_payload_is_rejected_with_its_size_and_the_limit(db: TestDb) {
    let options = LogOptions {
        max_payload_bytes: 1024,
        ..LogOptions::default()
    };
    let log = db.log_with(options).await;
    let big = NewEvent::new("too_big", json!({ "blob": "x".repeat(2000) }));
    let err = log
        .append(vec![to("listing-1", ExpectedVersion::Any, vec![big])])
        .await
        .unwrap_err();
    match err {
        AppendError::PayloadTooLarge { size, limit, .. } => {
            assert!(size > 2000);
            assert_eq!(limit, 1024);
        }
        other => panic!("expected PayloadTooLarge, got {other:?}"),
    }
    assert_nothing_written(&db).await;
}

async fn invalid_json_text_is_rejected(db: TestDb) {
    for bad in ["{", "{\"a\": }", "nope", ""] {
        let err = NewEvent::from_json("x", bad).unwrap_err();
        assert!(
            matches!(err, AppendError::InvalidJson { .. }),
            "{bad}: {err:?}"
        );
    }
    let ok = NewEvent::from_json("x", "{\"a\": [1, 2]}").unwrap();
    assert_eq!(ok.payload, json!({"a": [1, 2]}));
    assert_nothing_written(&db).await;
}

async fn a_nul_character_is_rejected_on_every_backend(db: TestDb) {
    let log = db.log().await;
    let event = NewEvent::new("x", json!({ "name": "a\u{0}b" }));
    let err = log
        .append(vec![to("listing-1", ExpectedVersion::Any, vec![event])])
        .await
        .unwrap_err();
    assert!(matches!(err, AppendError::InvalidJson { .. }), "{err:?}");
    assert_nothing_written(&db).await;
}

async fn the_same_stream_twice_in_one_append_is_rejected(db: TestDb) {
    let log = db.log().await;
    let err = log
        .append(vec![
            to("listing-1", ExpectedVersion::Any, events(1)),
            to("listing-1", ExpectedVersion::Any, events(1)),
        ])
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppendError::DuplicateStream { .. }),
        "{err:?}"
    );
    assert_nothing_written(&db).await;
}

async fn an_empty_event_type_is_rejected(db: TestDb) {
    let log = db.log().await;
    let event = NewEvent::new("", json!({}));
    let err = log
        .append(vec![to("listing-1", ExpectedVersion::Any, vec![event])])
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppendError::InvalidEventType { .. }),
        "{err:?}"
    );
    assert_nothing_written(&db).await;
}

async fn reading_an_unknown_stream_returns_nothing(db: TestDb) {
    let log = db.log().await;
    let stream = StreamId::new("listing-nobody").unwrap();
    assert!(log.read_stream(&stream, 1, 100).await.unwrap().is_empty());
    assert_eq!(log.stream_version(&stream).await.unwrap(), 0);
    assert!(log.load_snapshot(&stream).await.unwrap().is_none());
}
