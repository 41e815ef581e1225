//! The sender: claims due messages (so that of several senders on one database only one
//! takes each), resolves the recipient's address from the directory, renders and sends,
//! then records the outcome. Temporary failures come back later with
//! doubling pauses; permanent ones (or too many attempts) are parked as dead letters.
//!
//! The one window where a message can go out twice: the SMTP server accepted it and the
//! process died before `status = 'sent'` was committed. SMTP cannot commit with our
//! database; the resend carries the same Message-ID, so mail clients can fold the two.
//! (A claim outlives a dead sender by at most its lease: then another sender retries.)

use basics::Clock;
use chrono::{DateTime, TimeDelta, Utc};
use eventlog::EventLog;
use tracing::{info, warn};

use crate::config::NotifierConfig;
use crate::mailer::{Envelope, Mailer, SendError};
use crate::plan::{Facts, Template};
use crate::templates::{render, Letter};
use crate::NotifierError;
use eventlog::sql::{Arg, Db};

type Due = (
    String,
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// A claimed row, before its recipient and listing are looked up.
type Claimed = (String, String, String, String, i64, Option<String>);

/// Messages parked as dead letters (`boxoffice notifications failed` lists them), by template.
pub const FAILED_TOTAL: &str = "boxoffice_notifier_failed_total";

/// How many messages one pass claims: few enough that their sends fit in the lease.
pub(crate) const BATCH: usize = 10;

/// Sends what is due, with what it needs.
pub(crate) struct Sender {
    pub log: EventLog,
    pub config: NotifierConfig,
    pub mailer: Mailer,
    pub clock: Clock,
}

impl Sender {
    /// Claims up to [`BATCH`] messages due now and sends them; returns how many were
    /// attempted.
    ///
    /// Claiming moves a message's `due_at` past the lease (`--notifier-claim-secs`) in
    /// the statement that picks it, so a second sender on the same database (another
    /// `notify` or `serve`) does not pick it too; the outcome then sets `status` or a
    /// new `due_at`. A sender that dies between claim and outcome leaves the message
    /// pending: another sends it once the lease is over (at least once, never lost).
    pub(crate) async fn send_due(&self) -> Result<usize, NotifierError> {
        let now = self.clock.now();
        let lease = TimeDelta::seconds(i64::try_from(self.config.claim_secs.max(1)).unwrap_or(300));
        let mut tx = self.log.begin().await?;
        let mut db = Db::of(&mut tx);
        // PostgreSQL: rows another sender is claiming right now are skipped, not waited
        // for; the outer `status`/`due_at` test makes the claim hold under READ COMMITTED
        // too. SQLite has one writer at a time, so the conditional UPDATE alone is a claim.
        let lock = if db.is_postgres() {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let claimed: Vec<Claimed> = db
            .fetch(
                &format!(
                    "UPDATE notifier_deliveries SET due_at = $2 \
                     WHERE status = 'pending' AND due_at <= $1 \
                     AND (event_id, recipient, template) IN \
                     (SELECT event_id, recipient, template FROM notifier_deliveries \
                      WHERE status = 'pending' AND due_at <= $1 \
                      ORDER BY due_at LIMIT {BATCH}{lock}) \
                     RETURNING event_id, recipient, template, facts, attempts, listing_id"
                ),
                vec![Arg::Time(now), Arg::Time(now + lease)],
            )
            .await?;
        let mut due: Vec<Due> = Vec::with_capacity(claimed.len());
        for (event_id, recipient, template, facts, attempts, listing_id) in claimed {
            let found: Vec<(Option<String>, Option<String>, Option<String>)> = db
                .fetch(
                    "SELECT (SELECT email FROM notifier_users WHERE user_id = $1), \
                            (SELECT display_name FROM notifier_users WHERE user_id = $1), \
                            (SELECT title FROM notifier_listings WHERE listing_id = $2)",
                    vec![Arg::Text(recipient.clone()), Arg::OptText(listing_id)],
                )
                .await?;
            let (email, name, title) = found.into_iter().next().unwrap_or_default();
            due.push((
                event_id, recipient, template, facts, attempts, email, name, title,
            ));
        }
        tx.commit().await?;
        for row in &due {
            self.send_one(row, now).await?;
        }
        Ok(due.len())
    }

    async fn send_one(&self, row: &Due, now: DateTime<Utc>) -> Result<(), NotifierError> {
        let (event_id, recipient, template_name, facts, attempts, email, name, title) = row;
        let attempts = u32::try_from(*attempts)
            .unwrap_or(u32::MAX)
            .saturating_add(1);
        let outcome = match (Template::from_name(template_name), email, name) {
            (None, _, _) => Err(SendError::Permanent(format!(
                "unknown template {template_name}"
            ))),
            (Some(_), None, _) | (Some(_), _, None) => Err(SendError::Temporary(
                "recipient not in the directory yet".to_owned(),
            )),
            (Some(template), Some(email), Some(name)) => {
                let facts: Facts = serde_json::from_str(facts).unwrap_or_default();
                let link = self.link(template, recipient, email);
                let rendered = render(
                    template,
                    &Letter {
                        name,
                        title: title.as_deref(),
                        facts: &facts,
                        link,
                    },
                );
                self.mailer
                    .send(Envelope {
                        to_name: name,
                        to_address: email,
                        message_id: format!("<{event_id}.{template_name}.{recipient}@boxoffice>"),
                        rendered,
                        recipient_id: recipient,
                        template: template_name,
                    })
                    .await
            }
        };
        let key = vec![
            Arg::Text(event_id.clone()),
            Arg::Text(recipient.clone()),
            Arg::Text(template_name.clone()),
        ];
        let mut tx = self.log.begin().await?;
        let mut db = Db::of(&mut tx);
        match outcome {
            Ok(()) => {
                db.exec(
                    "UPDATE notifier_deliveries SET status = 'sent', attempts = $4, updated_at = $5, \
                     last_error = NULL WHERE event_id = $1 AND recipient = $2 AND template = $3",
                    [key, vec![Arg::Int(attempts.into()), Arg::Time(now)]].concat(),
                )
                .await?;
                info!(event.id = %event_id, user.id = %recipient, mail.template = %template_name, "mail sent");
            }
            Err(SendError::Temporary(reason)) if attempts < self.config.max_attempts => {
                let pause = self.config.backoff(attempts);
                let due = now + TimeDelta::from_std(pause).unwrap_or(TimeDelta::seconds(60));
                db.exec(
                    "UPDATE notifier_deliveries SET attempts = $4, due_at = $5, last_error = $6, \
                     updated_at = $7 WHERE event_id = $1 AND recipient = $2 AND template = $3",
                    [
                        key,
                        vec![
                            Arg::Int(attempts.into()),
                            Arg::Time(due),
                            Arg::Text(reason),
                            Arg::Time(now),
                        ],
                    ]
                    .concat(),
                )
                .await?;
                warn!(event.id = %event_id, user.id = %recipient, mail.template = %template_name,
                    mail.attempts = attempts, retry.ms = pause.as_millis() as u64, "mail not sent; will retry");
            }
            Err(SendError::Temporary(reason) | SendError::Permanent(reason)) => {
                db.exec(
                    "UPDATE notifier_deliveries SET status = 'dead', attempts = $4, last_error = $5, \
                     updated_at = $6 WHERE event_id = $1 AND recipient = $2 AND template = $3",
                    [
                        key.clone(),
                        vec![Arg::Int(attempts.into()), Arg::Text(reason.clone()), Arg::Time(now)],
                    ]
                    .concat(),
                )
                .await?;
                db.exec(
                    "INSERT INTO notifier_dead_letters \
                     (event_id, recipient, template, reason, attempts, failed_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id, recipient, template) \
                     DO UPDATE SET reason = excluded.reason, attempts = excluded.attempts, \
                     failed_at = excluded.failed_at",
                    [
                        key,
                        vec![Arg::Text(reason), Arg::Int(attempts.into()), Arg::Time(now)],
                    ]
                    .concat(),
                )
                .await?;
                metrics::counter!(FAILED_TOTAL, "template" => template_name.clone()).increment(1);
                warn!(event.id = %event_id, user.id = %recipient, mail.template = %template_name,
                    mail.attempts = attempts, "mail failed for good; parked as a dead letter");
            }
        }
        tx.commit().await?;
        Ok(())
    }

    fn link(&self, template: Template, recipient: &str, email: &str) -> String {
        let base = self.config.public_url.trim_end_matches('/');
        match template {
            Template::VerifyAccount => match &self.config.email_token_secret {
                Some(secret) => format!(
                    "{base}/verify-email?user={recipient}&token={}",
                    basics::verification::token(secret.expose().as_bytes(), recipient, email)
                ),
                None => format!("{base}/verify-email?user={recipient}"),
            },
            _ => format!("{base}/bookings"),
        }
    }
}
