//! Each waiting room's line in memory, shared by every place read and place stream of this
//! process: the ordered list of who waits, every visit by buyer and the room's settings,
//! answering a place by a lookup and a binary search.
//!
//! A line is made of the catalog's row of the listing (the room's settings, its opening,
//! and `room_position`: the last event that changed the room) and the bookings
//! projection's visits (who waits in what order, who is let in). It is current while the
//! checkpoints this process knew when it was made ([`Checkpoints`]) are still the ones
//! known; once they move, the first reader reads the catalog row again (one indexed row)
//! and reloads the visits only when the room changed since they were read, while every
//! other reader and stream of the listing waits for that one answer. A read with
//! `?after=N` has raised the checkpoints to N first, so it never gets a line from before
//! N; when the follower has not confirmed them lately, the database's own checkpoints are
//! read instead. Only listings with a room are kept, at most [`MAX_LINES`] of them and
//! about [`MAX_VISITS`] visits in all, and a line nobody read for [`IDLE`] is dropped.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use domain::Actor;
use eventlog::sql::{Arg, Db};
use eventlog::EventLog;
use projections::read_row;
use projections::record::{columns, read_rows};
use uuid::Uuid;

use crate::access::may_see;
use crate::checkpoints::{stored, stored_in, Checkpoints, Seen};
use crate::error::QueryError;

/// Most lines kept at once.
pub const MAX_LINES: usize = 256;
/// Visits kept across all lines before the least recently read lines go (a bigger line
/// is kept alone).
pub const MAX_VISITS: usize = 2_000_000;
/// A line nobody read for this long is dropped.
pub const IDLE: Duration = Duration::from_secs(60);

read_row! {
    /// What a line needs of the catalog's row of its listing.
    struct RoomRow {
        /// The listing.
        listing_id: String,
        /// Its organizer (drafts are theirs to see).
        organizer_id: String,
        /// Its status.
        status: String,
        /// Its catalog position.
        position: i64,
        /// When the room opens (null: no room).
        room_opens_at: Option<i64>,
        /// When it opened.
        room_opened_at: Option<i64>,
        /// Buyers let in per minute.
        room_admitted_per_minute: Option<i64>,
        /// The last event that changed the room's visits or settings.
        room_position: i64,
    }
}

read_row! {
    /// What a line needs of a visit.
    struct VisitLine {
        /// The buyer.
        buyer: String,
        /// 0: ordered at the opening by rank, 1: joined after it, by log position.
        line_phase: i64,
        /// The rank or the position.
        line_key: i64,
        /// `waiting`, `admitted`, `expired` or `closed`.
        status: String,
        /// When they joined (ms).
        joined_at: i64,
        /// When they were let in (ms).
        admitted_at: Option<i64>,
        /// When the admission lapses (ms).
        expires_at: Option<i64>,
        /// Whether the lapsed admission was used (1) or not (0).
        used: i64,
    }
}

/// Where one buyer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// In line.
    Waiting,
    /// Let in.
    Admitted,
    /// The admission lapsed.
    Expired,
    /// The room was turned off or the listing cancelled.
    Closed,
}

impl Status {
    fn parse(text: &str) -> Self {
        match text {
            "waiting" => Self::Waiting,
            "admitted" => Self::Admitted,
            "expired" => Self::Expired,
            _ => Self::Closed,
        }
    }

    /// The name the API uses.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Admitted => "admitted",
            Self::Expired => "expired",
            Self::Closed => "closed",
        }
    }
}

/// One buyer's visit, times in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Visit {
    /// Where they stand.
    pub(crate) status: Status,
    /// Their place in the order: (phase, key).
    order: (i64, i64),
    /// When they joined.
    pub(crate) joined_at: i64,
    /// When they were let in.
    pub(crate) admitted_at: Option<i64>,
    /// When the admission lapses.
    pub(crate) expires_at: Option<i64>,
}

/// A room's settings, times in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Room {
    /// When it opens.
    pub(crate) opens_at: i64,
    /// When it opened.
    pub(crate) opened_at: Option<i64>,
    /// Buyers let in per minute.
    pub(crate) admitted_per_minute: i64,
}

/// A room's visits as the bookings projection held them.
#[derive(Debug)]
struct Visits {
    /// The catalog's `room_position` they were read for.
    room_position: i64,
    /// The bookings checkpoint read before them (they include at least that much).
    bookings_at: i64,
    by_buyer: HashMap<Uuid, Visit>,
    /// Who waits, in the domain's order: (phase, key, buyer).
    waiting: Vec<(i64, i64, Uuid)>,
    /// Admissions granted (since the room was last turned on).
    admitted: i64,
    /// Admissions that lapsed unused.
    unused: i64,
}

