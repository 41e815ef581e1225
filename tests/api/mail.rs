//! Bookings made through the API produce exactly the expected e-mails, read back from the
//! real SMTP server that `make test` starts: straight from the log, and through Kafka
//! (relay publishing, notifier consuming as a group).

use std::path::{Path, PathBuf};
use std::time::Duration;

use projections::relay::{KafkaArgs, RelayConfig};
use reqwest::StatusCode;
use serde_json::json;

use crate::bookings::{confirm, hold, published};
use crate::support::TestApp;

api_test!(
    a_booking_through_the_api_mails_its_buyer_the_ticket_codes_once,
    through_kafka_a_booking_through_the_api_mails_the_same_once,
);

fn smtp() -> (String, String, PathBuf) {
    let url = std::env::var("TEST_SMTP_URL")
        .unwrap_or_else(|_| panic!("TEST_SMTP_URL is not set: run `make test`"));
    let maildir = std::env::var("TEST_SMTP_MAILDIR")
        .unwrap_or_else(|_| panic!("TEST_SMTP_MAILDIR is not set: run `make test`"));
    let (host, port) = url.trim_start_matches("smtp://").rsplit_once(':').unwrap();
    (host.to_owned(), port.to_owned(), PathBuf::from(maildir))
}

fn config() -> (notifier::NotifierConfig, PathBuf) {
    let (host, port, maildir) = smtp();
    let config = notifier::NotifierConfig {
        smtp_host: Some(host),
        smtp_port: port.parse().unwrap(),
        smtp_tls: notifier::SmtpTls::None,
        group: format!("api-mail-{}", uuid::Uuid::now_v7().simple()),
        kafka_session_timeout_ms: 6_000,
        poll_ms: 100,
        ..notifier::NotifierConfig::default()
    };
    (config, maildir)
}

/// Every message in the Maildir addressed to `address`.
fn mail_to(maildir: &Path, address: &str) -> Vec<String> {
    let mut found = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(maildir.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let raw = std::fs::read_to_string(entry.path()).unwrap_or_default();
            if raw
                .lines()
                .any(|l| l.starts_with("To: ") && l.contains(address))
            {
                found.push(raw);
            }
        }
    }
    found
}

async fn wait_for(maildir: &Path, address: &str, count: usize) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while mail_to(maildir, address).len() < count && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A little longer, so a duplicate would have arrived too.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    mail_to(maildir, address)
}

/// Registers, publishes, holds and confirms through the API; checks the buyer's mail.
async fn book_and_check_mail(app: &TestApp, maildir: &Path) {
    let organizer = app.user("organizer").await;
    let buyer = app.user("customer").await;
    let (listing, tt) = published(app, &organizer, 10, 0).await;
    let (status, held) = hold(app, &buyer, &listing, &tt, 2).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, booked) = confirm(
        app,
        &buyer,
        &listing,
        held["hold_id"].as_str().unwrap(),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{booked}");
    let codes: Vec<String> = booked["ticket_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();

    // The buyer: a verification message and one confirmation carrying both codes.
    let mails = wait_for(maildir, &buyer.email, 2).await;
    assert_eq!(mails.len(), 2, "exactly two messages to the buyer");
    let with_codes: Vec<&String> = mails
        .iter()
        .filter(|m| codes.iter().all(|c| m.contains(c.as_str())))
        .collect();
    assert_eq!(
        with_codes.len(),
        1,
        "one confirmation with every ticket code"
    );
    // The organizer booked nothing: only their verification message.
    let organizer_mail = wait_for(maildir, &organizer.email, 1).await;
    assert_eq!(organizer_mail.len(), 1);
    assert!(!organizer_mail[0].contains(codes[0].as_str()));
}

async fn a_booking_through_the_api_mails_its_buyer_the_ticket_codes_once(app: TestApp) {
    let (config, maildir) = config();
    let kafka = KafkaArgs {
        brokers: None,
        topic: String::new(),
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let notifier = tokio::spawn(notifier::run(kafka, config, app.log.clone(), async move {
        let _ = stopped.await;
    }));
    book_and_check_mail(&app, &maildir).await;
    let _ = stop.send(());
    notifier.await.unwrap().expect("the notifier ran cleanly");
}

async fn through_kafka_a_booking_through_the_api_mails_the_same_once(app: TestApp) {
    let brokers = std::env::var("TEST_KAFKA_BROKERS")
        .unwrap_or_else(|_| panic!("TEST_KAFKA_BROKERS is not set: run `make test`"));
    let (config, maildir) = config();
    let kafka = KafkaArgs {
        brokers: Some(brokers),
        topic: format!("api-mail-{}", uuid::Uuid::now_v7().simple()),
    };
    let (stop, _) = tokio::sync::watch::channel(false);
    let relay = {
        let (kafka, log, mut stopped) = (kafka.clone(), app.log.clone(), stop.subscribe());
        tokio::spawn(async move {
            let until = async move {
                let _ = stopped.changed().await;
            };
            projections::relay::run(kafka, RelayConfig::default(), log, until).await
        })
    };
    let notifier = {
        let (log, mut stopped) = (app.log.clone(), stop.subscribe());
        tokio::spawn(async move {
            let until = async move {
                let _ = stopped.changed().await;
            };
            notifier::run(kafka, config, log, until).await
        })
    };
    book_and_check_mail(&app, &maildir).await;
    let _ = stop.send(true);
    relay.await.unwrap().expect("the relay ran cleanly");
    // Dropping a Kafka consumer can block for minutes on this broker: bound the wait.
    let _ = tokio::time::timeout(Duration::from_secs(20), notifier).await;
}
