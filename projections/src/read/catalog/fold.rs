//! The catalog's fold: a batch of events applied to loaded rows, in memory, with no
//! database (in the manner of fmodel's `View::evolve` over a materialized state).

use std::collections::{HashMap, HashSet};

use domain::listing::{ListingDetails, ListingEvent, DEFAULT_HOLDS_PER_MINUTE};
use domain::{SeatCount, TicketTypeId, UserId};

use super::rows::{ListingRow, TypeRow};
use crate::decode::Fact;
use crate::record::{ms, Held, Rows};

/// The catalog rows a batch works on: those of the listings it touches as loaded, and
/// every row it adds or changes (marked for writing).
#[derive(Default)]
pub(crate) struct CatalogRows {
    /// Listings by id.
    pub(crate) listings: Rows<ListingRow>,
    /// Ticket types by (listing id, ticket type id).
    pub(crate) types: Rows<TypeRow>,
    /// Each listing's ticket type ids, in the order loaded, then added.
    types_of: HashMap<String, Vec<String>, foldhash::fast::RandomState>,
}

impl CatalogRows {
    /// Rows as loaded from the tables.
    #[cfg(test)]
    pub(crate) fn loaded(listings: Vec<ListingRow>, types: Vec<TypeRow>) -> Self {
        let mut rows = Self::default();
        rows.listings.extend(listings);
        let added = rows.types.extend(types);
        rows.loaded_types(added);
        rows
    }

    /// Rows for a replay's empty copies (see [`Rows::fresh`]).
    pub(crate) fn fresh() -> Self {
        Self {
            listings: Rows::fresh(),
            types: Rows::fresh(),
            types_of: HashMap::default(),
        }
    }

    /// Notes ticket types just loaded (by key) as their listings' own.
    pub(crate) fn loaded_types(&mut self, keys: Vec<(String, String)>) {
        for (listing, ticket_type) in keys {
            self.types_of.entry(listing).or_default().push(ticket_type);
        }
    }

    /// Rows held.
    pub(crate) fn len(&self) -> usize {
        self.listings.len() + self.types.len()
    }

    /// Each table's rows.
    pub(crate) fn parts(&mut self) -> Vec<&mut dyn Held> {
        vec![&mut self.listings, &mut self.types]
    }

    /// Forgets every row (flushed before): listings and their types go together, since
    /// `types_of` lists a held listing's types.
    pub(crate) fn evict(&mut self) {
        self.listings.evict();
        self.types.evict();
        self.types_of.clear();
    }
}

/// Applies `facts`, in order, to `rows`; returns the ids of the listings they touch
/// (whose derived figures were recomputed).
pub(crate) fn fold(rows: &mut CatalogRows, facts: &[(i64, Fact)]) -> Vec<String> {
    // Hashed, then sorted once: a replay folds the whole log through here, and ordered
    // sets of ids cost a string comparison per level per event.
    let mut touched = HashSet::with_hasher(foldhash::fast::RandomState::default());
    for (position, fact) in facts {
        let Fact::Listing(id, event) = fact else {
            continue;
        };
        let id = id.to_string();
        evolve(rows, &id, *position, event);
        touched.insert(id);
    }
    let mut touched: Vec<String> = touched.into_iter().collect();
    touched.sort_unstable();
    for id in &touched {
        derive(rows, id);
    }
    touched
}

/// A drafted listing's row, before its details are set.
fn drafted(id: &str, organizer_id: &UserId, total_capacity: Option<i64>) -> ListingRow {
    ListingRow {
        listing_id: id.to_owned(),
        organizer_id: organizer_id.to_string(),
        status: "draft".into(),
        title: String::new(),
        description: String::new(),
        venue_name: String::new(),
        venue_address: String::new(),
        city: String::new(),
        city_key: String::new(),
        country: String::new(),
        category: String::new(),
        category_key: String::new(),
        starts_at: 0,
        ends_at: 0,
        time_zone: String::new(),
        sales_opens_at: 0,
        sales_closes_at: 0,
        max_tickets_per_booking: 0,
        total_capacity,
        currency: None,
        min_price: None,
        max_price: None,
        capacity: 0,
        seats_free: 0,
        seats_sold: 0,
        search_text: String::new(),
        published_at: None,
        cancel_reason: None,
        version: 0,
        position: 0,
        buyer_max_seats: None,
        holds_per_minute: i64::from(DEFAULT_HOLDS_PER_MINUTE),
        room_opens_at: None,
        room_admitted_per_minute: None,
        room_admission_minutes: None,
        room_opened_at: None,
        room_waiting: 0,
        room_admitted: 0,
        room_unused: 0,
        room_position: 0,
    }
}

