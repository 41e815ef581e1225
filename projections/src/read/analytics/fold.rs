//! The analytics projection's fold: a batch of events applied to loaded rows, in memory,
//! with no database.

use domain::account::AccountEvent;
use domain::booking::BookingEvent;
use domain::listing::ListingEvent;
use domain::Role;

use super::rows::{DailyRow, PlatformRow, RoomMinuteRow, StatBookingRow, StatRow};
use crate::decode::Fact;
use crate::record::{evict_largest, Held, Rows};

/// The `rm_platform` metric counting accounts with `role`.
pub fn role_metric(role: &Role) -> &'static str {
    match role {
        Role::Customer => "role:customer",
        Role::Organizer => "role:organizer",
        Role::Staff { .. } => "role:staff",
        Role::Admin => "role:admin",
    }
}

/// The rows an analytics batch works on: those of the listings and bookings it touches
/// as loaded (and the platform counters when it changes them), and every row it adds or
/// changes (marked for writing).
#[derive(Default)]
pub(crate) struct AnalyticsRows {
    /// Counters per listing.
    pub(crate) stats: Rows<StatRow>,
    /// Sales per listing and day.
    pub(crate) daily: Rows<DailyRow>,
    /// What analytics remembers of each booking.
    pub(crate) bookings: Rows<StatBookingRow>,
    /// Platform counters.
    pub(crate) platform: Rows<PlatformRow>,
    /// Waiting rooms per listing and minute.
    pub(crate) minutes: Rows<RoomMinuteRow>,
}

impl AnalyticsRows {
    /// Rows for a replay's empty copies (see [`Rows::fresh`]).
    pub(crate) fn fresh() -> Self {
        Self {
            stats: Rows::fresh(),
            daily: Rows::fresh(),
            bookings: Rows::fresh(),
            platform: Rows::fresh(),
            minutes: Rows::fresh(),
        }
    }

    /// Rows held.
    pub(crate) fn len(&self) -> usize {
        self.stats.len()
            + self.daily.len()
            + self.bookings.len()
            + self.platform.len()
            + self.minutes.len()
    }

    /// Each table's rows.
    pub(crate) fn parts(&mut self) -> Vec<&mut dyn Held> {
        vec![
            &mut self.stats,
            &mut self.daily,
            &mut self.bookings,
            &mut self.platform,
            &mut self.minutes,
        ]
    }

    /// Forgets the largest tables' rows (flushed before) until at most `keep` are held.
    pub(crate) fn evict(&mut self, keep: usize) {
        evict_largest(self.parts(), keep);
    }

    fn stat(&mut self, listing: &str, change: impl FnOnce(&mut StatRow)) {
        if let Some(row) = self.stats.get_mut(&listing.to_owned()) {
            change(row);
        }
    }

    fn day(
        &mut self,
        listing: &str,
        at: chrono::DateTime<chrono::Utc>,
        change: impl FnOnce(&mut DailyRow),
    ) {
        let Some(stat) = self.stats.get(&listing.to_owned()) else {
            return;
        };
        let key = (listing.to_owned(), at.format("%Y-%m-%d").to_string());
        if self.daily.get(&key).is_none() {
            self.daily.put(DailyRow {
                listing_id: listing.to_owned(),
                day: key.1.clone(),
                organizer_id: stat.organizer_id.clone(),
                currency: stat.currency.clone(),
                bookings: 0,
                seats: 0,
                revenue: 0,
                cancellations: 0,
                refunds: 0,
            });
        }
        if let Some(row) = self.daily.get_mut(&key) {
            change(row);
        }
    }

    /// Changes the listing's row for the minute of `at`, then stamps it with how many
    /// wait now.
    fn minute(
        &mut self,
        listing: &str,
        at: chrono::DateTime<chrono::Utc>,
        change: impl FnOnce(&mut RoomMinuteRow),
    ) {
        let Some(waiting) = self.stats.get(&listing.to_owned()).map(|s| s.room_waiting) else {
            return;
        };
        let millis = at.timestamp_millis();
        let key = (listing.to_owned(), millis - millis.rem_euclid(60_000));
        if self.minutes.get(&key).is_none() {
            self.minutes.put(RoomMinuteRow {
                listing_id: key.0.clone(),
                minute: key.1,
                joined: 0,
                admitted: 0,
                waiting: 0,
            });
        }
        if let Some(row) = self.minutes.get_mut(&key) {
            change(row);
            row.waiting = waiting;
        }
    }

