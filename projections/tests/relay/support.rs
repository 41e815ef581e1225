//! Test helpers: realistic domain events appended straight to the log, topics on the test
//! broker, a reader that assigns partitions directly (no slow group join), and a private
//! broker the fault tests may stop and restart through `scripts/kafka.sh`.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use domain::account::AccountEvent;
use domain::booking::{BookingEvent, IssuedTicket};
use domain::listing::ListingEvent;
use domain::*;
use eventlog::{EventLog, ExpectedVersion, NewEvent, StreamAppend, StreamId};
use futures::StreamExt;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::{Headers, Message};
use rdkafka::{Offset, TopicPartitionList};
use uuid::Uuid;

/// The shared test broker; panics when `make test` did not start one.
pub fn kafka_brokers() -> String {
    std::env::var("TEST_KAFKA_BROKERS").unwrap_or_else(|_| {
        panic!("TEST_KAFKA_BROKERS is not set: run `make test`, which starts a Kafka broker")
    })
}

fn event<E: DomainEvent>(e: &E) -> NewEvent {
    NewEvent::new(
        e.event_type(),
        serde_json::to_value(e).expect("serializable"),
    )
    .with_schema_version(E::SCHEMA_VERSION)
}

async fn append(log: &EventLog, stream: String, events: Vec<NewEvent>) -> Vec<Uuid> {
    let ids = events.iter().map(|e| e.event_id).collect();
    let stream = StreamId::new(stream).expect("stream id");
    log.append(vec![StreamAppend::new(
        stream,
        ExpectedVersion::Any,
        events,
    )])
    .await
    .expect("append");
    ids
}

/// A user registers, a hold is taken and confirmed into a booking with tickets: the
/// events the command API writes for one purchase. Returns their ids.
pub async fn append_booking_story(log: &EventLog) -> Vec<Uuid> {
    let now = Utc::now();
    let user = UserId::from(Uuid::now_v7());
    let listing = ListingId::from(Uuid::now_v7());
    let booking = BookingId::from(Uuid::now_v7());
    let hold = HoldId::from(Uuid::now_v7());
    let kind = TicketTypeId::from(Uuid::now_v7());
    let seats = SeatCount::new(2).expect("seats");
    let price = Money::new(2500, Currency::parse("EUR").expect("eur")).expect("money");
    let registered = AccountEvent::AccountRegistered {
        user_id: user,
        email: Email::parse(&format!("u{}@example.com", user.as_uuid().simple())).expect("email"),
        display_name: ShortText::parse("Ada").expect("name"),
        role: Role::Customer,
        password_hash: PasswordHash::parse("$argon2id$v=19$secret").expect("hash"),
        at: now,
    };
    let held = ListingEvent::SeatsHeld {
        hold_id: hold,
        ticket_type_id: kind,
        buyer: user,
        seats,
        expires_at: now + TimeDelta::minutes(10),
        at: now,
    };
    let confirmed = ListingEvent::HoldConfirmed {
        hold_id: hold,
        booking_id: booking,
        ticket_type_id: kind,
        buyer: user,
        seats,
        offer_entry_id: None,
        unit_price: price,
        at: now,
    };
    let booked = BookingEvent::BookingConfirmed {
        booking_id: booking,
        listing_id: listing,
        organizer_id: UserId::from(Uuid::now_v7()),
        buyer: user,
        hold_id: hold,
        ticket_type_id: kind,
        ticket_type_name: ShortText::parse("Balcony").expect("name"),
        seats,
        unit_price: price,
        total: Money::new(5000, price.currency()).expect("money"),
        payment_reference: None,
        at: now,
    };
    let issued = BookingEvent::TicketsIssued {
        booking_id: booking,
        tickets: (0..2)
            .map(|i| IssuedTicket {
                ticket_id: TicketId::from(Uuid::now_v7()),
                code: TicketCode::parse(&format!("TKT00000000000{i:02}")).expect("code"),
            })
            .collect(),
        at: now,
    };
    let mut ids = append(log, user.stream_id(), vec![event(&registered)]).await;
    ids.extend(append(log, listing.stream_id(), vec![event(&held)]).await);
    ids.extend(append(log, listing.stream_id(), vec![event(&confirmed)]).await);
    ids.extend(
        append(
            log,
            booking.stream_id(),
            vec![event(&booked), event(&issued)],
        )
        .await,
    );
    ids
}