impl ListingRow {
    fn set_details(&mut self, details: &ListingDetails) {
        self.title = details.title.as_str().to_owned();
        self.description = details.description.as_str().to_owned();
        self.venue_name = details.venue.name.as_str().to_owned();
        self.venue_address = details.venue.address.as_str().to_owned();
        self.city = details.venue.city.as_str().to_owned();
        self.city_key = self.city.to_lowercase();
        self.country = details.venue.country.as_str().to_owned();
        self.category = details.category.as_str().to_owned();
        self.category_key = self.category.to_lowercase();
        self.starts_at = ms(details.starts_at);
        self.ends_at = ms(details.ends_at);
        self.time_zone = details.time_zone.as_str().to_owned();
        self.sales_opens_at = ms(details.sales.opens_at);
        self.sales_closes_at = ms(details.sales.closes_at);
        self.max_tickets_per_booking = i64::from(details.max_tickets_per_booking.get());
        self.search_text = [
            &self.title,
            &self.description,
            &self.venue_name,
            &self.venue_address,
            &self.city,
            &self.category,
        ]
        .iter()
        .map(|s| s.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    }
}

/// Whether `event` changes the waiting room's visits (the bookings projection's
/// `rm_room_visits`) or its settings.
fn changes_room(event: &ListingEvent) -> bool {
    use ListingEvent as E;
    matches!(
        event,
        E::WaitingRoomSet { .. }
            | E::WaitingRoomJoined { .. }
            | E::WaitingRoomOpened { .. }
            | E::AdmissionGranted { .. }
            | E::AdmissionExpired { .. }
            | E::ListingCancelled { .. }
    )
}

/// Applies one event of listing `id`, at log `position`.
fn evolve(rows: &mut CatalogRows, id: &str, position: i64, event: &ListingEvent) {
    let CatalogRows {
        listings,
        types,
        types_of,
    } = rows;
    if let ListingEvent::ListingDrafted {
        organizer_id,
        details,
        total_capacity,
        ..
    } = event
    {
        let mut row = drafted(id, organizer_id, total_capacity.map(i64::from));
        row.set_details(details);
        listings.put(row);
    }
    let type_ids = types_of.entry(id.to_owned()).or_default();
    let Some(listing) = listings.get_mut(&id.to_owned()) else {
        return; // evolve never fails: an event before its listing's draft is ignored
    };
    listing.version += 1;
    listing.position = position;
    if changes_room(event) {
        listing.room_position = position;
    }
    let seats_of = |n: &SeatCount| i64::from(n.get());
    let mut change = |type_id: &TicketTypeId, f: &dyn Fn(&mut TypeRow)| {
        let key = (id.to_owned(), type_id.to_string());
        if let Some(row) = types.get_mut(&key) {
            f(row);
        }
    };
    use ListingEvent as E;
    match event {
        E::ListingDrafted { .. } => {}
        E::TicketTypeAdded {
            ticket_type_id,
            name,
            price,
            capacity,
            ..
        } => {
            type_ids.push(ticket_type_id.to_string());
            types.put(TypeRow {
                listing_id: id.to_owned(),
                ticket_type_id: ticket_type_id.to_string(),
                ordinal: type_ids.len() as i64,
                name: name.as_str().to_owned(),
                price: price.amount_minor(),
                currency: price.currency().as_str().to_owned(),
                capacity: i64::from(*capacity),
                held: 0,
                offered: 0,
                sold: 0,
                free: 0,
                waitlist: 0,
            });
        }
        E::ListingDetailsUpdated { details, .. } => listing.set_details(details),
        E::TicketTypeCapacityChanged {
            ticket_type_id, to, ..
        } => change(ticket_type_id, &|t| t.capacity = i64::from(*to)),
        E::TotalCapacityChanged { to, .. } => listing.total_capacity = to.map(i64::from),
        E::BuyerLimitsSet { limits, .. } => {
            listing.buyer_max_seats = limits.max_seats.map(i64::from);
            listing.holds_per_minute = i64::from(limits.holds_per_minute);
        }
        // The room's counters follow `domain::listing::WaitingRoom`: turning it off
        // forgets it.
        E::WaitingRoomSet { settings, .. } => match settings {
            Some(s) => {
                listing.room_opens_at = Some(ms(s.opens_at));
                listing.room_admitted_per_minute = Some(i64::from(s.admitted_per_minute));
                listing.room_admission_minutes = Some(i64::from(s.admission_minutes));
            }
            None => {
                listing.room_opens_at = None;
                listing.room_admitted_per_minute = None;
                listing.room_admission_minutes = None;
                listing.room_opened_at = None;
                listing.room_waiting = 0;
                listing.room_admitted = 0;
                listing.room_unused = 0;
            }
        },
        E::WaitingRoomJoined { .. } => listing.room_waiting += 1,
        E::WaitingRoomOpened { at, .. } => listing.room_opened_at = Some(ms(*at)),
        E::AdmissionGranted { .. } => {
            listing.room_waiting -= 1;
            listing.room_admitted += 1;
        }
        E::AdmissionExpired { used, .. } => {
            if !used {
                listing.room_unused += 1;
            }
        }
        E::ListingPublished { at, .. } => {
            listing.status = "published".into();
            listing.published_at = Some(ms(*at));
        }
        E::SalesClosed { .. } => listing.status = "sales_closed".into(),
        E::ListingCancelled { reason, .. } => {
            listing.status = "cancelled".into();
            listing.cancel_reason = Some(reason.as_str().to_owned());
            for type_id in type_ids.iter() {
                if let Some(row) = types.get_mut(&(id.to_owned(), type_id.clone())) {
                    row.waitlist = 0;
                }
            }
        }
        E::SeatsHeld {
            ticket_type_id,
            seats,
            ..
        } => change(ticket_type_id, &|t| t.held += seats_of(seats)),
        E::WaitlistOfferMade {
            ticket_type_id,
            seats,
            ..
        } => change(ticket_type_id, &|t| {
            t.offered += seats_of(seats);
            t.waitlist = (t.waitlist - 1).max(0);
        }),
        E::HoldReleased {
            ticket_type_id,
            seats,
            ..
        }
        | E::HoldExpired {
            ticket_type_id,
            seats,
            ..
        } => change(ticket_type_id, &|t| {
            t.held = (t.held - seats_of(seats)).max(0)
        }),
        E::WaitlistOfferDeclined {
            ticket_type_id,
            seats,
            ..
        }
        | E::WaitlistOfferExpired {
            ticket_type_id,
            seats,
            ..
        }
        | E::WaitlistOfferWithdrawn {
            ticket_type_id,
            seats,
            ..
        } => change(ticket_type_id, &|t| {
            t.offered = (t.offered - seats_of(seats)).max(0)
        }),
        E::HoldConfirmed {
            ticket_type_id,
            seats,
            offer_entry_id,
            ..
        } => change(ticket_type_id, &|t| {
            let n = seats_of(seats);
            if offer_entry_id.is_some() {
                t.offered = (t.offered - n).max(0);
            } else {
                t.held = (t.held - n).max(0);
            }
            t.sold += n;
        }),
        E::SeatsReturned {
            ticket_type_id,
            seats,
            ..
        } => change(ticket_type_id, &|t| {
            t.sold = (t.sold - seats_of(seats)).max(0)
        }),
        E::WaitlistJoined { ticket_type_id, .. } => change(ticket_type_id, &|t| t.waitlist += 1),
        E::WaitlistLeft { ticket_type_id, .. } => {
            change(ticket_type_id, &|t| t.waitlist = (t.waitlist - 1).max(0))
        }
    }
}

/// Recomputes the derived figures of listing `id` (free seats per type bounded by the
/// total capacity, the listing's capacity, free and sold seats, price range, currency).
fn derive(rows: &mut CatalogRows, id: &str) {
    let Some(listing) = rows.listings.get(&id.to_owned()).cloned() else {
        return;
    };
    let keys: Vec<(String, String)> = rows
        .types_of
        .get(id)
        .map(|v| v.iter().map(|t| (id.to_owned(), t.clone())).collect())
        .unwrap_or_default();
    let types = &mut rows.types;
    let loaded: Vec<TypeRow> = keys.iter().filter_map(|k| types.get(k).cloned()).collect();
    let committed: i64 = loaded.iter().map(|t| t.held + t.offered + t.sold).sum();
    let left_in_total = listing.total_capacity.map(|cap| (cap - committed).max(0));
    let mut own_free_sum = 0;
    for key in &keys {
        if let Some(t) = types.get_mut(key) {
            let own = (t.capacity - t.held - t.offered - t.sold).max(0);
            own_free_sum += own;
            t.free = left_in_total.map_or(own, |left| own.min(left));
        }
    }
    let type_capacity: i64 = loaded.iter().map(|t| t.capacity).sum();
    if let Some(row) = rows.listings.get_mut(&id.to_owned()) {
        row.capacity = listing
            .total_capacity
            .map_or(type_capacity, |cap| cap.min(type_capacity));
        row.seats_free = left_in_total.map_or(own_free_sum, |left| own_free_sum.min(left));
        row.seats_sold = loaded.iter().map(|t| t.sold).sum();
        row.min_price = loaded.iter().map(|t| t.price).min();
        row.max_price = loaded.iter().map(|t| t.price).max();
        row.currency = loaded.first().map(|t| t.currency.clone());
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::read::fixtures::{buyer, Sale};

    /// Folds `facts` into `rows`, as a projector batch does after loading them.
    fn folded(mut rows: CatalogRows, facts: &[(i64, Fact)]) -> CatalogRows {
        fold(&mut rows, facts);
        rows
    }

    fn listing<'a>(rows: &'a CatalogRows, sale: &Sale) -> &'a ListingRow {
        rows.listings
            .get(&sale.id.to_string())
            .expect("the listing")
    }

