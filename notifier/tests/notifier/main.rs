//! The notifier against a real SMTP server (and a real Kafka-protocol broker): the right
//! e-mails to the right people, once, through outages and redeliveries.

mod support;

use std::time::Duration;

use chrono::TimeDelta;
use eventlog::sql::{Arg, Db};
use eventlog::testing::TestDb;
use eventlog::{EventLog, LogOptions};
use notifier::Clock;
use projections::relay::{self, KafkaArgs, RelayConfig};
use support::*;

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_sends_verification_confirmation_with_codes_and_cancellation_from_the_log() {
    let (url, maildir) = smtp();
    let db = TestDb::sqlite();
    let log = db.log().await;
    let running = Running::start(no_kafka(), config(&url), &log, Clock::system());

    let buyer = register(&log, "buyer").await;
    let listing = listing(&log, "Jazz <night>").await;
    let hold = hold(&log, listing, buyer.id, TimeDelta::minutes(10)).await;
    let codes = confirm(&log, listing, buyer.id, hold).await;
    let mails = wait_for_mail(&maildir, &buyer.email, 2, WAIT).await;
    cancel_listing(&log, listing).await;
    let after = wait_for_mail(&maildir, &buyer.email, 3, WAIT).await;
    running.stop().await;

    let subjects: Vec<String> = after.iter().map(Mail::subject).collect();
    assert_eq!(
        mails.len(),
        2,
        "verification and confirmation: {subjects:?}"
    );
    assert_eq!(after.len(), 3, "{subjects:?}");
    let confirmation = after
        .iter()
        .find(|m| m.subject().starts_with("Your tickets for"))
        .expect("a booking confirmation");
    for code in &codes {
        assert!(
            confirmation.raw.contains(code.as_str()),
            "ticket code {code} missing"
        );
    }
    assert!(
        confirmation.raw.contains("&lt;night&gt;"),
        "HTML escapes the title"
    );
    let verification = after
        .iter()
        .find(|m| m.subject().contains("verify"))
        .expect("a verification mail");
    assert!(verification.raw.contains("token="));
    assert!(
        subjects.iter().any(|s| s.contains("is cancelled")),
        "{subjects:?}"
    );
    assert!(
        !subjects.iter().any(|s| s.contains("expire soon")),
        "the confirmed hold's reminder was withdrawn"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivered_event_sends_nothing_twice() {
    let (url, maildir) = smtp();
    let db = TestDb::sqlite();
    let log = db.log().await;
    let running = Running::start(no_kafka(), config(&url), &log, Clock::system());
    let buyer = register(&log, "again").await;
    let listing = listing(&log, "Opera").await;
    let hold = hold(&log, listing, buyer.id, TimeDelta::minutes(10)).await;
    confirm(&log, listing, buyer.id, hold).await;
    assert_eq!(
        wait_for_mail(&maildir, &buyer.email, 2, WAIT).await.len(),
        2
    );
    running.stop().await;

    // As if the notifier died after sending but before its checkpoint moved: every event
    // comes again.
    let mut tx = log.begin().await.expect("begin");
    tx.save_checkpoint("notifier", 0).await.expect("rewind");
    tx.commit().await.expect("commit");
    let running = Running::start(no_kafka(), config(&url), &log, Clock::system());
    tokio::time::sleep(Duration::from_secs(2)).await;
    running.stop().await;
    assert_eq!(mail_to(&maildir, &buyer.email).len(), 2, "no second e-mail");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mail_is_delivered_once_after_the_smtp_server_comes_back() {
    smtp();
    let server = PrivateSmtp::start();
    let db = TestDb::sqlite();
    let log = db.log().await;
    let running = Running::start(no_kafka(), config(&server.url), &log, Clock::system());
    server.stop();
    let mut people = Vec::new();
    for _ in 0..3 {
        let buyer = register(&log, "outage").await;
        let listing = listing(&log, "Festival").await;
        let hold = hold(&log, listing, buyer.id, TimeDelta::minutes(10)).await;
        confirm(&log, listing, buyer.id, hold).await;
        people.push(buyer);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    server.restart();
    for person in &people {
        let mails = wait_for_mail(&server.maildir(), &person.email, 2, WAIT).await;
        assert_eq!(mails.len(), 2, "verification and confirmation, once each");
    }
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_recipient_is_parked_listed_and_can_be_retried() {
    let (url, _) = smtp();
    let db = TestDb::sqlite();
    let log = db.log().await;
    let running = Running::start(no_kafka(), config(&url), &log, Clock::system());
    let person = register(&log, "bounce").await;
    let mut parked = Vec::new();
    for _ in 0..100 {
        parked = notifier::failed(&log).await.expect("list");
        if !parked.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    running.stop().await;
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0].recipient, person.id.to_string());
    assert_eq!(parked[0].template, "verify_account");
    assert!(
        !format!("{parked:?}").contains(&person.email),
        "addresses never listed"
    );

    let requeued = notifier::retry_failed(config(&url), log.clone(), None)
        .await
        .expect("retry");
    assert_eq!(requeued, 1);
    // Refused again: parked again, not lost.
    assert_eq!(notifier::failed(&log).await.expect("list").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hold_reminder_goes_out_before_the_deadline_and_not_after_confirmation() {
    let (url, maildir) = smtp();
    let db = TestDb::sqlite();
    let log = db.log().await;
    let clock = TestClock::new();
    let running = Running::start(no_kafka(), config(&url), &log, clock.clock());
    let buyer = register(&log, "reminded").await;
    let listing = listing(&log, "Workshop").await;
    let reminded = hold(&log, listing, buyer.id, TimeDelta::minutes(10)).await;
    let confirmed = hold(&log, listing, buyer.id, TimeDelta::minutes(10)).await;
    confirm(&log, listing, buyer.id, confirmed).await;
    assert_eq!(
        wait_for_mail(&maildir, &buyer.email, 2, WAIT).await.len(),
        2
    );

    clock.advance(TimeDelta::minutes(6));
    let mails = wait_for_mail(&maildir, &buyer.email, 3, WAIT).await;
    running.stop().await;
    let reminders: Vec<_> = mails
        .iter()
        .filter(|m| m.subject().contains("expire soon"))
        .collect();
    assert_eq!(
        reminders.len(),
        1,
        "one reminder, for the hold still open ({reminded})"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_kafka_a_booking_sends_the_same_mails_once() {
    let (url, maildir) = smtp();
    let brokers = kafka_brokers();
    let topic = format!("notifier-test-{}", uuid::Uuid::now_v7().simple());
    let kafka = KafkaArgs {
        brokers: Some(brokers),
        topic,
    };
    let db = TestDb::sqlite();
    let log = db.log().await;
    let (stop_relay, stopped) = tokio::sync::oneshot::channel::<()>();
    let relay = tokio::spawn(relay::run(
        kafka.clone(),
        RelayConfig::default(),
        log.clone(),
        async move {
            let _ = stopped.await;
        },
    ));
    let running = Running::start(kafka.clone(), config(&url), &log, Clock::system());

    let buyer = register(&log, "kafka").await;
    let listing = listing(&log, "Rock").await;
    let first = hold(&log, listing, buyer.id, TimeDelta::minutes(10)).await;
    let codes = confirm(&log, listing, buyer.id, first).await;
    let mails = wait_for_mail(&maildir, &buyer.email, 2, Duration::from_secs(40)).await;
    running.stop().await;

    // A notifier whose offsets are lost (as after a crash before they were committed; here
    // a new consumer group) gets every message again: it must send only what is new.
    let again = Running::start(kafka, config(&url), &log, Clock::system());
    let second = hold(&log, listing, buyer.id, TimeDelta::minutes(10)).await;
    confirm(&log, listing, buyer.id, second).await;
    let after = wait_for_mail(&maildir, &buyer.email, 3, Duration::from_secs(40)).await;
    again.stop().await;
    let _ = stop_relay.send(());
    relay.await.expect("relay task").expect("relay ran");

    assert_eq!(mails.len(), 2);
    let confirmation = mails
        .iter()
        .find(|m| m.subject().starts_with("Your tickets"))
        .expect("confirmation");
    assert!(codes.iter().all(|c| confirmation.raw.contains(c.as_str())));
    assert_eq!(
        after.len(),
        3,
        "only the new booking's confirmation after redelivery"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_a_booking_sends_its_mails_once_and_failures_are_parked() {
    let (url, maildir) = smtp();
    let db = TestDb::postgres().await;
    let log = db.log().await;
    let running = Running::start(no_kafka(), config(&url), &log, Clock::system());
    let buyer = register(&log, "pg").await;
    let bounced = register(&log, "bounce-pg").await;
    let listing = listing(&log, "Ballet").await;
    let hold = hold(&log, listing, buyer.id, TimeDelta::minutes(10)).await;
    let codes = confirm(&log, listing, buyer.id, hold).await;
    let mails = wait_for_mail(&maildir, &buyer.email, 2, WAIT).await;
    running.stop().await;

    assert_eq!(mails.len(), 2);
    assert!(mails
        .iter()
        .any(|m| codes.iter().all(|c| m.raw.contains(c.as_str()))));
    let parked = notifier::failed(&log).await.expect("list");
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0].recipient, bounced.id.to_string());
    let requeued = notifier::retry_failed(
        config(&url),
        log.clone(),
        Some(parked[0].event_id.parse().expect("uuid")),
    )
    .await
    .expect("retry");
    assert_eq!(requeued, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_smtp_accepting_and_recording_resends_once_with_the_same_message_id() {
    let (url, maildir) = smtp();
    let db = TestDb::sqlite();
    let log = db.log().await;
    let clock = TestClock::new();
    let running = Running::start(no_kafka(), config(&url), &log, clock.clock());
    let person = register(&log, "window").await;
    assert_eq!(
        wait_for_mail(&maildir, &person.email, 1, WAIT).await.len(),
        1
    );
    running.stop().await;

    // The documented window: the server accepted the message, the process died before
    // `status = 'sent'` committed. That is exactly a delivery row still pending, its
    // sender's claim (a `due_at` one lease ahead) still on it.
    let pool = log.sqlite_pool().expect("sqlite");
    sqlx::query("UPDATE notifier_deliveries SET status = 'pending' WHERE recipient = $1")
        .bind(person.id.to_string())
        .execute(pool)
        .await
        .expect("reopen the window");
    let running = Running::start(no_kafka(), config(&url), &log, clock.clock());
    // Another sender takes it once the claim is over.
    clock.advance(TimeDelta::seconds(301));
    let mails = wait_for_mail(&maildir, &person.email, 2, WAIT).await;
    running.stop().await;

    assert_eq!(mails.len(), 2, "the one duplicate this window allows");
    let ids: Vec<_> = mails
        .iter()
        .map(|m| {
            m.raw
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
                .expect("message id")
                .to_owned()
        })
        .collect();
    assert_eq!(ids[0], ids[1], "the resend carries the same Message-ID");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_older_than_the_max_age_send_nothing() {
    let (url, maildir) = smtp();
    let db = TestDb::sqlite();
    let log = db.log().await;
    let clock = TestClock::new();
    clock.advance(TimeDelta::hours(100));
    let running = Running::start(no_kafka(), config(&url), &log, clock.clock());
    let person = register(&log, "history").await;
    let head = log.head().await.expect("head");
    for _ in 0..100 {
        if log.checkpoint("notifier").await.expect("checkpoint") >= head {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    running.stop().await;
    assert_eq!(log.checkpoint("notifier").await.expect("checkpoint"), head);
    assert!(mail_to(&maildir, &person.email).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waitlist_offers_their_expiry_and_changed_details_reach_the_right_people() {
    let (url, maildir) = smtp();
    let db = TestDb::sqlite();
    let log = db.log().await;
    let running = Running::start(no_kafka(), config(&url), &log, Clock::system());
    let holder = register(&log, "holder").await;
    let waiting = register(&log, "waiting").await;
    let bystander = register(&log, "bystander").await;
    let listing = listing(&log, "Quartet").await;
    let first = hold(&log, listing, holder.id, TimeDelta::minutes(10)).await;
    confirm(&log, listing, holder.id, first).await;
    offer(&log, listing, waiting.id, true).await;
    change_details(&log, listing, "Quartet (moved)").await;

    let holder_mail = wait_for_mail(&maildir, &holder.email, 3, WAIT).await;
    let waiting_mail = wait_for_mail(&maildir, &waiting.email, 3, WAIT).await;
    running.stop().await;
    let subjects = |mails: &[Mail]| mails.iter().map(Mail::subject).collect::<Vec<_>>();

    let holder_subjects = subjects(&holder_mail);
    assert_eq!(holder_mail.len(), 3, "{holder_subjects:?}");
    assert!(holder_subjects
        .iter()
        .any(|s| s == "Quartet (moved) has changed"));
    let waiting_subjects = subjects(&waiting_mail);
    assert_eq!(waiting_mail.len(), 3, "{waiting_subjects:?}");
    assert!(waiting_subjects
        .iter()
        .any(|s| s.starts_with("Seats are available")));
    assert!(waiting_subjects
        .iter()
        .any(|s| s.starts_with("Your offer for")));
    assert!(
        !waiting_subjects.iter().any(|s| s.contains("has changed")),
        "not a holder"
    );
    assert_eq!(
        mail_to(&maildir, &bystander.email).len(),
        1,
        "verification only"
    );
}

/// Two notifiers on one database (two `notify` processes, or every `serve`), all of whose
/// hold reminders fall due at one instant: each message goes out once.
async fn two_notifiers_send_each_due_message_once(db: TestDb) {
    const PEOPLE: usize = 12;
    let (url, maildir) = smtp();
    let log = db.log().await;
    let clock = TestClock::new();
    let first = Running::start(no_kafka(), config(&url), &log, clock.clock());
    let second = Running::start(no_kafka(), config(&url), &log, clock.clock());
    let listing = listing(&log, "Duet").await;
    let mut people = Vec::new();
    for _ in 0..PEOPLE {
        let buyer = register(&log, "pair").await;
        hold(&log, listing, buyer.id, TimeDelta::minutes(10)).await;
        people.push(buyer);
    }
    for person in &people {
        wait_for_mail(&maildir, &person.email, 1, WAIT).await;
    }
    // Every reminder is due at once: both senders find all of them on their next pass.
    clock.advance(TimeDelta::minutes(6));
    let mut counts = Vec::new();
    for person in &people {
        counts.push(wait_for_mail(&maildir, &person.email, 2, WAIT).await.len());
    }
    first.stop().await;
    second.stop().await;
    assert_eq!(
        counts,
        vec![2; PEOPLE],
        "a verification and a reminder each, neither twice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_notifiers_on_one_postgresql_database_send_each_message_once() {
    two_notifiers_send_each_due_message_once(TestDb::postgres().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_notifiers_on_one_sqlite_database_send_each_message_once() {
    two_notifiers_send_each_due_message_once(TestDb::sqlite()).await;
}

/// A sender that dies between claiming a message and recording its outcome (here: its
/// runtime shut down while an SMTP server that never answers holds the send) leaves the
/// message to the next sender once the claim is over: sent once, not lost.
async fn a_message_claimed_by_a_dead_sender_is_sent_after_its_claim_expires(db: TestDb) {
    let (url, maildir) = smtp();
    let log = db.log().await;
    let clock = TestClock::new();
    // Listens and never accepts: connections wait for a greeting that never comes.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let silent_url = format!("smtp://{}", silent.local_addr().expect("addr"));
    // The doomed notifier runs on a runtime of its own, so shutting that down kills it
    // mid-send the way a crash would: no outcome recorded, no code after the claim run.
    let doomed = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let (database, doomed_clock) = (db.url().to_owned(), clock.clock());
    doomed.spawn(async move {
        let log = EventLog::connect_with(&database, LogOptions::default())
            .await
            .expect("connect");
        notifier::run_with_clock(
            no_kafka(),
            config(&silent_url),
            log,
            doomed_clock,
            std::future::pending(),
        )
        .await
    });
    let person = register(&log, "claimed").await;
    let mut claimed = 0;
    for _ in 0..200 {
        claimed = claimed_unsent(&log, &clock).await;
        if claimed == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        claimed, 1,
        "the doomed sender claimed the verification mail"
    );
    doomed.shutdown_background();

    let running = Running::start(no_kafka(), config(&url), &log, clock.clock());
    clock.advance(TimeDelta::seconds(301));
    let mails = wait_for_mail(&maildir, &person.email, 1, WAIT).await;
    running.stop().await;
    drop(silent);
    assert_eq!(mails.len(), 1, "sent once the claim expired, and once");
}

/// Messages claimed and not sent yet: pending, never attempted, due after now.
async fn claimed_unsent(log: &EventLog, clock: &TestClock) -> i64 {
    let mut tx = log.begin().await.expect("begin");
    let rows: Vec<(i64,)> = Db::of(&mut tx)
        .fetch(
            "SELECT COUNT(*) FROM notifier_deliveries \
             WHERE status = 'pending' AND attempts = 0 AND due_at > $1",
            vec![Arg::Time(clock.clock().now())],
        )
        .await
        .expect("count");
    tx.commit().await.expect("commit");
    rows[0].0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_a_message_claimed_by_a_dead_sender_is_sent_after_its_claim_expires() {
    a_message_claimed_by_a_dead_sender_is_sent_after_its_claim_expires(TestDb::postgres().await)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_message_claimed_by_a_dead_sender_is_sent_after_its_claim_expires() {
    a_message_claimed_by_a_dead_sender_is_sent_after_its_claim_expires(TestDb::sqlite()).await;
}
