//! Runs a scenario through the domain like the command API would: fold, decide, append.

use crate::invariants;
use crate::ops::{Op, Scenario};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use domain::booking::{self, BookingEvent, BookingState, CheckIn, NewTicket, UndoCheckIn};
use domain::flows::{self, CancelBooking, ConfirmHold, Decision};
use domain::listing::{
    self, BuyerLimits, CancelListing, ChangeTicketTypeCapacity, ChangeTotalCapacity, CloseSales,
    CreateListing, DeclineOffer, ExpireHold, HoldSeats, JoinWaitlist, LeaveWaitlist,
    ListingCommand, ListingDetails, ListingEvent, ListingState, NewTicketType, PublishListing,
    ReleaseHold, SalesWindow, SetBuyerLimits, Venue,
};
use domain::{
    Actor, BookingId, CountryCode, Currency, HoldDuration, HoldId, ListingId, LongText, Money,
    PaymentReference, Role, SeatCount, ShortText, TicketCode, TicketId, TicketTypeId, TimeZoneName,
    UserId, WaitlistEntryId,
};
use proptest::sample::Index;
use std::collections::BTreeMap;
use uuid::Uuid;

pub const PRICES: [i64; 3] = [1000, 0, 500];

pub fn organizer() -> Actor {
    Actor::new(UserId::from_uuid(Uuid::from_u128(1)), Role::Organizer)
}

fn staff() -> Actor {
    Actor::new(
        UserId::from_uuid(Uuid::from_u128(2)),
        Role::Staff {
            organizer_id: organizer().user_id,
        },
    )
}

pub fn buyer(n: u8) -> Actor {
    Actor::new(
        UserId::from_uuid(Uuid::from_u128(100 + u128::from(n))),
        Role::Customer,
    )
}

pub fn ticket_type(n: u8) -> TicketTypeId {
    TicketTypeId::from_uuid(Uuid::from_u128(50 + u128::from(n)))
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 10, 0, 0).unwrap()
}

fn text(s: &str) -> ShortText {
    ShortText::parse(s).unwrap()
}

fn pick<T: Copy>(items: &[T], index: &Index) -> Option<T> {
    (!items.is_empty()).then(|| items[index.index(items.len())])
}

/// The streams of one listing and its bookings, plus the ids handed out so far.
pub struct World {
    pub now: DateTime<Utc>,
    pub listing_events: Vec<ListingEvent>,
    pub listing: ListingState,
    pub booking_events: BTreeMap<BookingId, Vec<BookingEvent>>,
    pub bookings: BTreeMap<BookingId, BookingState>,
    next_id: u128,
    holds: Vec<HoldId>,
    entries: Vec<WaitlistEntryId>,
    booking_ids: Vec<BookingId>,
}

impl World {
    /// Sets up a published listing and runs every op, checking invariants after each.
    pub fn run(scenario: &Scenario) -> World {
        let mut world = World {
            now: start(),
            listing_events: Vec::new(),
            listing: ListingState::default(),
            booking_events: BTreeMap::new(),
            bookings: BTreeMap::new(),
            next_id: 1_000,
            holds: Vec::new(),
            entries: Vec::new(),
            booking_ids: Vec::new(),
        };
        world.set_up(scenario);
        for op in &scenario.ops {
            world.step(op);
            invariants::check(&world);
        }
        world
    }

    fn fresh(&mut self) -> Uuid {
        self.next_id += 1;
        Uuid::from_u128(self.next_id)
    }

    fn offer_for() -> HoldDuration {
        HoldDuration::from_minutes(30).unwrap()
    }

