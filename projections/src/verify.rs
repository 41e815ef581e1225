//! `boxoffice verify`: folds the log from scratch with the domain's own `evolve` and
//! compares availability, bookings, waitlist positions and analytics totals with the read
//! models, each at the position its checkpoint says it reflects (read in one snapshot
//! with its tables, so a running system can be verified).

use std::collections::{BTreeMap, HashMap};

use domain::booking::{BookingState, BookingStatus};
use domain::listing::{ListingState, ListingStatus};
use eventlog::sql::{Arg, Db};
use eventlog::EventLog;

use crate::decode::{decode_all, Fact};
use crate::error::ProjectionError;
use crate::read::analytics::{PlatformRow, StatBookingRow, StatRow};
use crate::read::bookings::{BookingRow, EntryRow, HoldRow, TicketRow};
use crate::read::catalog::{ListingRow, TypeRow};
use crate::read::Projection;
use crate::record::{columns, load_all, read_rows, Tables};
use crate::status::checkpoint_name;

/// One difference between the log and a read model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The projection whose tables differ.
    pub projection: &'static str,
    /// What differs, with both values.
    pub what: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}", self.projection, self.what)
    }
}

/// What `verify` found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Per projection: the checkpoint verified against and rows compared.
    pub checked: Vec<(&'static str, i64, usize)>,
    /// Every difference.
    pub mismatches: Vec<Mismatch>,
}

enum Snapshot {
    Catalog(Vec<ListingRow>, Vec<TypeRow>),
    Bookings(Vec<HoldRow>, Vec<BookingRow>, Vec<TicketRow>, Vec<EntryRow>),
    Analytics(Vec<StatRow>, Vec<StatBookingRow>, i64),
}

impl Snapshot {
    fn rows(&self) -> usize {
        match self {
            Snapshot::Catalog(a, b) => a.len() + b.len(),
            Snapshot::Bookings(a, b, c, d) => a.len() + b.len() + c.len() + d.len(),
            Snapshot::Analytics(a, b, _) => a.len() + b.len() + 1,
        }
    }
}

/// Reads a projection's checkpoint and tables in one read snapshot.
async fn snapshot(
    log: &EventLog,
    projection: Projection,
) -> Result<(i64, Snapshot), ProjectionError> {
    macro_rules! read {
        ($db:expr) => {{
            let db: &mut Db<'_> = $db;
            let rows: Vec<(i64,)> = db
                .fetch(
                    "SELECT position FROM checkpoints WHERE name = $1",
                    vec![Arg::Text(checkpoint_name(projection.name()))],
                )
                .await?;
            let checkpoint = rows.first().map_or(0, |r| r.0);
            let t = Tables::live();
            let snapshot = match projection {
                Projection::Catalog => {
                    Snapshot::Catalog(load_all(db, &t).await?, load_all(db, &t).await?)
                }
                Projection::Bookings => Snapshot::Bookings(
                    load_all(db, &t).await?,
                    load_all(db, &t).await?,
                    load_all(db, &t).await?,
                    load_all(db, &t).await?,
                ),
                Projection::Analytics => {
                    let sql = format!(
                        "SELECT {} FROM rm_platform WHERE metric = 'accounts'",
                        columns::<PlatformRow>()
                    );
                    let accounts = read_rows::<PlatformRow>(&db.rows(&sql, Vec::new()).await?)?;
                    Snapshot::Analytics(
                        load_all(db, &t).await?,
                        load_all(db, &t).await?,
                        accounts.first().map_or(0, |r| r.value),
                    )
                }
            };
            (checkpoint, snapshot)
        }};
    }
    if let Some(pool) = log.sqlite_pool() {
        let mut tx = pool.begin().await?;
        let out = read!(&mut Db::Sqlite(&mut tx));
        tx.rollback().await?;
        Ok(out)
    } else if let Some(pool) = log.postgres_pool() {
        let mut tx = pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *tx)
            .await?;
        // The tables' locks before the snapshot (`LOCK TABLE` takes none): a replay's swap
        // replaces the tables themselves, and a snapshot taken before it would find the
        // new tables with only part of their rows visible. Held, the locks make the swap
        // wait, or copy rows under MVCC instead.
        sqlx::query(&format!(
            "LOCK TABLE {} IN ACCESS SHARE MODE",
            projection.tables().join(", ")
        ))
        .execute(&mut *tx)
        .await?;
        let out = read!(&mut Db::Postgres(&mut tx));
        tx.rollback().await?;
        Ok(out)
    } else {
        Err(sqlx::Error::PoolClosed.into())
    }
}

