//! Test helpers: domain events appended straight to the log (the command API's job once it
//! lands), the notifier started on port-less config, and the real SMTP server's Maildir
//! read back. `make test` starts the SMTP server and Kafka and sets the variables.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use domain::account::AccountEvent;
use domain::booking::{BookingEvent, IssuedTicket};
use domain::listing::{ListingDetails, ListingEvent, SalesWindow, Venue};
use domain::*;
use eventlog::{EventLog, ExpectedVersion, NewEvent, StreamAppend, StreamId};
use notifier::{Clock, NotifierConfig, SmtpTls};
use projections::relay::KafkaArgs;
use uuid::Uuid;

/// The shared SMTP server's URL and Maildir; panics when `make test` did not start it.
pub fn smtp() -> (String, PathBuf) {
    let url = std::env::var("TEST_SMTP_URL").unwrap_or_else(|_| {
        panic!("TEST_SMTP_URL is not set: run `make test`, which starts an SMTP server")
    });
    let maildir = std::env::var("TEST_SMTP_MAILDIR")
        .unwrap_or_else(|_| panic!("TEST_SMTP_MAILDIR is not set: run `make test`"));
    (url, PathBuf::from(maildir))
}

/// The shared Kafka broker; panics when `make test` did not start one.
pub fn kafka_brokers() -> String {
    std::env::var("TEST_KAFKA_BROKERS").unwrap_or_else(|_| {
        panic!("TEST_KAFKA_BROKERS is not set: run `make test`, which starts a Kafka broker")
    })
}

/// Notifier settings for the SMTP server at `url` (`smtp://host:port`), fast retries.
pub fn config(url: &str) -> NotifierConfig {
    let rest = url.trim_start_matches("smtp://");
    let (host, port) = rest.rsplit_once(':').expect("host:port");
    NotifierConfig {
        smtp_host: Some(host.to_owned()),
        smtp_port: port.parse().expect("port"),
        smtp_tls: SmtpTls::None,
        mail_from: "boxoffice <tickets@boxoffice.test>".to_owned(),
        email_token_secret: Some("test-secret".parse().expect("secret")),
        checkpoint: "notifier".to_owned(),
        group: format!("notifier-{}", Uuid::now_v7().simple()),
        kafka_session_timeout_ms: 6_000,
        max_attempts: 50,
        max_backoff_ms: 300,
        poll_ms: 100,
        ..NotifierConfig::default()
    }
}

/// No Kafka: the notifier tails the log.
pub fn no_kafka() -> KafkaArgs {
    KafkaArgs {
        brokers: None,
        topic: String::new(),
    }
}

/// A clock tests move by hand.
#[derive(Clone)]
pub struct TestClock(Clock);

impl TestClock {
    /// Starts at the real now.
    pub fn new() -> Self {
        Self(Clock::manual(Utc::now()))
    }
    /// The clock the notifier reads.
    pub fn clock(&self) -> Clock {
        self.0.clone()
    }
    /// Moves time on.
    pub fn advance(&self, by: TimeDelta) {
        self.0.advance(by);
    }
}

/// A running notifier and the means to stop it.
pub struct Running {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Result<(), notifier::NotifierError>>,
}

impl Running {
    /// Starts the notifier.
    pub fn start(kafka: KafkaArgs, config: NotifierConfig, log: &EventLog, clock: Clock) -> Self {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(notifier::run_with_clock(
            kafka,
            config,
            log.clone(),
            clock,
            async move {
                let _ = stopped.await;
            },
        ));
        Self { stop, task }
    }
    /// Stops it and checks it ended cleanly.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.task
            .await
            .expect("notifier task")
            .expect("notifier ran");
    }
}

fn event<E: DomainEvent>(e: &E) -> NewEvent {
    NewEvent::new(
        e.event_type(),
        serde_json::to_value(e).expect("serializable"),
    )
    .with_schema_version(E::SCHEMA_VERSION)
}

/// Appends events to one stream.
pub async fn append<E: DomainEvent>(log: &EventLog, stream: String, events: &[E]) {
    let stream = StreamId::new(stream).expect("stream id");
    log.append(vec![StreamAppend::new(
        stream,
        ExpectedVersion::Any,
        events.iter().map(event).collect(),
    )])
    .await
    .expect("append");
}

/// A registered user with a unique address on the test domain.
pub struct Person {
    /// Their id.
    pub id: UserId,
    /// Their address.
    pub email: String,
}