    fn set_up(&mut self, scenario: &Scenario) {
        let eur = Currency::parse("EUR").unwrap();
        let details = ListingDetails {
            title: text("Property gig"),
            description: LongText::default(),
            venue: Venue {
                name: text("Hall"),
                address: text("1 Main St"),
                city: text("Lyon"),
                country: CountryCode::parse("FR").unwrap(),
            },
            category: text("concert"),
            starts_at: start() + TimeDelta::days(3),
            ends_at: start() + TimeDelta::days(3) + TimeDelta::hours(2),
            time_zone: TimeZoneName::parse("Europe/Paris").unwrap(),
            sales: SalesWindow {
                opens_at: start() - TimeDelta::days(1),
                closes_at: start() + TimeDelta::days(2),
            },
            max_tickets_per_booking: SeatCount::new(4).unwrap(),
        };
        let ticket_types = (0..3u8)
            .map(|n| NewTicketType {
                id: ticket_type(n),
                name: text(&format!("Type {n}")),
                price: Money::new(PRICES[n as usize], eur).unwrap(),
                capacity: scenario.capacities[n as usize],
            })
            .collect();
        let create = CreateListing {
            actor: organizer(),
            listing_id: ListingId::from_uuid(Uuid::from_u128(7)),
            details,
            ticket_types,
            total_capacity: scenario.total_capacity,
            buyer_limits: scenario.buyer_limits,
            now: start() - TimeDelta::days(2),
        };
        self.must(create.into());
        self.must(
            PublishListing {
                actor: organizer(),
                now: start() - TimeDelta::days(2),
            }
            .into(),
        );
    }

    fn must(&mut self, command: ListingCommand) {
        let events = listing::decide(&self.listing, command).expect("set-up must succeed");
        self.append_listing(events);
    }

    fn append_listing(&mut self, events: Vec<ListingEvent>) {
        for event in &events {
            if let ListingEvent::WaitlistOfferMade { hold_id, .. } = event {
                self.holds.push(*hold_id);
            }
            self.listing.apply(event);
        }
        self.listing_events.extend(events);
    }

    fn append_booking(&mut self, id: BookingId, events: Vec<BookingEvent>) {
        let state = self.bookings.entry(id).or_default();
        for event in &events {
            state.apply(event);
        }
        self.booking_events.entry(id).or_default().extend(events);
    }

    /// Decides a listing command; a rejection must leave the state as it was.
    fn listing_command(&mut self, command: ListingCommand) {
        let before = self.listing.clone();
        let pre = self.listing.clone();
        match listing::decide(&self.listing, command) {
            Ok(events) => {
                invariants::offers_follow_join_order(&pre, &events);
                self.append_listing(events);
                invariants::claims_rise_only_within_the_limit(&pre, &self.listing);
            }
            Err(error) => {
                assert!(!error.to_string().is_empty());
                assert_eq!(self.listing, before, "a rejected command changed the state");
            }
        }
    }

    fn two_stream(&mut self, id: BookingId, result: Result<Decision, domain::DomainError>) {
        if let Ok(decision) = result {
            let pre = self.listing.clone();
            invariants::offers_follow_join_order(&self.listing, &decision.listing);
            self.append_listing(decision.listing);
            self.append_booking(id, decision.booking);
            invariants::claims_rise_only_within_the_limit(&pre, &self.listing);
        }
    }

    fn hold_buyer(&self, hold: HoldId) -> Actor {
        let holder = self
            .listing
            .listing()
            .and_then(|l| l.hold(hold))
            .map(|h| h.buyer);
        match holder {
            Some(user_id) => Actor::new(user_id, Role::Customer),
            None => buyer(0),
        }
    }