impl Visits {
    fn of(room_position: i64, bookings_at: i64, rows: Vec<VisitLine>) -> Self {
        let mut visits = Self {
            room_position,
            bookings_at,
            by_buyer: HashMap::with_capacity(rows.len()),
            waiting: Vec::new(),
            admitted: 0,
            unused: 0,
        };
        for row in rows {
            // Stored from a UserId, so it always parses.
            let Ok(buyer) = Uuid::parse_str(&row.buyer) else {
                continue;
            };
            let status = Status::parse(&row.status);
            match status {
                Status::Waiting => visits.waiting.push((row.line_phase, row.line_key, buyer)),
                Status::Admitted => visits.admitted += 1,
                Status::Expired => {
                    visits.admitted += 1;
                    visits.unused += i64::from(row.used == 0);
                }
                Status::Closed => {}
            }
            visits.by_buyer.insert(
                buyer,
                Visit {
                    status,
                    order: (row.line_phase, row.line_key),
                    joined_at: row.joined_at,
                    admitted_at: row.admitted_at,
                    expires_at: row.expires_at,
                },
            );
        }
        // Uuids order as their text does, so this is the SQL's (phase, key, buyer).
        visits.waiting.sort_unstable();
        visits
    }

    /// Whether they hold every change to the room up to the catalog's `room_position`.
    fn cover(&self, room_position: i64) -> bool {
        self.room_position == room_position && self.bookings_at >= room_position
    }
}

/// One listing's waiting room, current while the checkpoints it was made at are known.
#[derive(Debug)]
pub(crate) struct Line {
    /// The checkpoints known when it was made.
    at: Seen,
    /// The listing.
    pub(crate) listing: Uuid,
    organizer_id: String,
    status: String,
    /// The listing's catalog position.
    pub(crate) position: i64,
    /// The room.
    pub(crate) room: Room,
    visits: Arc<Visits>,
}

impl Line {
    /// The line of the catalog's `row` and the room's `visits`; None without a room.
    fn of(at: Seen, row: RoomRow, visits: Arc<Visits>) -> Option<Self> {
        Some(Self {
            at,
            listing: Uuid::parse_str(&row.listing_id).ok()?,
            room: Room {
                opens_at: row.room_opens_at?,
                opened_at: row.room_opened_at,
                admitted_per_minute: row.room_admitted_per_minute?,
            },
            organizer_id: row.organizer_id,
            status: row.status,
            position: row.position,
            visits,
        })
    }

    /// Whether `actor` may see the listing.
    pub(crate) fn visible_to(&self, actor: &Actor) -> bool {
        may_see(Some(actor), &self.organizer_id, &self.status)
    }

    /// `buyer`'s visit, if they joined.
    pub(crate) fn visit(&self, buyer: Uuid) -> Option<&Visit> {
        self.visits.by_buyer.get(&buyer)
    }

    /// How many wait.
    pub(crate) fn waiting(&self) -> i64 {
        self.visits.waiting.len() as i64
    }

    /// Admissions granted (since the room was last turned on).
    pub(crate) fn admitted(&self) -> i64 {
        self.visits.admitted
    }

    /// Admissions that lapsed unused.
    pub(crate) fn unused(&self) -> i64 {
        self.visits.unused
    }

    /// How many wait before `buyer`, while they wait.
    pub(crate) fn ahead(&self, buyer: Uuid) -> Option<i64> {
        let visit = self.visit(buyer)?;
        if visit.status != Status::Waiting {
            return None;
        }
        let (phase, key) = visit.order;
        let waiting = &self.visits.waiting;
        Some(waiting.partition_point(|entry| *entry < (phase, key, buyer)) as i64)
    }

    fn size(&self) -> usize {
        self.visits.by_buyer.len()
    }
}

/// One listing's place in the shared lines.
#[derive(Debug, Default)]
struct Slot {
    line: Mutex<Option<Arc<Line>>>,
    /// Held while the line is rebuilt, so one reader rebuilds and the others wait for it.
    building: tokio::sync::Mutex<()>,
    /// When it was last read, in milliseconds since the lines were made.
    used: AtomicU64,
}

impl Slot {
    /// The line as last made, current or not.
    fn last(&self) -> Option<Arc<Line>> {
        self.line.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The line, when it was made with everything up to `known`.
    fn current(&self, known: Seen) -> Option<Arc<Line>> {
        self.last().filter(|line| line.at.covers(known))
    }

    fn keep(&self, line: Arc<Line>) {
        *self.line.lock().unwrap_or_else(|p| p.into_inner()) = Some(line);
    }

    fn size(&self) -> usize {
        self.last().map_or(0, |line| line.size())
    }
}

#[derive(Debug)]
struct Inner {
    slots: Mutex<HashMap<String, Arc<Slot>>>,
    checkpoints: Checkpoints,
    born: Instant,
    /// When idle lines were last looked for (ms since `born`).
    swept: AtomicU64,
}

/// The lines of this process's waiting rooms. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Lines {
    inner: Arc<Inner>,
}

