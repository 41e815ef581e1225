//! Reading streams and the whole log, and upcasting on read.

use eventlog::testing::TestDb;
use eventlog::{ExpectedVersion, LogOptions, Metadata, NewEvent, Upcasters};
use serde_json::json;

use crate::support::{events, stream, to};

contract!(
    a_stream_reads_forward_from_a_version,
    the_whole_log_reads_in_position_order_in_batches,
    old_schema_versions_are_upcast_when_read,
    events_a_process_just_wrote_read_as_they_do_from_the_database,
);

async fn a_stream_reads_forward_from_a_version(db: TestDb) {
    let log = db.log().await;
    log.append(vec![to("listing-r", ExpectedVersion::Any, events(5))])
        .await
        .unwrap();
    log.append(vec![to("listing-other", ExpectedVersion::Any, events(2))])
        .await
        .unwrap();
    let tail = log.read_stream(&stream("listing-r"), 3, 100).await.unwrap();
    let versions: Vec<u64> = tail.iter().map(|e| e.stream_version).collect();
    assert_eq!(versions, vec![3, 4, 5]);
    assert_eq!(tail[0].payload, json!({"n": 2}));
    let limited = log.read_stream(&stream("listing-r"), 1, 2).await.unwrap();
    assert_eq!(limited.len(), 2);
}

async fn the_whole_log_reads_in_position_order_in_batches(db: TestDb) {
    let log = db.log().await;
    for i in 0..7 {
        let id = format!("booking-{}", i % 3);
        log.append(vec![to(&id, ExpectedVersion::Any, events(3))])
            .await
            .unwrap();
    }
    let mut after = 0;
    let mut seen = Vec::new();
    loop {
        let batch = log.read_all(after, 4).await.unwrap();
        if batch.is_empty() {
            break;
        }
        assert!(batch.len() <= 4);
        after = batch.last().unwrap().position;
        seen.extend(batch.into_iter().map(|e| e.position));
    }
    assert_eq!(seen, (1..=21).collect::<Vec<i64>>());
}

async fn old_schema_versions_are_upcast_when_read(db: TestDb) {
    let writer = db.log().await;
    let old = NewEvent::new("seats_held", json!({"quantity": 2})).with_schema_version(1);
    let current = NewEvent::new("seats_held", json!({"seats": 5})).with_schema_version(2);
    writer
        .append(vec![to(
            "listing-u",
            ExpectedVersion::Any,
            vec![old, current],
        )])
        .await
        .unwrap();

    let upcasters = Upcasters::new().register("seats_held", 1, |mut v| {
        let quantity = v["quantity"].take();
        Ok(json!({ "seats": quantity }))
    });
    let reader = db
        .log_with(LogOptions {
            upcasters,
            ..LogOptions::default()
        })
        .await;
    let read = reader.read_all(0, 10).await.unwrap();
    assert_eq!(read[0].payload, json!({"seats": 2}));
    assert_eq!(read[0].schema_version, 2);
    assert_eq!(read[1].payload, json!({"seats": 5}));
    assert_eq!(read[1].schema_version, 2);
}

async fn events_a_process_just_wrote_read_as_they_do_from_the_database(db: TestDb) {
    let writer = db.log().await;
    let metadata = Metadata {
        correlation_id: Some(uuid::Uuid::now_v7()),
        actor: Some("user-1".into()),
        extra: [("ip".to_owned(), json!("192.0.2.1"))]
            .into_iter()
            .collect(),
        ..Metadata::default()
    };
    let rich = NewEvent::new(
        "seats_held",
        json!({"seats": 2, "price": {"amount": 1999, "currency": "EUR"}, "note": "é ☃ \"q\"",
               "ratio": 0.25, "tags": ["a", "b"], "none": null}),
    )
    .with_metadata(metadata);
    writer
        .append(vec![to("listing-m", ExpectedVersion::NoStream, vec![rich])])
        .await
        .unwrap();
    for i in 0..5 {
        writer
            .append(vec![
                to(
                    &format!("booking-{i}"),
                    ExpectedVersion::NoStream,
                    events(2),
                ),
                to("listing-m", ExpectedVersion::Any, events(1)),
            ])
            .await
            .unwrap();
    }
    // The writer's own process answers from what it just committed; another process
    // (a new connection) can only read the database.
    let kept = writer.read_all(0, 100).await.unwrap();
    let stored = db.log().await.read_all(0, 100).await.unwrap();
    assert_eq!(kept.len(), 16);
    assert_eq!(kept, stored);
    assert_eq!(writer.read_all(7, 3).await.unwrap(), stored[7..10].to_vec());
}