    fn step(&mut self, op: &Op) {
        let now = self.now;
        let offer_for = Self::offer_for();
        let hold_for = HoldDuration::from_minutes(10).unwrap();
        match op {
            Op::Hold {
                buyer: who,
                ticket_type: tt,
                seats,
            } => {
                let hold_id = HoldId::from_uuid(self.fresh());
                self.holds.push(hold_id);
                self.listing_command(
                    HoldSeats {
                        actor: buyer(*who),
                        hold_id,
                        ticket_type_id: ticket_type(*tt),
                        seats: SeatCount::new(*seats).unwrap(),
                        hold_for,
                        admission: None,
                        now,
                    }
                    .into(),
                );
            }
            Op::Release { hold } => {
                let Some(hold_id) = pick(&self.holds, hold) else {
                    return;
                };
                let actor = self.hold_buyer(hold_id);
                self.listing_command(
                    ReleaseHold {
                        actor,
                        hold_id,
                        offer_for,
                        now,
                    }
                    .into(),
                );
            }
            Op::Confirm {
                hold,
                wrong_buyer,
                duplicate_code,
            } => self.confirm(hold, *wrong_buyer, *duplicate_code),
            Op::Expire { hold } | Op::ExpireEarly { hold } => {
                let Some(hold_id) = pick(&self.holds, hold) else {
                    return;
                };
                if let Op::Expire { .. } = op {
                    if let Some(h) = self.listing.listing().and_then(|l| l.hold(hold_id)) {
                        self.now = self.now.max(h.expires_at);
                    }
                }
                self.listing_command(
                    ExpireHold {
                        hold_id,
                        offer_for,
                        now: self.now,
                    }
                    .into(),
                );
            }
            Op::CancelBooking { booking, who } => {
                let Some(id) = pick(&self.booking_ids, booking) else {
                    return;
                };
                let owner = self.bookings[&id].booking().map(|b| b.buyer);
                let actor = match who {
                    0 => organizer(),
                    1 => buyer(4),
                    _ => Actor::new(owner.unwrap_or(buyer(0).user_id), Role::Customer),
                };
                let result = flows::cancel_booking(
                    &self.listing,
                    &self.bookings[&id],
                    CancelBooking {
                        actor,
                        offer_for,
                        now,
                    },
                );
                self.two_stream(id, result);
            }
            Op::ChangeCapacity {
                ticket_type: tt,
                delta,
            } => {
                let current = self.listing.available(ticket_type(*tt)).unwrap().capacity;
                let capacity = current.saturating_add_signed(i32::from(*delta));
                self.listing_command(
                    ChangeTicketTypeCapacity {
                        actor: organizer(),
                        ticket_type_id: ticket_type(*tt),
                        capacity,
                        offer_for,
                        now,
                    }
                    .into(),
                );
            }
            Op::ChangeTotal { total } => self.listing_command(
                ChangeTotalCapacity {
                    actor: organizer(),
                    total_capacity: total.map(u32::from),
                    offer_for,
                    now,
                }
                .into(),
            ),
            Op::Join {
                buyer: who,
                ticket_type: tt,
                party,
            } => {
                let entry_id = WaitlistEntryId::from_uuid(self.fresh());
                self.entries.push(entry_id);
                self.listing_command(
                    JoinWaitlist {
                        actor: buyer(*who),
                        entry_id,
                        ticket_type_id: ticket_type(*tt),
                        party_size: SeatCount::new(*party).unwrap(),
                        now,
                    }
                    .into(),
                );
            }
            Op::Leave { entry, as_owner } => {
                let Some(entry_id) = pick(&self.entries, entry) else {
                    return;
                };
                let owner = self
                    .listing
                    .listing()
                    .and_then(|l| l.waitlist().get(entry_id))
                    .map(|e| Actor::new(e.buyer, Role::Customer));
                let actor = owner.filter(|_| *as_owner).unwrap_or(buyer(4));
                self.listing_command(
                    LeaveWaitlist {
                        actor,
                        entry_id,
                        now,
                    }
                    .into(),
                );
            }
            Op::Decline { hold } => {
                let Some(hold_id) = pick(&self.holds, hold) else {
                    return;
                };
                let actor = self.hold_buyer(hold_id);
                self.listing_command(
                    DeclineOffer {
                        actor,
                        hold_id,
                        offer_for,
                        now,
                    }
                    .into(),
                );
            }
            Op::Advance { minutes } => self.now += TimeDelta::minutes(i64::from(*minutes)),
            Op::CheckIn { booking, ticket } => self.check_in(booking, ticket, false),
            Op::UndoCheckIn { booking, ticket } => self.check_in(booking, ticket, true),
            Op::SetLimits {
                max_seats,
                holds_per_minute,
            } => self.listing_command(
                SetBuyerLimits {
                    actor: organizer(),
                    limits: BuyerLimits {
                        max_seats: max_seats.map(u32::from),
                        holds_per_minute: u32::from(*holds_per_minute),
                    },
                    now,
                }
                .into(),
            ),
            Op::CloseSales => self.listing_command(
                CloseSales {
                    actor: organizer(),
                    now,
                }
                .into(),
            ),
            Op::CancelListing => self.cancel_listing(),
        }
    }