impl Lines {
    /// No lines yet; they follow `checkpoints`.
    pub fn new(checkpoints: Checkpoints) -> Self {
        Self {
            inner: Arc::new(Inner {
                slots: Mutex::new(HashMap::new()),
                checkpoints,
                born: Instant::now(),
                swept: AtomicU64::new(0),
            }),
        }
    }

    /// Listings whose line is kept now.
    pub fn len(&self) -> usize {
        self.slots().len()
    }

    /// Whether no line is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `listing`'s line, current as of the known checkpoints; None when the listing does
    /// not exist or has no room.
    pub(crate) async fn line(
        &self,
        log: &EventLog,
        listing: &str,
    ) -> Result<Option<Arc<Line>>, QueryError> {
        let known = match self.inner.checkpoints.current() {
            Some(known) => known,
            None => stored(log).await?,
        };
        let slot = self.slot(listing);
        if let Some(line) = slot.current(known) {
            return Ok(Some(line));
        }
        let _turn = slot.building.lock().await;
        if let Some(line) = slot.current(known) {
            return Ok(Some(line));
        }
        // Read before the rows, so the rows include at least what the line claims.
        let now = self.inner.checkpoints.known();
        let at = Seen {
            catalog: now.catalog.max(known.catalog),
            bookings: now.bookings.max(known.bookings),
        };
        let mut conn = eventlog::sql::Conn::acquire(log).await?;
        let mut db = conn.db();
        let row = match room_row(&mut db, listing).await? {
            Some(row) if row.room_opens_at.is_some() => row,
            _ => {
                self.slots().remove(listing);
                return Ok(None);
            }
        };
        let last = slot.last().map(|line| line.visits.clone());
        let visits = match last {
            Some(visits) if visits.cover(row.room_position) => visits,
            _ => {
                let bookings_at = stored_in(&mut db).await?.bookings;
                Arc::new(visits(&mut db, listing, row.room_position, bookings_at).await?)
            }
        };
        let Some(line) = Line::of(at, row, visits).map(Arc::new) else {
            return Ok(None);
        };
        slot.keep(line.clone());
        self.bound(listing);
        Ok(Some(line))
    }