    fn platform(&mut self, metric: &str, by: i64) {
        let key = metric.to_owned();
        match self.platform.get_mut(&key) {
            Some(row) => row.value += by,
            None => self.platform.put(PlatformRow {
                metric: key,
                value: by,
            }),
        }
    }
}

/// Applies `facts`, in order, to `rows`.
pub(crate) fn fold(rows: &mut AnalyticsRows, facts: &[(i64, Fact)]) {
    for (_, fact) in facts {
        match fact {
            Fact::Listing(id, event) => listing_event(rows, &id.to_string(), event),
            Fact::Booking(id, event) => booking_event(rows, &id.to_string(), event),
            Fact::Account(_, event) => account_event(rows, event),
            Fact::Other => {}
        }
    }
}

fn listing_event(batch: &mut AnalyticsRows, listing: &str, event: &ListingEvent) {
    use ListingEvent as E;
    let seats_of = |n: &domain::SeatCount| i64::from(n.get());
    match event {
        E::ListingDrafted {
            organizer_id,
            details,
            total_capacity,
            ..
        } => {
            batch.stats.put(StatRow {
                listing_id: listing.to_owned(),
                organizer_id: organizer_id.to_string(),
                title: details.title.as_str().to_owned(),
                status: "draft".into(),
                currency: None,
                type_capacity: 0,
                total_capacity: total_capacity.map(i64::from),
                seats_held: 0,
                seats_sold: 0,
                holds_made: 0,
                holds_confirmed: 0,
                holds_expired: 0,
                holds_released: 0,
                bookings: 0,
                cancellations: 0,
                revenue: 0,
                refunds: 0,
                waitlist_joined: 0,
                waitlist_length: 0,
                offers_made: 0,
                offers_accepted: 0,
                offers_declined: 0,
                offers_expired: 0,
                tickets_valid: 0,
                checked_in: 0,
                room_on: 0,
                room_joined: 0,
                room_waiting: 0,
                room_admitted: 0,
                room_unused: 0,
                room_booked: 0,
            });
            batch.platform("listings", 1);
        }
        E::TicketTypeAdded {
            price, capacity, ..
        } => batch.stat(listing, |s| {
            s.type_capacity += i64::from(*capacity);
            s.currency
                .get_or_insert_with(|| price.currency().as_str().to_owned());
        }),
        E::ListingDetailsUpdated { details, .. } => {
            batch.stat(listing, |s| s.title = details.title.as_str().to_owned())
        }
        E::TicketTypeCapacityChanged { from, to, .. } => batch.stat(listing, |s| {
            s.type_capacity += i64::from(*to) - i64::from(*from)
        }),
        E::TotalCapacityChanged { to, .. } => {
            batch.stat(listing, |s| s.total_capacity = to.map(i64::from))
        }
        E::ListingPublished { .. } => batch.stat(listing, |s| s.status = "published".into()),
        E::SalesClosed { .. } => batch.stat(listing, |s| s.status = "sales_closed".into()),
        E::ListingCancelled { .. } => batch.stat(listing, |s| {
            s.status = "cancelled".into();
            s.waitlist_length = 0;
        }),
        E::SeatsHeld { seats, .. } => batch.stat(listing, |s| {
            s.holds_made += 1;
            s.seats_held += seats_of(seats);
        }),
        E::HoldReleased { seats, .. } => batch.stat(listing, |s| {
            s.holds_released += 1;
            s.seats_held -= seats_of(seats);
        }),
        E::HoldExpired { seats, .. } => batch.stat(listing, |s| {
            s.holds_expired += 1;
            s.seats_held -= seats_of(seats);
        }),
        E::HoldConfirmed {
            seats,
            offer_entry_id,
            ..
        } => batch.stat(listing, |s| {
            if offer_entry_id.is_some() {
                s.offers_accepted += 1;
            } else {
                s.holds_confirmed += 1;
            }
            s.seats_held -= seats_of(seats);
            s.seats_sold += seats_of(seats);
            // With a room on, every hold needed an admission.
            s.room_booked += s.room_on;
        }),
        E::SeatsReturned { seats, .. } => batch.stat(listing, |s| s.seats_sold -= seats_of(seats)),
        E::WaitlistJoined { .. } => batch.stat(listing, |s| {
            s.waitlist_joined += 1;
            s.waitlist_length += 1;
        }),
        E::WaitlistLeft { .. } => batch.stat(listing, |s| s.waitlist_length -= 1),
        E::WaitlistOfferMade { seats, .. } => batch.stat(listing, |s| {
            s.offers_made += 1;
            s.waitlist_length -= 1;
            s.seats_held += seats_of(seats);
        }),
        E::WaitlistOfferDeclined { seats, .. } => batch.stat(listing, |s| {
            s.offers_declined += 1;
            s.seats_held -= seats_of(seats);
        }),
        E::WaitlistOfferExpired { seats, .. } => batch.stat(listing, |s| {
            s.offers_expired += 1;
            s.seats_held -= seats_of(seats);
        }),
        E::WaitlistOfferWithdrawn { seats, .. } => {
            batch.stat(listing, |s| s.seats_held -= seats_of(seats))
        }
        E::WaitingRoomSet { settings, .. } => batch.stat(listing, |s| {
            s.room_on = i64::from(settings.is_some());
            if settings.is_none() {
                // Turned off, the room forgets its line.
                s.room_waiting = 0;
            }
        }),
        E::WaitingRoomJoined { at, .. } => {
            batch.stat(listing, |s| {
                s.room_joined += 1;
                s.room_waiting += 1;
            });
            batch.minute(listing, *at, |m| m.joined += 1);
        }
        E::AdmissionGranted { at, .. } => {
            batch.stat(listing, |s| {
                s.room_admitted += 1;
                s.room_waiting -= 1;
            });
            batch.minute(listing, *at, |m| m.admitted += 1);
        }
        E::AdmissionExpired { used, .. } => batch.stat(listing, |s| {
            s.room_unused += i64::from(!used);
        }),
        E::BuyerLimitsSet { .. } | E::WaitingRoomOpened { .. } => {}
    }
}

