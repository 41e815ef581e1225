//! Seeding a log with realistic sales, fast: every event is decided by the domain
//! (`decide`, `confirm_hold`, `cancel_booking`), so the log is one the command API could
//! have written, but it is appended in large multi-stream batches without HTTP. Used by
//! the projection tests and the replay benchmark.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use domain::booking::{BookingState, NewTicket};
use domain::flows::{cancel_booking, confirm_hold, CancelBooking, ConfirmHold};
use domain::listing::{
    decide, BuyerLimits, CreateListing, HoldSeats, JoinWaitlist, ListingDetails, ListingEvent,
    ListingState, NewTicketType, PublishListing, ReleaseHold, SalesWindow, Venue,
    MAX_HOLDS_PER_MINUTE,
};
use domain::{
    Actor, BookingId, CountryCode, Currency, DomainEvent, HoldDuration, HoldId, ListingId,
    LongText, Money, PaymentReference, Role, SeatCount, ShortText, TicketCode, TicketId,
    TicketTypeId, TimeZoneName, UserId, WaitlistEntryId,
};
use eventlog::{EventLog, ExpectedVersion, NewEvent, StreamAppend, StreamId};
use uuid::Uuid;

/// What to seed.
#[derive(Debug, Clone)]
pub struct SeedPlan {
    /// Ordinary listings.
    pub listings: usize,
    /// Seats per ticket type of an ordinary listing (two types each).
    pub capacity: u32,
    /// Very large listings (one type each).
    pub large_listings: usize,
    /// Seats of a large listing.
    pub large_capacity: u32,
    /// Stop after about this many events.
    pub events: u64,
    /// Events per append (one transaction).
    pub append_batch: usize,
    /// PRNG seed.
    pub seed: u64,
}

impl Default for SeedPlan {
    fn default() -> Self {
        Self {
            listings: 20,
            capacity: 40,
            large_listings: 1,
            large_capacity: 2000,
            events: 2000,
            append_batch: 500,
            seed: 7,
        }
    }
}

/// What was seeded.
#[derive(Debug, Clone, Default)]
pub struct SeedSummary {
    /// Events appended.
    pub events: u64,
    /// Listings created (all published).
    pub listings: Vec<ListingId>,
    /// Bookings confirmed (some later cancelled).
    pub bookings: u64,
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: plenty for picking actions; codes only need to be distinct.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn code(&mut self) -> TicketCode {
        let alphabet = TicketCode::ALPHABET.as_bytes();
        let raw: String = (0..20)
            .map(|_| alphabet[self.below(alphabet.len())] as char)
            .collect();
        TicketCode::parse(&raw).expect("alphabet characters")
    }
}

struct Sale {
    id: ListingId,
    state: ListingState,
    types: Vec<TicketTypeId>,
    holds: Vec<(HoldId, Actor)>,
    bookings: Vec<BookingId>,
}

struct Pending {
    order: Vec<String>,
    events: BTreeMap<String, Vec<NewEvent>>,
    count: usize,
}

impl Pending {
    fn push<E: DomainEvent>(&mut self, stream: String, events: &[E]) {
        if events.is_empty() {
            return;
        }
        let list = self.events.entry(stream.clone()).or_insert_with(|| {
            self.order.push(stream);
            Vec::new()
        });
        for event in events {
            let payload = serde_json::to_value(event).expect("domain events serialize");
            list.push(
                NewEvent::new(event.event_type(), payload).with_schema_version(E::SCHEMA_VERSION),
            );
        }
        self.count += events.len();
    }

    async fn flush(&mut self, log: &EventLog) -> Result<(), eventlog::AppendError> {
        if self.count == 0 {
            return Ok(());
        }
        let appends = self
            .order
            .drain(..)
            .map(|stream| {
                let events = self.events.remove(&stream).unwrap_or_default();
                StreamAppend::new(
                    StreamId::new(stream).expect("domain stream ids are valid"),
                    ExpectedVersion::Any,
                    events,
                )
            })
            .collect();
        self.count = 0;
        log.append(appends).await.map(|_| ())
    }
}