#[derive(Default)]
struct Fold {
    position: i64,
    listings: BTreeMap<String, ListingState>,
    bookings: BTreeMap<String, BookingState>,
    accounts: i64,
}

impl Fold {
    async fn until(&mut self, log: &EventLog, position: i64) -> Result<(), ProjectionError> {
        while self.position < position {
            let limit = usize::try_from(position - self.position)
                .unwrap_or(usize::MAX)
                .min(5000);
            let events = log.read_all(self.position, limit).await?;
            let Some(last) = events.last() else { break };
            self.position = last.position;
            for (_, fact) in decode_all(&events)? {
                match fact {
                    Fact::Listing(id, event) => self
                        .listings
                        .entry(id.to_string())
                        .or_default()
                        .apply(&event),
                    Fact::Booking(id, event) => self
                        .bookings
                        .entry(id.to_string())
                        .or_default()
                        .apply(&event),
                    Fact::Account(_, domain::account::AccountEvent::AccountRegistered { .. }) => {
                        self.accounts += 1
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }
}

struct Checker {
    projection: &'static str,
    mismatches: Vec<Mismatch>,
}

impl Checker {
    fn eq<T: PartialEq + std::fmt::Debug>(
        &mut self,
        what: impl FnOnce() -> String,
        log: T,
        model: T,
    ) {
        if log != model {
            self.mismatches.push(Mismatch {
                projection: self.projection,
                what: format!("{}: log says {log:?}, read model says {model:?}", what()),
            });
        }
    }

    fn note(&mut self, what: String) {
        self.mismatches.push(Mismatch {
            projection: self.projection,
            what,
        });
    }
}

fn status_name(status: ListingStatus) -> &'static str {
    match status {
        ListingStatus::Draft => "draft",
        ListingStatus::Published => "published",
        ListingStatus::SalesClosed => "sales_closed",
        ListingStatus::Cancelled => "cancelled",
    }
}

/// Folds the log and compares every read model of `which` with it.
pub async fn verify(log: &EventLog, which: &[Projection]) -> Result<Report, ProjectionError> {
    let mut snapshots = Vec::new();
    for p in which {
        let (checkpoint, snap) = snapshot(log, *p).await?;
        snapshots.push((*p, checkpoint, snap));
    }
    snapshots.sort_by_key(|(_, checkpoint, _)| *checkpoint);
    let mut fold = Fold::default();
    let mut report = Report::default();
    for (p, checkpoint, snap) in snapshots {
        fold.until(log, checkpoint).await?;
        report.checked.push((p.name(), checkpoint, snap.rows()));
        let mut c = Checker {
            projection: p.name(),
            mismatches: Vec::new(),
        };
        match snap {
            Snapshot::Catalog(listings, types) => check_catalog(&mut c, &fold, listings, types),
            Snapshot::Bookings(holds, bookings, tickets, entries) => {
                check_bookings(&mut c, &fold, holds, bookings, tickets, entries)
            }
            Snapshot::Analytics(stats, _, accounts) => {
                check_analytics(&mut c, &fold, stats, accounts)
            }
        }
        report.mismatches.extend(c.mismatches);
    }
    Ok(report)
}

fn check_catalog(c: &mut Checker, fold: &Fold, listings: Vec<ListingRow>, types: Vec<TypeRow>) {
    let mut rows: HashMap<String, ListingRow> = listings
        .into_iter()
        .map(|r| (r.listing_id.clone(), r))
        .collect();
    let mut type_rows: HashMap<(String, String), TypeRow> = types
        .into_iter()
        .map(|t| ((t.listing_id.clone(), t.ticket_type_id.clone()), t))
        .collect();
    for (id, state) in &fold.listings {
        let Some(listing) = state.listing() else {
            continue;
        };
        let Some(row) = rows.remove(id) else {
            c.note(format!("listing {id} is missing from rm_listings"));
            continue;
        };
        c.eq(
            || format!("listing {id} status"),
            status_name(listing.status()),
            row.status.as_str(),
        );
        c.eq(
            || format!("listing {id} title"),
            listing.details().title.as_str(),
            row.title.as_str(),
        );
        let mut sold = 0i64;
        for a in state.availability() {
            sold += i64::from(a.sold);
            let key = (id.clone(), a.ticket_type_id.to_string());
            let Some(t) = type_rows.remove(&key) else {
                c.note(format!("ticket type {} of listing {id} is missing", key.1));
                continue;
            };
            let what = |field: &str| format!("listing {id} type {} {field}", key.1);
            c.eq(|| what("capacity"), i64::from(a.capacity), t.capacity);
            c.eq(|| what("held"), i64::from(a.held), t.held);
            c.eq(|| what("offered"), i64::from(a.offered), t.offered);
            c.eq(|| what("sold"), i64::from(a.sold), t.sold);
            c.eq(|| what("free"), i64::from(a.free), t.free);
            c.eq(|| what("waitlist"), a.waitlist_length as i64, t.waitlist);
        }
        c.eq(|| format!("listing {id} seats sold"), sold, row.seats_sold);
    }
    for id in rows.keys() {
        c.note(format!(
            "rm_listings has listing {id}, which the log does not"
        ));
    }
    for (listing, ticket_type) in type_rows.keys() {
        c.note(format!(
            "rm_ticket_types has type {ticket_type} of listing {listing}, which the log does not"
        ));
    }
}

fn check_bookings(
    c: &mut Checker,
    fold: &Fold,
    holds: Vec<HoldRow>,
    bookings: Vec<BookingRow>,
    tickets: Vec<TicketRow>,
    entries: Vec<EntryRow>,
) {
    let mut rows: HashMap<String, BookingRow> = bookings
        .into_iter()
        .map(|r| (r.booking_id.clone(), r))
        .collect();
    let mut checked_in: HashMap<String, i64> = HashMap::new();
    let mut ticket_count: HashMap<String, i64> = HashMap::new();
    for t in &tickets {
        *ticket_count.entry(t.booking_id.clone()).or_default() += 1;
        if t.checked_in_at.is_some() {
            *checked_in.entry(t.booking_id.clone()).or_default() += 1;
        }
    }
    for (id, state) in &fold.bookings {
        let Some(b) = state.booking() else { continue };
        let Some(row) = rows.remove(id) else {
            c.note(format!("booking {id} is missing from rm_bookings"));
            continue;
        };
        let status = match b.status {
            BookingStatus::Confirmed => "confirmed",
            BookingStatus::Cancelled => "cancelled",
        };
        c.eq(
            || format!("booking {id} status"),
            status,
            row.status.as_str(),
        );
        c.eq(
            || format!("booking {id} buyer"),
            b.buyer.to_string(),
            row.buyer.clone(),
        );
        c.eq(
            || format!("booking {id} seats"),
            i64::from(b.seats.get()),
            row.seats,
        );
        c.eq(
            || format!("booking {id} total"),
            b.total.amount_minor(),
            row.total,
        );
        c.eq(
            || format!("booking {id} refund"),
            b.refund.map(|m| m.amount_minor()),
            row.refund_amount,
        );
        c.eq(
            || format!("booking {id} tickets"),
            b.tickets.len() as i64,
            ticket_count.get(id).copied().unwrap_or(0),
        );
        c.eq(
            || format!("booking {id} tickets checked in"),
            b.checked_in_count() as i64,
            checked_in.get(id).copied().unwrap_or(0),
        );
    }
    for id in rows.keys() {
        c.note(format!(
            "rm_bookings has booking {id}, which the log does not"
        ));
    }
    // Active holds and offers, and the waitlist order, per listing.
    let mut active: HashMap<String, &HoldRow> = holds
        .iter()
        .filter(|h| h.status == "active")
        .map(|h| (h.hold_id.clone(), h))
        .collect();
    let mut waiting: HashMap<String, &EntryRow> = entries
        .iter()
        .filter(|e| e.status == "waiting")
        .map(|e| (e.entry_id.clone(), e))
        .collect();
    let mut queues: HashMap<(String, String), Vec<&EntryRow>> = HashMap::new();
    for e in waiting.values() {
        queues
            .entry((e.listing_id.clone(), e.ticket_type_id.clone()))
            .or_default()
            .push(e);
    }
    for queue in queues.values_mut() {
        queue.sort_by_key(|e| e.seq);
    }
    for (id, state) in &fold.listings {
        let Some(listing) = state.listing() else {
            continue;
        };
        for hold in listing.holds() {
            match active.remove(&hold.id.to_string()) {
                Some(row) => {
                    c.eq(
                        || format!("hold {} buyer", hold.id),
                        hold.buyer.to_string(),
                        row.buyer.clone(),
                    );
                    c.eq(
                        || format!("hold {} seats", hold.id),
                        i64::from(hold.seats.get()),
                        row.seats,
                    );
                }
                None => c.note(format!(
                    "active hold {} of listing {id} is not active in rm_holds",
                    hold.id
                )),
            }
        }
        for entry in listing.waitlist().iter() {
            let key = entry.id.to_string();
            let Some(row) = waiting.remove(&key) else {
                c.note(format!(
                    "waitlist entry {key} of listing {id} is not waiting in rm_waitlist"
                ));
                continue;
            };
            let position = queues
                .get(&(row.listing_id.clone(), row.ticket_type_id.clone()))
                .and_then(|q| q.iter().position(|e| e.entry_id == key))
                .map(|i| i + 1);
            c.eq(
                || format!("waitlist entry {key} position"),
                listing.waitlist().position(entry.id),
                position,
            );
        }
    }
    for id in active.keys() {
        c.note(format!("rm_holds shows hold {id} active, the log does not"));
    }
    for id in waiting.keys() {
        c.note(format!(
            "rm_waitlist shows entry {id} waiting, the log does not"
        ));
    }
}

fn check_analytics(c: &mut Checker, fold: &Fold, stats: Vec<StatRow>, accounts: i64) {
    let mut rows: HashMap<String, StatRow> = stats
        .into_iter()
        .map(|r| (r.listing_id.clone(), r))
        .collect();
    #[derive(Default)]
    struct Sales {
        bookings: i64,
        cancellations: i64,
        revenue: i64,
        refunds: i64,
        tickets_valid: i64,
        checked_in: i64,
    }
    let mut sales: HashMap<String, Sales> = HashMap::new();
    for state in fold.bookings.values() {
        let Some(b) = state.booking() else { continue };
        let s = sales.entry(b.listing_id.to_string()).or_default();
        s.bookings += 1;
        s.revenue += b.total.amount_minor();
        s.refunds += b.refund.map_or(0, |m| m.amount_minor());
        if b.status == BookingStatus::Cancelled {
            s.cancellations += 1;
        } else {
            s.tickets_valid += b.tickets.len() as i64;
            s.checked_in += b.checked_in_count() as i64;
        }
    }
    for (id, state) in &fold.listings {
        let Some(listing) = state.listing() else {
            continue;
        };
        let Some(row) = rows.remove(id) else {
            c.note(format!("listing {id} is missing from rm_listing_stats"));
            continue;
        };
        let availability = state.availability();
        let sold: i64 = availability.iter().map(|a| i64::from(a.sold)).sum();
        let held: i64 = availability
            .iter()
            .map(|a| i64::from(a.held + a.offered))
            .sum();
        c.eq(|| format!("listing {id} seats sold"), sold, row.seats_sold);
        c.eq(|| format!("listing {id} seats held"), held, row.seats_held);
        c.eq(
            || format!("listing {id} waitlist length"),
            listing.waitlist().len() as i64,
            row.waitlist_length,
        );
        let s = sales.remove(id).unwrap_or_default();
        c.eq(
            || format!("listing {id} bookings"),
            s.bookings,
            row.bookings,
        );
        c.eq(
            || format!("listing {id} cancellations"),
            s.cancellations,
            row.cancellations,
        );
        c.eq(|| format!("listing {id} revenue"), s.revenue, row.revenue);
        c.eq(|| format!("listing {id} refunds"), s.refunds, row.refunds);
        c.eq(
            || format!("listing {id} valid tickets"),
            s.tickets_valid,
            row.tickets_valid,
        );
        c.eq(
            || format!("listing {id} tickets checked in"),
            s.checked_in,
            row.checked_in,
        );
    }
    for id in rows.keys() {
        c.note(format!(
            "rm_listing_stats has listing {id}, which the log does not"
        ));
    }
    c.eq(
        || "accounts on the platform".to_owned(),
        fold.accounts,
        accounts,
    );
}