/// Registers a user (`prefix` starting with `bounce` makes the test server refuse them).
pub async fn register(log: &EventLog, prefix: &str) -> Person {
    let id = UserId::from(Uuid::now_v7());
    let email = format!("{prefix}{}@example.com", id.as_uuid().simple());
    let registered = AccountEvent::AccountRegistered {
        user_id: id,
        email: Email::parse(&email).expect("email"),
        display_name: ShortText::parse("Ada <Lovelace>").expect("name"),
        role: Role::Customer,
        password_hash: PasswordHash::parse("$argon2id$v=19$secret").expect("hash"),
        at: Utc::now(),
    };
    append(log, id.stream_id(), &[registered]).await;
    Person { id, email }
}

/// Drafts a listing titled `title`.
pub async fn listing(log: &EventLog, title: &str) -> ListingId {
    let now = Utc::now();
    let id = ListingId::from(Uuid::now_v7());
    let text = |s: &str| ShortText::parse(s).expect("text");
    let drafted = ListingEvent::ListingDrafted {
        listing_id: id,
        organizer_id: UserId::from(Uuid::now_v7()),
        details: Box::new(ListingDetails {
            title: text(title),
            description: LongText::default(),
            venue: Venue {
                name: text("Blue Room"),
                address: text("1 Main St"),
                city: text("Lyon"),
                country: CountryCode::parse("FR").expect("fr"),
            },
            category: text("concert"),
            starts_at: now + TimeDelta::days(7),
            ends_at: now + TimeDelta::days(7) + TimeDelta::hours(3),
            time_zone: TimeZoneName::parse("Europe/Paris").expect("tz"),
            sales: SalesWindow {
                opens_at: now,
                closes_at: now + TimeDelta::days(7),
            },
            max_tickets_per_booking: SeatCount::new(4).expect("seats"),
        }),
        total_capacity: None,
        at: now,
    };
    append(log, id.stream_id(), &[drafted]).await;
    id
}

/// Holds two seats for `buyer`, expiring in `hold_for`; returns the hold id.
pub async fn hold(
    log: &EventLog,
    listing: ListingId,
    buyer: UserId,
    hold_for: TimeDelta,
) -> HoldId {
    let now = Utc::now();
    let hold_id = HoldId::from(Uuid::now_v7());
    let held = ListingEvent::SeatsHeld {
        hold_id,
        ticket_type_id: TicketTypeId::from(Uuid::now_v7()),
        buyer,
        seats: SeatCount::new(2).expect("seats"),
        expires_at: now + hold_for,
        at: now,
    };
    append(log, listing.stream_id(), &[held]).await;
    hold_id
}

/// Confirms `hold` into a booking with two tickets; returns the ticket codes.
pub async fn confirm(
    log: &EventLog,
    listing: ListingId,
    buyer: UserId,
    hold_id: HoldId,
) -> Vec<String> {
    let now = Utc::now();
    let booking = BookingId::from(Uuid::now_v7());
    let kind = TicketTypeId::from(Uuid::now_v7());
    let seats = SeatCount::new(2).expect("seats");
    let price = Money::new(2500, Currency::parse("EUR").expect("eur")).expect("money");
    let confirmed = ListingEvent::HoldConfirmed {
        hold_id,
        booking_id: booking,
        ticket_type_id: kind,
        buyer,
        seats,
        offer_entry_id: None,
        unit_price: price,
        at: now,
    };
    let codes: Vec<String> = (0..2)
        .map(|_| Uuid::now_v7().simple().to_string()[16..].to_uppercase())
        .collect();
    let booked = BookingEvent::BookingConfirmed {
        booking_id: booking,
        listing_id: listing,
        organizer_id: UserId::from(Uuid::now_v7()),
        buyer,
        hold_id,
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
        tickets: codes
            .iter()
            .map(|c| IssuedTicket {
                ticket_id: TicketId::from(Uuid::now_v7()),
                code: TicketCode::parse(c).expect("code"),
            })
            .collect(),
        at: now,
    };
    append(log, listing.stream_id(), &[confirmed]).await;
    append(log, booking.stream_id(), &[booked, issued]).await;
    codes
}

/// Cancels a listing.
pub async fn cancel_listing(log: &EventLog, listing: ListingId) {
    let cancelled = ListingEvent::ListingCancelled {
        reason: ShortText::parse("Storm").expect("reason"),
        by: UserId::from(Uuid::now_v7()),
        at: Utc::now(),
    };
    append(log, listing.stream_id(), &[cancelled]).await;
}