fn booking_event(batch: &mut AnalyticsRows, booking: &str, event: &BookingEvent) {
    let listing = batch
        .bookings
        .get(&booking.to_owned())
        .map(|b| b.listing_id.clone());
    match event {
        BookingEvent::BookingConfirmed {
            listing_id,
            organizer_id,
            seats,
            total,
            at,
            ..
        } => {
            let listing = listing_id.to_string();
            let (seats, total) = (i64::from(seats.get()), total.amount_minor());
            batch.bookings.put(StatBookingRow {
                booking_id: booking.to_owned(),
                listing_id: listing.clone(),
                organizer_id: organizer_id.to_string(),
                seats,
                total,
                cancelled: 0,
                checked_in: 0,
            });
            batch.stat(&listing, |s| {
                s.bookings += 1;
                s.revenue += total;
            });
            batch.day(&listing, *at, |d| {
                d.bookings += 1;
                d.seats += seats;
                d.revenue += total;
            });
        }
        BookingEvent::TicketsIssued { tickets, .. } => {
            if let Some(listing) = listing {
                batch.stat(&listing, |s| s.tickets_valid += tickets.len() as i64);
            }
        }
        BookingEvent::BookingCancelled { at, .. } => {
            let Some(listing) = listing else { return };
            let Some(row) = batch.bookings.get_mut(&booking.to_owned()) else {
                return;
            };
            row.cancelled = 1;
            let (seats, checked_in) = (row.seats, row.checked_in);
            batch.stat(&listing, |s| {
                s.cancellations += 1;
                s.tickets_valid -= seats;
                s.checked_in -= checked_in;
            });
            batch.day(&listing, *at, |d| d.cancellations += 1);
        }
        BookingEvent::RefundRecorded { amount, at, .. } => {
            let Some(listing) = listing else { return };
            let amount = amount.amount_minor();
            batch.stat(&listing, |s| s.refunds += amount);
            batch.day(&listing, *at, |d| d.refunds += amount);
        }
        BookingEvent::TicketCheckedIn { .. } | BookingEvent::TicketCheckInUndone { .. } => {
            let Some(listing) = listing else { return };
            let by = if matches!(event, BookingEvent::TicketCheckedIn { .. }) {
                1
            } else {
                -1
            };
            if let Some(row) = batch.bookings.get_mut(&booking.to_owned()) {
                row.checked_in += by;
            }
            batch.stat(&listing, |s| s.checked_in += by);
        }
    }
}

