//! Taking in one event: update the directory, record the messages it causes (deduped by
//! event id, recipient and template), withdraw reminders it makes moot. Runs in the
//! caller's transaction, together with the checkpoint when the source is the log.

use chrono::{DateTime, TimeDelta, Utc};
use eventlog::{LogTx, StoredEvent};
use tracing::debug;

use crate::plan::{directory_change, notification_for, Audience, DirectoryChange};
use eventlog::sql::{Arg, Db};

/// Applies `event` inside `tx`. Idempotent: taking in the same event twice changes nothing.
pub(crate) async fn ingest(
    tx: &mut LogTx,
    event: &StoredEvent,
    reminder_lead: TimeDelta,
    max_age: TimeDelta,
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    let mut db = Db::of(tx);
    if let Some(change) = directory_change(event) {
        apply(&mut db, change, event.position).await?;
    }
    let plan = notification_for(event);
    for key in plan.withdraw {
        db.exec(
            "UPDATE notifier_deliveries SET status = 'withdrawn', updated_at = $2 \
             WHERE cancel_key = $1 AND status = 'pending'",
            vec![Arg::Text(key), Arg::Time(now)],
        )
        .await?;
    }
    let mut recorded = 0;
    let intents = if now - event.recorded_at > max_age {
        debug!(
            event.position = event.position,
            "event too old to notify about"
        );
        Vec::new()
    } else {
        plan.intents
    };
    for intent in intents {
        let due = match intent.remind_before {
            Some(deadline) => {
                let due = deadline - reminder_lead;
                // A hold shorter than the lead gets no reminder: it would arrive at once.
                if due <= event.recorded_at.min(deadline) || deadline <= now {
                    continue;
                }
                due
            }
            None => now,
        };
        let mut listing_id = intent.facts.listing_id.map(|l| l.to_string());
        let recipients: Vec<String> = match intent.audience {
            Audience::User(user) => vec![user.to_string()],
            Audience::BookingBuyer(booking) => {
                // booking_confirmed precedes this in the same stream (and partition).
                let rows = db
                    .fetch::<(String, String)>(
                        "SELECT buyer, listing_id FROM notifier_bookings WHERE booking_id = $1",
                        vec![Arg::Text(booking.to_string())],
                    )
                    .await?;
                rows.into_iter()
                    .map(|(buyer, listing)| {
                        listing_id = Some(listing);
                        buyer
                    })
                    .collect()
            }
            Audience::ListingHolders(listing) => db
                .fetch::<(String,)>(
                    "SELECT DISTINCT buyer FROM notifier_bookings \
                     WHERE listing_id = $1 AND cancelled = 0 ORDER BY buyer",
                    vec![Arg::Text(listing.to_string())],
                )
                .await?
                .into_iter()
                .map(|(b,)| b)
                .collect(),
        };
        let facts = serde_json::to_string(&intent.facts).unwrap_or_else(|_| "{}".to_owned());
        for recipient in recipients {
            recorded += db
                .exec(
                    "INSERT INTO notifier_deliveries \
                     (event_id, recipient, template, facts, listing_id, status, cancel_key, attempts, due_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $8, 'pending', $5, 0, $6, $7) ON CONFLICT DO NOTHING",
                    vec![
                        Arg::Text(event.event_id.to_string()),
                        Arg::Text(recipient),
                        Arg::Text(intent.template.name().to_owned()),
                        Arg::Text(facts.clone()),
                        Arg::OptText(intent.cancel_key.clone()),
                        Arg::Time(due),
                        Arg::Time(now),
                        Arg::OptText(listing_id.clone()),
                    ],
                )
                .await? as usize;
        }
    }
    debug!(
        event.position = event.position,
        notifier.recorded = recorded,
        "event taken in"
    );
    Ok(recorded)
}

async fn apply(db: &mut Db<'_>, change: DirectoryChange, position: i64) -> Result<(), sqlx::Error> {
    match change {
        DirectoryChange::User {
            user_id,
            email,
            display_name,
        } => {
            db.exec(
                "INSERT INTO notifier_users (user_id, email, display_name) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, display_name = excluded.display_name",
                vec![Arg::Text(user_id.to_string()), Arg::Text(email), Arg::Text(display_name)],
            )
            .await?;
        }
        DirectoryChange::Listing { listing_id, title } => {
            db.exec(
                "INSERT INTO notifier_listings (listing_id, title, position) VALUES ($1, $2, $3) \
                 ON CONFLICT (listing_id) DO UPDATE SET title = excluded.title, position = excluded.position \
                 WHERE notifier_listings.position < excluded.position",
                vec![Arg::Text(listing_id.to_string()), Arg::Text(title), Arg::Int(position)],
            )
            .await?;
        }
        DirectoryChange::Booking {
            booking_id,
            listing_id,
            buyer,
        } => {
            db.exec(
                "INSERT INTO notifier_bookings (booking_id, listing_id, buyer) VALUES ($1, $2, $3) \
                 ON CONFLICT DO NOTHING",
                vec![
                    Arg::Text(booking_id.to_string()),
                    Arg::Text(listing_id.to_string()),
                    Arg::Text(buyer.to_string()),
                ],
            )
            .await?;
        }
        DirectoryChange::BookingCancelled { booking_id } => {
            db.exec(
                "UPDATE notifier_bookings SET cancelled = 1 WHERE booking_id = $1",
                vec![Arg::Text(booking_id.to_string())],
            )
            .await?;
        }
    }
    Ok(())
}