    fn slots(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Slot>>> {
        self.inner.slots.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn now(&self) -> u64 {
        self.inner.born.elapsed().as_millis() as u64
    }

    /// `listing`'s slot, marked read now; drops idle lines every few seconds.
    fn slot(&self, listing: &str) -> Arc<Slot> {
        let now = self.now();
        let mut slots = self.slots();
        let swept = self.inner.swept.load(Ordering::Relaxed);
        if now.saturating_sub(swept) >= 5_000 {
            self.inner.swept.store(now, Ordering::Relaxed);
            let idle = IDLE.as_millis() as u64;
            slots.retain(|_, slot| now.saturating_sub(slot.used.load(Ordering::Relaxed)) < idle);
        }
        let slot = slots.entry(listing.to_owned()).or_default().clone();
        slot.used.store(now, Ordering::Relaxed);
        slot
    }

    /// Drops the least recently read lines other than `kept` while past the bounds.
    fn bound(&self, kept: &str) {
        let mut slots = self.slots();
        loop {
            let visits: usize = slots.values().map(|slot| slot.size()).sum();
            if slots.len() <= MAX_LINES && visits <= MAX_VISITS {
                return;
            }
            let oldest = slots
                .iter()
                .filter(|(listing, _)| listing.as_str() != kept)
                .min_by_key(|(_, slot)| slot.used.load(Ordering::Relaxed))
                .map(|(listing, _)| listing.clone());
            match oldest {
                Some(listing) => slots.remove(&listing),
                None => return,
            };
        }
    }
}

/// The catalog's row of `listing`.
async fn room_row(db: &mut Db<'_>, listing: &str) -> Result<Option<RoomRow>, QueryError> {
    let sql = format!(
        "SELECT {} FROM rm_listings WHERE listing_id = $1",
        columns::<RoomRow>()
    );
    let rows = db.rows(&sql, vec![Arg::from(listing)]).await?;
    Ok(read_rows::<RoomRow>(&rows)?.pop())
}

/// The visits of `listing`'s room, read after the bookings checkpoint `bookings_at`.
async fn visits(
    db: &mut Db<'_>,
    listing: &str,
    room_position: i64,
    bookings_at: i64,
) -> Result<Visits, QueryError> {
    let sql = format!(
        "SELECT {} FROM rm_room_visits WHERE listing_id = $1",
        columns::<VisitLine>()
    );
    let rows = db.rows(&sql, vec![Arg::from(listing)]).await?;
    let rows = read_rows::<VisitLine>(&rows)?;
    Ok(Visits::of(room_position, bookings_at, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(room_position: i64) -> RoomRow {
        RoomRow {
            listing_id: Uuid::from_u128(1).to_string(),
            organizer_id: Uuid::from_u128(2).to_string(),
            status: "published".into(),
            position: 40,
            room_opens_at: Some(1_000),
            room_opened_at: Some(1_000),
            room_admitted_per_minute: Some(60),
            room_position,
        }
    }

    fn visit(buyer: u128, phase: i64, key: i64, status: &str, used: i64) -> VisitLine {
        VisitLine {
            buyer: Uuid::from_u128(buyer).to_string(),
            line_phase: phase,
            line_key: key,
            status: status.into(),
            joined_at: 0,
            admitted_at: (status != "waiting").then_some(2_000),
            expires_at: (status != "waiting").then_some(9_000),
            used,
        }
    }

    fn line(at: Seen, visits: Vec<VisitLine>) -> Line {
        Line::of(at, row(30), Arc::new(Visits::of(30, 30, visits))).unwrap()
    }

    #[test]
    fn a_place_is_the_count_of_those_waiting_before_in_phase_key_and_buyer_order() {
        let visits = vec![
            visit(10, 1, 500, "waiting", 0),
            visit(11, 0, 7, "waiting", 0),
            visit(12, 0, -3, "waiting", 0),
            visit(13, 0, 7, "admitted", 0),
            visit(14, 0, 7, "waiting", 0),
            visit(15, 0, 1, "expired", 0),
            visit(16, 0, 2, "expired", 1),
            visit(17, 1, 2, "closed", 0),
        ];
        let line = line(Seen::default(), visits);
        let ahead = |n: u128| line.ahead(Uuid::from_u128(n));
        assert_eq!(
            [ahead(12), ahead(11), ahead(14), ahead(10)],
            [Some(0), Some(1), Some(2), Some(3)]
        );
        assert_eq!((ahead(13), ahead(15), ahead(99)), (None, None, None));
        assert_eq!(
            (line.waiting(), line.admitted(), line.unused()),
            (4, 3, 1),
            "let in: admitted and expired; unused: expired without a hold"
        );
        assert_eq!(
            line.visit(Uuid::from_u128(17)).map(|v| v.status),
            Some(Status::Closed)
        );
    }

    #[test]
    fn a_listing_without_a_room_has_no_line() {
        let roomless = RoomRow {
            room_opens_at: None,
            ..row(0)
        };
        let visits = Arc::new(Visits::of(0, 0, Vec::new()));
        assert!(Line::of(Seen::default(), roomless, visits).is_none());
    }

    #[test]
    fn visits_serve_until_the_room_changes_and_only_once_bookings_has_the_change() {
        let visits = Visits::of(30, 35, Vec::new());
        assert!(visits.cover(30));
        assert!(!visits.cover(31), "the room changed since");
        let behind = Visits::of(30, 29, Vec::new());
        assert!(!behind.cover(30), "read before bookings had the change");
    }

    #[test]
    fn a_line_is_current_while_the_checkpoints_it_was_made_at_are_known() {
        let at = Seen {
            catalog: 5,
            bookings: 7,
        };
        let slot = Slot::default();
        slot.keep(Arc::new(line(at, Vec::new())));
        assert!(slot.current(at).is_some());
        let moved = |catalog, bookings| Seen { catalog, bookings };
        assert!(slot.current(moved(5, 8)).is_none());
        assert!(slot.current(moved(6, 7)).is_none());
        assert!(slot.last().is_some());
    }

    #[test]
    fn lines_stay_within_the_bound_dropping_the_least_recently_read() {
        let lines = Lines::new(Checkpoints::default());
        for n in 0..(MAX_LINES + 10) {
            let listing = format!("l{n}");
            let slot = lines.slot(&listing);
            slot.keep(Arc::new(line(Seen::default(), Vec::new())));
            slot.used.store(n as u64 + 1, Ordering::Relaxed);
            lines.bound(&listing);
        }
        assert_eq!(lines.len(), MAX_LINES);
        assert!(!lines.slots().contains_key("l0"));
        assert!(lines.slots().contains_key(&format!("l{}", MAX_LINES + 9)));
    }
}
