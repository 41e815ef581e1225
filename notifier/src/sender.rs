//! The sender: finds due messages, resolves the recipient's address from the directory,
//! renders and sends, then records the outcome. Temporary failures come back later with
//! doubling pauses; permanent ones (or too many attempts) are parked as dead letters.
//!
//! The one window where a message can go out twice: the SMTP server accepted it and the
//! process died before `status = 'sent'` was committed. SMTP cannot commit with our
//! database; the resend carries the same Message-ID, so mail clients can fold the two.

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

/// Sends what is due, with what it needs.
pub(crate) struct Sender {
    pub log: EventLog,
    pub config: NotifierConfig,
    pub mailer: Mailer,
    pub clock: Clock,
}

impl Sender {
    /// Sends every message due now (up to a batch); returns how many were attempted.
    pub(crate) async fn send_due(&self) -> Result<usize, NotifierError> {
        let now = self.clock.now();
        let mut tx = self.log.begin().await?;
        let due: Vec<Due> = Db::of(&mut tx)
            .fetch(
                "SELECT d.event_id, d.recipient, d.template, d.facts, d.attempts, \
                        u.email, u.display_name, l.title \
                 FROM notifier_deliveries d \
                 LEFT JOIN notifier_users u ON u.user_id = d.recipient \
                 LEFT JOIN notifier_listings l ON l.listing_id = d.listing_id \
                 WHERE d.status = 'pending' AND d.due_at <= $1 \
                 ORDER BY d.due_at LIMIT 50",
                vec![Arg::Time(now)],
            )
            .await?;
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