/// A message found in the Maildir.
#[derive(Debug, Clone)]
pub struct Mail {
    /// The raw message.
    pub raw: String,
}

impl Mail {
    /// The Subject header.
    pub fn subject(&self) -> String {
        self.raw
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .unwrap_or_default()
            .to_owned()
    }
}

/// Every message to `address` in `maildir`.
pub fn mail_to(maildir: &Path, address: &str) -> Vec<Mail> {
    let mut found = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(maildir.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let raw = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let to = raw
                .lines()
                .find(|l| l.starts_with("To: "))
                .unwrap_or_default();
            if to.contains(address) {
                found.push(Mail { raw });
            }
        }
    }
    found
}

/// Waits until `address` has `count` messages (then a little longer, to catch extras).
pub async fn wait_for_mail(
    maildir: &Path,
    address: &str,
    count: usize,
    within: Duration,
) -> Vec<Mail> {
    let deadline = tokio::time::Instant::now() + within;
    while mail_to(maildir, address).len() < count && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    mail_to(maildir, address)
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../scripts")
        .join(name)
}

/// An SMTP server of this test alone, started and stopped through `scripts/smtp.sh`.
pub struct PrivateSmtp {
    dir: tempfile::TempDir,
    /// Its URL.
    pub url: String,
}

impl PrivateSmtp {
    /// Starts one on a free port.
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = run_script("smtp.sh", "start", dir.path());
        Self { dir, url }
    }
    /// Its Maildir.
    pub fn maildir(&self) -> PathBuf {
        self.dir.path().join("maildir")
    }
    /// Stops it; the port and Maildir stay for a restart.
    pub fn stop(&self) {
        run_script("smtp.sh", "stop", self.dir.path());
    }
    /// Starts it again on the same port.
    pub fn restart(&self) {
        assert_eq!(run_script("smtp.sh", "start", self.dir.path()), self.url);
    }
}

impl Drop for PrivateSmtp {
    fn drop(&mut self) {
        run_script("smtp.sh", "stop", self.dir.path());
    }
}

fn run_script(name: &str, action: &str, dir: &Path) -> String {
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

/// A waitlist offer of two seats to `buyer`, then (when `expire`) its expiry.
pub async fn offer(log: &EventLog, listing: ListingId, buyer: UserId, expire: bool) {
    let now = Utc::now();
    let entry = WaitlistEntryId::from(Uuid::now_v7());
    let kind = TicketTypeId::from(Uuid::now_v7());
    let seats = SeatCount::new(2).expect("seats");
    let mut events = vec![ListingEvent::WaitlistOfferMade {
        hold_id: HoldId::for_offer(entry),
        entry_id: entry,
        ticket_type_id: kind,
        buyer,
        seats,
        expires_at: now + TimeDelta::hours(1),
        at: now,
    }];
    if expire {
        events.push(ListingEvent::WaitlistOfferExpired {
            hold_id: HoldId::for_offer(entry),
            entry_id: entry,
            ticket_type_id: kind,
            buyer,
            seats,
            at: now,
        });
    }
    append(log, listing.stream_id(), &events).await;
}

/// Replaces a listing's details with a new title and start time.
pub async fn change_details(log: &EventLog, listing: ListingId, title: &str) {
    let now = Utc::now();
    let text = |s: &str| ShortText::parse(s).expect("text");
    let updated = ListingEvent::ListingDetailsUpdated {
        details: Box::new(ListingDetails {
            title: text(title),
            description: LongText::default(),
            venue: Venue {
                name: text("Grand Hall"),
                address: text("2 Main St"),
                city: text("Nantes"),
                country: CountryCode::parse("FR").expect("fr"),
            },
            category: text("concert"),
            starts_at: now + TimeDelta::days(8),
            ends_at: now + TimeDelta::days(8) + TimeDelta::hours(3),
            time_zone: TimeZoneName::parse("Europe/Paris").expect("tz"),
            sales: SalesWindow {
                opens_at: now,
                closes_at: now + TimeDelta::days(7),
            },
            max_tickets_per_booking: SeatCount::new(4).expect("seats"),
        }),
        by: UserId::from(Uuid::now_v7()),
        at: now,
    };
    append(log, listing.stream_id(), &[updated]).await;
}
