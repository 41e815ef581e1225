//! The relay against a real Kafka-protocol broker (`make test` starts one and sets
//! `TEST_KAFKA_BROKERS`): every event once, in stream order, with headers; and no event
//! lost when the broker goes away and comes back.

mod support;

use std::collections::HashMap;
use std::time::Duration;

use projections::relay::{self, wire, KafkaArgs, RelayConfig};
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_appears_on_the_topic_once_in_stream_order_with_headers() {
    let brokers = kafka_brokers();
    let topic = create_topic(&brokers, 3).await;
    let db = eventlog::testing::TestDb::sqlite();
    let log = db.log().await;
    let mut expected = Vec::new();
    for _ in 0..4 {
        expected.extend(append_booking_story(&log).await);
    }
    let (stop, relay) = start_relay(&brokers, &topic, &log);
    let messages = read_topic(&brokers, &topic, expected.len(), Duration::from_secs(30)).await;
    wait_for_checkpoint(&log, "relay.kafka").await;
    stop.send(()).ok();
    relay.await.expect("relay task").expect("relay ran");

    assert_eq!(messages.len(), expected.len(), "each event exactly once");
    let mut last_version: HashMap<String, u64> = HashMap::new();
    for message in &messages {
        let event = wire::decode(&message.value).expect("value is a stored event");
        assert_eq!(message.key, event.stream_id.as_str());
        assert_eq!(message.header("event_id"), event.event_id.to_string());
        assert_eq!(message.header("event_type"), event.event_type);
        assert_eq!(message.header("schema_version"), "1");
        assert_eq!(message.header("position"), event.position.to_string());
        let previous = last_version.insert(message.key.clone(), event.stream_version);
        assert!(
            previous.unwrap_or(0) < event.stream_version,
            "per-stream order"
        );
        assert!(
            !String::from_utf8_lossy(&message.value).contains("argon2"),
            "secret leaked"
        );
    }
    let ids: std::collections::HashSet<_> = messages.iter().map(|m| m.header("event_id")).collect();
    assert_eq!(ids.len(), expected.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_outage_loses_nothing_and_fails_no_booking() {
    kafka_brokers();
    let broker = PrivateBroker::start();
    let brokers = broker.address.clone();
    let topic = create_topic(&brokers, 2).await;
    let db = eventlog::testing::TestDb::sqlite();
    let log = db.log().await;
    let (stop, relay) = start_relay_with(&brokers, &topic, &log, 3_000);

    let mut before = Vec::new();
    for _ in 0..3 {
        before.extend(append_booking_story(&log).await);
    }
    let first = read_topic(&brokers, &topic, before.len(), Duration::from_secs(30)).await;
    wait_for_checkpoint(&log, "relay.kafka").await;
    assert_eq!(first.len(), before.len());

    broker.stop();
    // Bookings go on while the broker is down: appends never wait on it.
    let mut during = Vec::new();
    for _ in 0..3 {
        let started = std::time::Instant::now();
        during.extend(append_booking_story(&log).await);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "a booking waited on the broker"
        );
    }
    tokio::time::sleep(Duration::from_secs(4)).await;
    let stuck = log.checkpoint("relay.kafka").await.expect("checkpoint");
    assert!(
        stuck < log.head().await.expect("head"),
        "checkpoint moved without an ack"
    );

    broker.restart();
    // The restarted test broker keeps topics in memory only: recreate ours.
    create_named_topic(&brokers, &topic, 2).await;
    let mut after = Vec::new();
    after.extend(append_booking_story(&log).await);
    wait_for_checkpoint(&log, "relay.kafka").await;
    let second = read_topic(
        &brokers,
        &topic,
        during.len() + after.len(),
        Duration::from_secs(30),
    )
    .await;
    stop.send(()).ok();
    relay.await.expect("relay task").expect("relay ran");

    let seen: std::collections::HashSet<String> = first
        .iter()
        .chain(&second)
        .map(|m| m.header("event_id"))
        .collect();
    for id in before.iter().chain(&during).chain(&after) {
        assert!(
            seen.contains(&id.to_string()),
            "event {id} never reached the broker"
        );
    }
    drop(broker);
}

fn start_relay(
    brokers: &str,
    topic: &str,
    log: &eventlog::EventLog,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<Result<(), relay::RelayError>>,
) {
    start_relay_with(brokers, topic, log, 10_000)
}

fn start_relay_with(
    brokers: &str,
    topic: &str,
    log: &eventlog::EventLog,
    delivery_timeout_ms: u64,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<Result<(), relay::RelayError>>,
) {
    let kafka = KafkaArgs {
        brokers: Some(brokers.to_owned()),
        topic: topic.to_owned(),
    };
    let config = RelayConfig {
        delivery_timeout_ms,
        max_backoff_ms: 500,
        ..RelayConfig::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(relay::run(kafka, config, log.clone(), async move {
        let _ = stopped.await;
    }));
    (stop, task)
}

/// The value of the relay's lag gauge in Prometheus text, or 0 before it is first set.
fn lag_gauge(metrics: &metrics_exporter_prometheus::PrometheusHandle) -> f64 {
    metrics
        .render()
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{} ", relay::LAG_GAUGE)))
        .map_or(0.0, |v| v.trim().parse().expect("a number"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lag_gauge_counts_waiting_events_while_the_broker_is_down() {
    kafka_brokers();
    let metrics = metrics_exporter_prometheus::PrometheusBuilder::new()
        .install_recorder()
        .expect("the only recorder of this test process");
    let broker = PrivateBroker::start();
    let brokers = broker.address.clone();
    let topic = create_topic(&brokers, 1).await;
    let db = eventlog::testing::TestDb::sqlite();
    let log = db.log().await;
    // A long delivery timeout: the relay waits on acknowledgements for most of the test.
    let (stop, relay) = start_relay_with(&brokers, &topic, &log, 20_000);
    append_booking_story(&log).await;
    wait_for_checkpoint(&log, "relay.kafka").await;

    broker.stop();
    let mut waiting = 0;
    for _ in 0..3 {
        waiting += append_booking_story(&log).await.len();
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while lag_gauge(&metrics) < waiting as f64 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        lag_gauge(&metrics),
        waiting as f64,
        "within seconds of the outage the gauge shows every unacknowledged event"
    );
    stop.send(()).ok();
    relay.await.expect("relay task").expect("relay ran");
    drop(broker);
}