/// Creates a fresh topic with `partitions` partitions and returns its name.
pub async fn create_topic(brokers: &str, partitions: i32) -> String {
    let topic = format!("relay-test-{}", Uuid::now_v7().simple());
    create_named_topic(brokers, &topic, partitions).await;
    topic
}

/// Creates `topic` (again, after a broker restart).
pub async fn create_named_topic(brokers: &str, topic: &str, partitions: i32) {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()
        .expect("admin client");
    let new = NewTopic::new(topic, partitions, TopicReplication::Fixed(1));
    let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)));
    for _ in 0..50 {
        if let Ok(results) = admin.create_topics([&new], &options).await {
            if results.iter().all(|r| r.is_ok()) {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    projections::relay::drop_off_runtime(admin, Duration::from_secs(2)).await;
}

/// A message read back from the topic.
#[derive(Debug, Clone)]
pub struct Received {
    /// Its key.
    pub key: String,
    /// Its value.
    pub value: Vec<u8>,
    headers: Vec<(String, String)>,
}

impl Received {
    /// A header's value ("" when absent).
    pub fn header(&self, name: &str) -> String {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// Reads the whole topic from the beginning until `count` messages arrived (and a short
/// quiet period passed, to catch duplicates), or `within` runs out.
pub async fn read_topic(
    brokers: &str,
    topic: &str,
    count: usize,
    within: Duration,
) -> Vec<Received> {
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", format!("reader-{}", Uuid::now_v7().simple()))
        .set("enable.auto.commit", "false")
        .create()
        .expect("consumer");
    let metadata = consumer
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .expect("metadata");
    let mut assignment = TopicPartitionList::new();
    for partition in metadata.topics()[0].partitions() {
        assignment
            .add_partition_offset(topic, partition.id(), Offset::Beginning)
            .expect("partition");
    }
    consumer.assign(&assignment).expect("assign");
    let mut received = Vec::new();
    let deadline = tokio::time::Instant::now() + within;
    {
        let mut stream = consumer.stream();
        loop {
            let quiet = if received.len() >= count {
                Duration::from_secs(1)
            } else {
                Duration::from_millis(500)
            };
            match tokio::time::timeout(quiet, stream.next()).await {
                Ok(Some(Ok(message))) => {
                    let headers = message
                        .headers()
                        .map(|h| {
                            h.iter()
                                .map(|h| {
                                    (
                                        h.key.to_owned(),
                                        String::from_utf8_lossy(h.value.unwrap_or_default())
                                            .into_owned(),
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    received.push(Received {
                        key: String::from_utf8_lossy(message.key().unwrap_or_default())
                            .into_owned(),
                        value: message.payload().unwrap_or_default().to_vec(),
                        headers,
                    });
                }
                Ok(Some(Err(_))) => {}
                Ok(None) => break,
                Err(_) if received.len() >= count || tokio::time::Instant::now() > deadline => {
                    break
                }
                Err(_) => {}
            }
        }
    }
    projections::relay::drop_off_runtime(consumer, Duration::from_secs(2)).await;
    received
}

/// Waits until the checkpoint reaches the log head.
pub async fn wait_for_checkpoint(log: &EventLog, name: &str) {
    for _ in 0..600 {
        if log.checkpoint(name).await.expect("checkpoint") >= log.head().await.expect("head") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the relay never caught up with the log");
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../scripts")
        .join(name)
}

/// A broker of this test alone, started and stopped through `scripts/kafka.sh`.
pub struct PrivateBroker {
    dir: tempfile::TempDir,
    /// Its bootstrap address.
    pub address: String,
}

impl PrivateBroker {
    /// Starts one on a free port.
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let address = run_script("kafka.sh", "start", dir.path());
        Self { dir, address }
    }

    /// Stops it (the port stays reserved for a restart).
    pub fn stop(&self) {
        run_script("kafka.sh", "stop", self.dir.path());
    }

    /// Starts it again on the same port.
    pub fn restart(&self) {
        let address = run_script("kafka.sh", "start", self.dir.path());
        assert_eq!(address, self.address);
    }
}

impl Drop for PrivateBroker {
    fn drop(&mut self) {
        run_script("kafka.sh", "stop", self.dir.path());
    }
}

fn run_script(name: &str, action: &str, dir: &std::path::Path) -> String {
    let output = Command::new("bash")
        .arg(script(name))
        .arg(action)
        .arg(dir)
        .output()
        .expect("run script");
    assert!(
        output.status.success(),
        "{name} {action}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}