fn text(s: &str) -> ShortText {
    ShortText::parse(s).expect("valid text")
}

/// The details of seeded listing `n`, selling from `now`.
pub(crate) fn details(n: usize, now: DateTime<Utc>) -> ListingDetails {
    let cities = ["Lyon", "Berlin", "Oslo", "Porto"];
    let categories = ["concert", "conference", "workshop"];
    ListingDetails {
        title: text(&format!("Seeded listing {n}")),
        description: LongText::parse("Generated for tests and benchmarks").expect("valid"),
        venue: Venue {
            name: text("Hall"),
            address: text("1 Main St"),
            city: text(cities[n % cities.len()]),
            country: CountryCode::parse("FR").expect("valid"),
        },
        category: text(categories[n % categories.len()]),
        starts_at: now + TimeDelta::days(30 + n as i64 % 60),
        ends_at: now + TimeDelta::days(30 + n as i64 % 60) + TimeDelta::hours(3),
        time_zone: TimeZoneName::parse("Europe/Paris").expect("valid"),
        sales: SalesWindow {
            opens_at: now,
            closes_at: now + TimeDelta::days(29),
        },
        max_tickets_per_booking: SeatCount::new(4).expect("valid"),
    }
}

/// Appends about `plan.events` events of published listings with holds, bookings,
/// releases, cancellations and waitlist joins.
pub async fn seed(
    log: &EventLog,
    plan: &SeedPlan,
) -> Result<SeedSummary, Box<dyn std::error::Error + Send + Sync>> {
    let mut rng = Rng(plan.seed.max(1));
    let mut now = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    let organizer = Actor::new(UserId::from(Uuid::now_v7()), Role::Organizer);
    let buyers: Vec<Actor> = (0..200)
        .map(|_| Actor::new(UserId::from(Uuid::now_v7()), Role::Customer))
        .collect();
    let eur = Currency::parse("EUR")?;
    let hold_for = HoldDuration::from_minutes(10)?;
    let mut pending = Pending {
        order: Vec::new(),
        events: BTreeMap::new(),
        count: 0,
    };
    let mut summary = SeedSummary::default();
    let mut sales: Vec<Sale> = Vec::new();
    let mut booking_states: HashMap<BookingId, BookingState> = HashMap::new();
    for n in 0..plan.listings + plan.large_listings {
        let large = n >= plan.listings;
        let id = ListingId::from(Uuid::now_v7());
        let types: Vec<TicketTypeId> = (0..if large { 1 } else { 2 })
            .map(|_| TicketTypeId::from(Uuid::now_v7()))
            .collect();
        let create = CreateListing {
            actor: organizer,
            listing_id: id,
            details: details(n, now),
            ticket_types: types
                .iter()
                .enumerate()
                .map(|(i, t)| NewTicketType {
                    id: *t,
                    name: text(if i == 0 { "General" } else { "VIP" }),
                    price: Money::new(2500 * (i as i64 + 1), eur).expect("valid"),
                    capacity: if large {
                        plan.large_capacity
                    } else {
                        plan.capacity
                    },
                })
                .collect(),
            total_capacity: None,
            // 200 buyers make every sale: they may buy far more than one booking's worth.
            buyer_limits: Some(BuyerLimits {
                max_seats: Some(1_000_000),
                holds_per_minute: MAX_HOLDS_PER_MINUTE,
            }),
            now,
        };
        let mut state = ListingState::default();
        let mut events: Vec<ListingEvent> = Vec::new();
        for command in [
            create.into(),
            PublishListing {
                actor: organizer,
                now,
            }
            .into(),
        ] {
            for event in decide(&state, command)? {
                state.apply(&event);
                events.push(event);
            }
        }
        pending.push(id.stream_id(), &events);
        summary.events += events.len() as u64;
        summary.listings.push(id);
        sales.push(Sale {
            id,
            state,
            types,
            holds: Vec::new(),
            bookings: Vec::new(),
        });
    }
    while summary.events < plan.events {
        now += TimeDelta::seconds(1);
        // Large listings get half of all activity.
        let pick = if plan.large_listings > 0 && rng.below(2) == 0 {
            plan.listings + rng.below(plan.large_listings)
        } else {
            rng.below(plan.listings.max(1)).min(sales.len() - 1)
        };
        let sale = &mut sales[pick];
        let buyer = buyers[rng.below(buyers.len())];
        let roll = rng.below(100);
        let mut listing_events: Vec<ListingEvent> = Vec::new();
        if roll < 45 || sale.holds.is_empty() {
            let ticket_type_id = sale.types[rng.below(sale.types.len())];
            let seats = SeatCount::new(1 + rng.below(3) as u32)?;
            if sale.state.free_seats(ticket_type_id) >= seats.get() {
                let hold = HoldSeats {
                    actor: buyer,
                    hold_id: HoldId::from(Uuid::now_v7()),
                    ticket_type_id,
                    seats,
                    hold_for,
                    admission: None,
                    now,
                };
                let hold_id = hold.hold_id;
                if let Ok(events) = decide(&sale.state, hold.into()) {
                    sale.holds.push((hold_id, buyer));
                    listing_events = events;
                }
            } else if sale
                .state
                .listing()
                .and_then(|l| l.waitlist().entry_of(ticket_type_id, buyer.user_id))
                .is_none()
            {
                let join = JoinWaitlist {
                    actor: buyer,
                    entry_id: WaitlistEntryId::from(Uuid::now_v7()),
                    ticket_type_id,
                    party_size: seats,
                    now,
                };
                listing_events = decide(&sale.state, join.into()).unwrap_or_default();
            }
        } else if roll < 85 {
            let (hold_id, holder) = sale.holds.swap_remove(rng.below(sale.holds.len()));
            let Some(hold) = sale.state.listing().and_then(|l| l.hold(hold_id)).cloned() else {
                continue;
            };
            let tickets = (0..hold.seats.get())
                .map(|_| NewTicket {
                    ticket_id: TicketId::from(Uuid::now_v7()),
                    code: rng.code(),
                })
                .collect();
            let booking_id = BookingId::from(Uuid::now_v7());
            let confirm = ConfirmHold {
                actor: holder,
                hold_id,
                booking_id,
                payment_reference: Some(PaymentReference::parse(&format!(
                    "pi_seed_{}",
                    summary.bookings
                ))?),
                tickets,
                now,
            };
            if let Ok(decision) = confirm_hold(&sale.state, &BookingState::default(), confirm) {
                let booking = BookingState::fold(&decision.booking);
                pending.push(booking_id.stream_id(), &decision.booking);
                summary.events += decision.booking.len() as u64;
                booking_states.insert(booking_id, booking);
                sale.bookings.push(booking_id);
                summary.bookings += 1;
                listing_events = decision.listing;
            }
        } else if roll < 93 {
            let (hold_id, holder) = sale.holds.swap_remove(rng.below(sale.holds.len()));
            let release = ReleaseHold {
                actor: holder,
                hold_id,
                offer_for: hold_for,
                now,
            };
            listing_events = decide(&sale.state, release.into()).unwrap_or_default();
        } else if !sale.bookings.is_empty() {
            let booking_id = sale.bookings.swap_remove(rng.below(sale.bookings.len()));
            let booking = booking_states.get(&booking_id).cloned().unwrap_or_default();
            let cancel = CancelBooking {
                actor: organizer,
                offer_for: hold_for,
                now,
            };
            if let Ok(decision) = cancel_booking(&sale.state, &booking, cancel) {
                pending.push(booking_id.stream_id(), &decision.booking);
                summary.events += decision.booking.len() as u64;
                listing_events = decision.listing;
            }
        }
        for event in &listing_events {
            sale.state.apply(event);
            if let ListingEvent::WaitlistOfferMade { hold_id, buyer, .. } = event {
                sale.holds
                    .push((*hold_id, Actor::new(*buyer, Role::Customer)));
            }
        }
        pending.push(sale.id.stream_id(), &listing_events);
        summary.events += listing_events.len() as u64;
        if pending.count >= plan.append_batch {
            pending.flush(log).await?;
        }
    }
    pending.flush(log).await?;
    Ok(summary)
}