    fn ticket_type<'a>(rows: &'a CatalogRows, sale: &Sale, ty: usize) -> &'a TypeRow {
        let key = (sale.id.to_string(), sale.types[ty].to_string());
        rows.types.get(&key).expect("the ticket type")
    }

    /// (held, offered, sold, free, waitlist) of ticket type `ty`.
    fn counts(rows: &CatalogRows, sale: &Sale, ty: usize) -> (i64, i64, i64, i64, i64) {
        let t = ticket_type(rows, sale, ty);
        (t.held, t.offered, t.sold, t.free, t.waitlist)
    }

    #[test]
    fn a_hold_takes_free_seats_and_its_confirmation_sells_them() {
        let mut sale = Sale::new(&[4], None);
        let alice = buyer();
        let hold = sale.hold(alice, 0, 3);
        let rows = folded(CatalogRows::default(), &sale.take());
        assert_eq!(counts(&rows, &sale, 0), (3, 0, 0, 1, 0));
        assert_eq!(listing(&rows, &sale).seats_free, 1);
        assert_eq!(listing(&rows, &sale).status, "published");

        sale.confirm(alice, hold);
        let rows = folded(rows, &sale.take());
        assert_eq!(counts(&rows, &sale, 0), (0, 0, 3, 1, 0));
        let row = listing(&rows, &sale);
        assert_eq!((row.capacity, row.seats_free, row.seats_sold), (4, 1, 3));
        assert_eq!((row.min_price, row.max_price), (Some(2500), Some(2500)));
    }

    #[test]
    fn the_room_position_follows_the_rooms_events_only() {
        let mut sale = Sale::new(&[4], None);
        let rows = folded(CatalogRows::default(), &sale.take());
        assert_eq!(listing(&rows, &sale).room_position, 0);
        let joined = ListingEvent::WaitingRoomJoined {
            buyer: buyer().user_id,
            at: chrono::Utc::now(),
        };
        let rows = folded(rows, &[(50, Fact::Listing(sale.id, joined))]);
        assert_eq!(listing(&rows, &sale).room_position, 50);
        sale.hold(buyer(), 0, 1);
        let rows = folded(rows, &sale.take());
        let row = listing(&rows, &sale);
        assert_eq!((row.room_position, row.position == 50), (50, false));
    }

    #[test]
    fn the_total_capacity_bounds_the_free_seats_of_every_type() {
        let mut sale = Sale::new(&[4, 4], Some(5));
        sale.hold(buyer(), 0, 4);
        let rows = folded(CatalogRows::default(), &sale.take());
        assert_eq!(counts(&rows, &sale, 0), (4, 0, 0, 0, 0));
        assert_eq!(counts(&rows, &sale, 1), (0, 0, 0, 1, 0));
        let row = listing(&rows, &sale);
        assert_eq!((row.capacity, row.seats_free), (5, 1));
    }

    #[test]
    fn released_seats_go_to_the_waitlist_as_an_offer_before_anyone_else() {
        let mut sale = Sale::new(&[2], None);
        let alice = buyer();
        let hold = sale.hold(alice, 0, 2);
        sale.join(buyer(), 0, 1);
        sale.join(buyer(), 0, 1);
        let rows = folded(CatalogRows::default(), &sale.take());
        assert_eq!(counts(&rows, &sale, 0), (2, 0, 0, 0, 2));

        sale.release(alice, hold);
        let rows = folded(rows, &sale.take());
        // Both waiting parties fit in the two returned seats: each gets an offer.
        assert_eq!(counts(&rows, &sale, 0), (0, 2, 0, 0, 0));
        assert_eq!(listing(&rows, &sale).seats_free, 0);
    }

    #[test]
    fn a_cancelled_booking_returns_its_seats() {
        let mut sale = Sale::new(&[3], None);
        let alice = buyer();
        let hold = sale.hold(alice, 0, 2);
        let booking = sale.confirm(alice, hold);
        sale.cancel(booking);
        let rows = folded(CatalogRows::default(), &sale.take());
        assert_eq!(counts(&rows, &sale, 0), (0, 0, 0, 3, 0));
        assert_eq!(listing(&rows, &sale).seats_sold, 0);
    }

    /// What a flush and a later load would give: every row written so far, of the listings
    /// the next batch touches.
    fn reloaded(stored: &CatalogRows, facts: &[(i64, Fact)]) -> CatalogRows {
        let ids = super::super::listing_ids(facts);
        let listings = ids
            .iter()
            .filter_map(|id| stored.listings.get(id).cloned())
            .collect();
        let types = stored.types.keys_where(|t| ids.contains(&t.listing_id));
        let types = types
            .iter()
            .filter_map(|k| stored.types.get(k).cloned())
            .collect();
        CatalogRows::loaded(listings, types)
    }

    /// Every row, by key.
    fn tables(rows: &CatalogRows) -> (Vec<ListingRow>, Vec<TypeRow>) {
        let listings = rows.listings.keys_where(|_| true);
        let types = rows.types.keys_where(|_| true);
        (
            listings
                .iter()
                .filter_map(|k| rows.listings.get(k).cloned())
                .collect(),
            types
                .iter()
                .filter_map(|k| rows.types.get(k).cloned())
                .collect(),
        )
    }

    /// A sale driven by `steps`: holds, confirmations, releases, waitlist joins and
    /// cancellations, as far as the domain accepts them.
    fn sale_of(steps: &[(u8, u8)]) -> Vec<(i64, Fact)> {
        let mut sale = Sale::new(&[3, 2], Some(4));
        let mut holds = Vec::new();
        let mut bookings = Vec::new();
        for (step, arg) in steps {
            let ty = usize::from(*arg) % 2;
            match step % 4 {
                0 => {
                    let free = sale.free_seats(ty);
                    let n = u32::from(arg % 2) + 1;
                    if free >= n {
                        let who = buyer();
                        holds.push((who, sale.hold(who, ty, n)));
                    } else {
                        sale.join(buyer(), ty, n);
                    }
                }
                1 if !holds.is_empty() => {
                    let (who, hold) = holds.remove(usize::from(*arg) % holds.len());
                    bookings.push(sale.confirm(who, hold));
                }
                2 if !holds.is_empty() => {
                    let (who, hold) = holds.remove(usize::from(*arg) % holds.len());
                    sale.release(who, hold);
                }
                3 if !bookings.is_empty() => {
                    sale.cancel(bookings.remove(usize::from(*arg) % bookings.len()));
                }
                _ => {}
            }
        }
        sale.take()
    }

    proptest! {
        #[test]
        fn folding_in_batches_with_a_reload_between_equals_folding_at_once(
            steps in proptest::collection::vec((0u8..4, 0u8..8), 1..40),
            cuts in proptest::collection::vec(1usize..8, 1..10),
        ) {
            let facts = sale_of(&steps);
            let at_once = folded(CatalogRows::default(), &facts);
            let mut stored = CatalogRows::default();
            let mut rest = facts.as_slice();
            for cut in cuts.iter().cycle() {
                if rest.is_empty() {
                    break;
                }
                let (batch, next) = rest.split_at((*cut).min(rest.len()));
                let rows = folded(reloaded(&stored, batch), batch);
                for key in rows.listings.keys_where(|_| true) {
                    stored.listings.put(rows.listings.get(&key).cloned().unwrap());
                }
                for key in rows.types.keys_where(|_| true) {
                    stored.types.put(rows.types.get(&key).cloned().unwrap());
                }
                rest = next;
            }
            prop_assert_eq!(tables(&stored), tables(&at_once));
        }
    }
}
