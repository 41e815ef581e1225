//! `catalog`: every listing with its search fields and availability per ticket type.
//! Counters follow the same rules as the domain's inventory (held, offered, sold per
//! type; free bounded by the listing's total capacity); `boxoffice verify` checks them
//! against a fresh fold of each listing stream.

use std::collections::{BTreeMap, BTreeSet};

use domain::listing::{ListingDetails, ListingEvent};
use eventlog::sql::Db;

use crate::decode::Fact;
use crate::record::{load_where, ms, record, Record, Rows, Tables};

record! {
    /// One listing (`rm_listings`).
    ListingRow in "rm_listings", key(listing_id): String, {
        listing_id: String,
        organizer_id: String,
        status: String,
        title: String,
        description: String,
        venue_name: String,
        venue_address: String,
        city: String,
        city_key: String,
        country: String,
        category: String,
        category_key: String,
        starts_at: i64,
        ends_at: i64,
        time_zone: String,
        sales_opens_at: i64,
        sales_closes_at: i64,
        max_tickets_per_booking: i64,
        total_capacity: Option<i64>,
        currency: Option<String>,
        min_price: Option<i64>,
        max_price: Option<i64>,
        capacity: i64,
        seats_free: i64,
        seats_sold: i64,
        search_text: String,
        published_at: Option<i64>,
        cancel_reason: Option<String>,
        version: i64,
        position: i64,
    }
}

record! {
    /// One ticket type of a listing (`rm_ticket_types`).
    TypeRow in "rm_ticket_types", key(listing_id, ticket_type_id): (String, String), {
        listing_id: String,
        ticket_type_id: String,
        ordinal: i64,
        name: String,
        price: i64,
        currency: String,
        capacity: i64,
        held: i64,
        offered: i64,
        sold: i64,
        free: i64,
        waitlist: i64,
    }
}

/// The catalog's tables.
pub(crate) const TABLES: &[&str] = &[ListingRow::TABLE, TypeRow::TABLE];

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

/// Applies a batch; returns the ids of the listings it changed.
pub(crate) async fn apply(
    db: &mut Db<'_>,
    tables: &Tables,
    facts: &[(i64, Fact)],
) -> Result<Vec<String>, sqlx::Error> {
    let ids: Vec<String> = facts
        .iter()
        .filter_map(|(_, f)| match f {
            Fact::Listing(id, _) => Some(id.to_string()),
            _ => None,
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut listings: Rows<ListingRow> = Rows::default();
    let mut types: Rows<TypeRow> = Rows::default();
    listings.extend(load_where(db, tables, "listing_id", &ids).await?);
    let loaded_types: Vec<TypeRow> = load_where(db, tables, "listing_id", &ids).await?;
    let mut types_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in &loaded_types {
        types_of
            .entry(t.listing_id.clone())
            .or_default()
            .push(t.ticket_type_id.clone());
    }
    types.extend(loaded_types);

    for (position, fact) in facts {
        let Fact::Listing(id, event) = fact else {
            continue;
        };
        let id = id.to_string();
        if let ListingEvent::ListingDrafted {
            organizer_id,
            details,
            total_capacity,
            ..
        } = event
        {
            let mut row = ListingRow {
                listing_id: id.clone(),
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
                total_capacity: total_capacity.map(i64::from),
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
            };
            row.set_details(details);
            listings.put(row);
        }
        let type_ids = types_of.entry(id.clone()).or_default();
        let Some(listing) = listings.get_mut(&id) else {
            continue; // evolve never fails: an event before its listing's draft is ignored
        };
        listing.version += 1;
        listing.position = *position;
        let seats_of = |n: &domain::SeatCount| i64::from(n.get());
        let mut change = |type_id: &domain::TicketTypeId, f: &dyn Fn(&mut TypeRow)| {
            let key = (id.clone(), type_id.to_string());
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
                    listing_id: id.clone(),
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
            E::ListingPublished { at, .. } => {
                listing.status = "published".into();
                listing.published_at = Some(ms(*at));
            }
            E::SalesClosed { .. } => listing.status = "sales_closed".into(),
            E::ListingCancelled { reason, .. } => {
                listing.status = "cancelled".into();
                listing.cancel_reason = Some(reason.as_str().to_owned());
                for type_id in type_ids.iter() {
                    if let Some(row) = types.get_mut(&(id.clone(), type_id.clone())) {
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
            E::WaitlistJoined { ticket_type_id, .. } => {
                change(ticket_type_id, &|t| t.waitlist += 1)
            }
            E::WaitlistLeft { ticket_type_id, .. } => {
                change(ticket_type_id, &|t| t.waitlist = (t.waitlist - 1).max(0))
            }
        }
    }

    // Derived figures of every listing the batch touched.
    for id in &ids {
        let Some(listing) = listings.get(id).cloned() else {
            continue;
        };
        let keys: Vec<(String, String)> = types_of
            .get(id)
            .map(|v| v.iter().map(|t| (id.clone(), t.clone())).collect())
            .unwrap_or_default();
        let rows: Vec<TypeRow> = keys.iter().filter_map(|k| types.get(k).cloned()).collect();
        let committed: i64 = rows.iter().map(|t| t.held + t.offered + t.sold).sum();
        let left_in_total = listing.total_capacity.map(|cap| (cap - committed).max(0));
        let mut own_free_sum = 0;
        for key in &keys {
            if let Some(t) = types.get_mut(key) {
                let own = (t.capacity - t.held - t.offered - t.sold).max(0);
                own_free_sum += own;
                t.free = left_in_total.map_or(own, |left| own.min(left));
            }
        }
        let type_capacity: i64 = rows.iter().map(|t| t.capacity).sum();
        if let Some(row) = listings.get_mut(id) {
            row.capacity = listing
                .total_capacity
                .map_or(type_capacity, |cap| cap.min(type_capacity));
            row.seats_free = left_in_total.map_or(own_free_sum, |left| own_free_sum.min(left));
            row.seats_sold = rows.iter().map(|t| t.sold).sum();
            row.min_price = rows.iter().map(|t| t.price).min();
            row.max_price = rows.iter().map(|t| t.price).max();
            row.currency = rows.first().map(|t| t.currency.clone());
        }
    }
    listings.flush(db, tables).await?;
    types.flush(db, tables).await?;
    Ok(ids)
}