fn account_event(batch: &mut AnalyticsRows, event: &AccountEvent) {
    match event {
        AccountEvent::AccountRegistered { role, .. } => {
            batch.platform("accounts", 1);
            batch.platform(role_metric(role), 1);
        }
        AccountEvent::RoleChanged { from, to, .. } => {
            batch.platform(role_metric(from), -1);
            batch.platform(role_metric(to), 1);
        }
        AccountEvent::AccountSuspended { .. } => batch.platform("suspended", 1),
        AccountEvent::AccountReinstated { .. } => batch.platform("suspended", -1),
        AccountEvent::EmailVerified { .. } | AccountEvent::PasswordChanged { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::fixtures::{buyer, Sale, PRICE};

    #[test]
    fn revenue_refunds_and_seats_follow_bookings_and_their_cancellation() {
        let mut sale = Sale::new(&[5], None);
        let (alice, bob) = (buyer(), buyer());
        let a = sale.hold(alice, 0, 2);
        let b = sale.hold(bob, 0, 3);
        let booking = sale.confirm(alice, a);
        sale.confirm(bob, b);
        let mut rows = AnalyticsRows::default();
        fold(&mut rows, &sale.take());
        let id = sale.id.to_string();
        let s = rows.stats.get(&id).expect("the listing's counters");
        assert_eq!(
            (s.bookings, s.revenue, s.seats_sold, s.seats_held),
            (2, 5 * PRICE, 5, 0)
        );
        assert_eq!(
            (s.holds_made, s.holds_confirmed, s.tickets_valid),
            (2, 2, 5)
        );

        sale.cancel(booking);
        fold(&mut rows, &sale.take());
        let s = rows.stats.get(&id).unwrap();
        assert_eq!(
            (s.cancellations, s.refunds, s.seats_sold),
            (1, 2 * PRICE, 3)
        );
        assert_eq!(s.tickets_valid, 3);
        let days = rows.daily.keys_where(|d| d.listing_id == id);
        let day = rows.daily.get(&days[0]).unwrap();
        assert_eq!(
            (day.bookings, day.revenue, day.refunds),
            (2, 5 * PRICE, 2 * PRICE)
        );
        assert_eq!(rows.platform.get(&"listings".to_owned()).unwrap().value, 1);
    }

    #[test]
    fn the_waitlist_length_counts_waiting_parties_until_an_offer() {
        let mut sale = Sale::new(&[1], None);
        let alice = buyer();
        let hold = sale.hold(alice, 0, 1);
        sale.join(buyer(), 0, 1);
        sale.join(buyer(), 0, 1);
        let mut rows = AnalyticsRows::default();
        fold(&mut rows, &sale.take());
        let id = sale.id.to_string();
        assert_eq!(rows.stats.get(&id).unwrap().waitlist_length, 2);
        sale.release(alice, hold);
        fold(&mut rows, &sale.take());
        let s = rows.stats.get(&id).unwrap();
        assert_eq!((s.waitlist_length, s.offers_made, s.seats_held), (1, 1, 1));
    }
}