    fn confirm(&mut self, hold: &Index, wrong_buyer: bool, duplicate_code: bool) {
        let Some(hold_id) = pick(&self.holds, hold) else {
            return;
        };
        let held = self
            .listing
            .listing()
            .and_then(|l| l.hold(hold_id))
            .cloned();
        let seats = held.as_ref().map_or(1, |h| h.seats.get());
        let paid = held
            .as_ref()
            .and_then(|h| self.listing.listing()?.ticket_type(h.ticket_type_id))
            .is_some_and(|t| !t.price.is_zero());
        let actor = if wrong_buyer {
            buyer(4)
        } else {
            self.hold_buyer(hold_id)
        };
        let mut tickets: Vec<NewTicket> = (0..seats)
            .map(|_| {
                let id = self.fresh();
                NewTicket {
                    ticket_id: TicketId::from_uuid(id),
                    code: TicketCode::parse(&format!("{:0>16}", id.as_u128())).unwrap(),
                }
            })
            .collect();
        if duplicate_code && tickets.len() > 1 {
            tickets[1].code = tickets[0].code.clone();
        }
        let booking_id = BookingId::from_uuid(self.fresh());
        let result = flows::confirm_hold(
            &self.listing,
            &BookingState::default(),
            ConfirmHold {
                actor,
                hold_id,
                booking_id,
                payment_reference: paid.then(|| PaymentReference::parse("pay_1").unwrap()),
                tickets,
                now: self.now,
            },
        );
        if result.is_ok() {
            assert!(!(duplicate_code && seats > 1), "duplicate code accepted");
            self.booking_ids.push(booking_id);
        }
        self.two_stream(booking_id, result);
    }

    fn check_in(&mut self, booking: &Index, ticket: &Index, undo: bool) {
        let Some(id) = pick(&self.booking_ids, booking) else {
            return;
        };
        let Some(code) = self.bookings[&id].booking().and_then(|b| {
            pick(&b.tickets.iter().collect::<Vec<_>>(), ticket).map(|t| t.code.clone())
        }) else {
            return;
        };
        let command = if undo {
            UndoCheckIn {
                actor: staff(),
                code,
                now: self.now,
            }
            .into()
        } else {
            CheckIn {
                actor: staff(),
                code,
                now: self.now,
            }
            .into()
        };
        if let Ok(events) = booking::decide(&self.bookings[&id], command) {
            self.append_booking(id, events);
        }
    }

    /// Cancels the listing, then every booking "because the listing was cancelled".
    fn cancel_listing(&mut self) {
        let command = CancelListing {
            actor: organizer(),
            reason: text("Venue flooded"),
            now: self.now,
        };
        self.listing_command(command.into());
        for id in self.booking_ids.clone() {
            let result = flows::cancel_booking_for_cancelled_listing(
                &self.listing,
                &self.bookings[&id],
                self.now,
            );
            if let Ok(events) = result {
                self.append_booking(id, events);
            }
        }
    }
}

/// The published listing every scenario starts from, with these capacities and no ops.
pub fn published_listing(capacities: [u32; 3]) -> ListingState {
    let scenario = Scenario {
        capacities,
        total_capacity: None,
        buyer_limits: None,
        ops: Vec::new(),
    };
    World::run(&scenario).listing
}
