//! Deciding the organizer's commands: draft, details, ticket types, capacity, lifecycle.

use super::command::{
    AddTicketType, CancelListing, ChangeTicketTypeCapacity, ChangeTotalCapacity, CloseSales,
    CloseSalesOnSchedule, CreateListing, PublishListing, SetBuyerLimits, UpdateListingDetails,
};
use super::details::{ListingDetails, NewTicketType, MAX_TICKET_TYPES, MAX_TYPE_CAPACITY};
use super::error::ListingError;
use super::event::{HoldReleaseReason, ListingEvent};
use super::guards::{ensure_manager, ensure_not_cancelled, ticket_type};
use super::limits::{BuyerLimits, MAX_HOLDS_PER_MINUTE};
use super::offers::with_offers;
use super::state::{Listing, ListingState, ListingStatus};
use crate::actor::Role;
use crate::values::Currency;
use chrono::{DateTime, Utc};

pub(super) fn create(
    state: &ListingState,
    c: CreateListing,
) -> Result<Vec<ListingEvent>, ListingError> {
    if let Some(listing) = state.listing() {
        return Err(ListingError::ListingAlreadyExists {
            listing_id: listing.id,
        });
    }
    if c.actor.role != Role::Organizer {
        return Err(ListingError::OnlyOrganizersCreateListings);
    }
    validate_details(&c.details, None, c.now)?;
    if c.ticket_types.is_empty() {
        return Err(ListingError::NoTicketTypes);
    }
    if let Some(total) = c.total_capacity {
        check_capacity_range("total capacity", total)?;
    }
    let mut accepted: Vec<&NewTicketType> = Vec::with_capacity(c.ticket_types.len());
    for new in &c.ticket_types {
        let currency = accepted.first().map(|t| t.price.currency());
        validate_new_type(new, accepted.iter().copied(), currency)?;
        accepted.push(new);
    }
    if let Some(limits) = &c.buyer_limits {
        validate_limits(limits)?;
    }
    let mut events = vec![ListingEvent::ListingDrafted {
        listing_id: c.listing_id,
        organizer_id: c.actor.user_id,
        details: Box::new(c.details),
        total_capacity: c.total_capacity,
        at: c.now,
    }];
    events.extend(
        c.ticket_types
            .into_iter()
            .map(|t| ListingEvent::TicketTypeAdded {
                ticket_type_id: t.id,
                name: t.name,
                price: t.price,
                capacity: t.capacity,
                by: c.actor.user_id,
                at: c.now,
            }),
    );
    if let Some(limits) = c.buyer_limits.filter(|l| *l != BuyerLimits::default()) {
        events.push(ListingEvent::BuyerLimitsSet {
            limits,
            by: c.actor.user_id,
            at: c.now,
        });
    }
    Ok(events)
}

/// New limits apply to later holds and joins; claims above a lowered limit stay.
pub(super) fn set_buyer_limits(
    listing: &Listing,
    c: SetBuyerLimits,
) -> Result<Vec<ListingEvent>, ListingError> {
    ensure_manager(listing, &c.actor)?;
    ensure_not_cancelled(listing)?;
    validate_limits(&c.limits)?;
    if c.limits == listing.limits {
        return Err(ListingError::NothingToUpdate);
    }
    Ok(vec![ListingEvent::BuyerLimitsSet {
        limits: c.limits,
        by: c.actor.user_id,
        at: c.now,
    }])
}

fn validate_limits(limits: &BuyerLimits) -> Result<(), ListingError> {
    if let Some(max) = limits.max_seats {
        if !(1..=MAX_TYPE_CAPACITY).contains(&max) {
            return Err(ListingError::BuyerLimitOutOfRange {
                name: "max_seats",
                requested: max,
                min: 1,
                max: MAX_TYPE_CAPACITY,
            });
        }
    }
    if !(1..=MAX_HOLDS_PER_MINUTE).contains(&limits.holds_per_minute) {
        return Err(ListingError::BuyerLimitOutOfRange {
            name: "holds_per_minute",
            requested: limits.holds_per_minute,
            min: 1,
            max: MAX_HOLDS_PER_MINUTE,
        });
    }
    Ok(())
}

pub(super) fn update_details(
    listing: &Listing,
    c: UpdateListingDetails,
) -> Result<Vec<ListingEvent>, ListingError> {
    ensure_manager(listing, &c.actor)?;
    ensure_not_cancelled(listing)?;
    validate_details(&c.details, Some(&listing.details), c.now)?;
    if c.details == listing.details {
        return Err(ListingError::NothingToUpdate);
    }
    Ok(vec![ListingEvent::ListingDetailsUpdated {
        details: Box::new(c.details),
        by: c.actor.user_id,
        at: c.now,
    }])
}

pub(super) fn add_ticket_type(
    listing: &Listing,
    c: AddTicketType,
) -> Result<Vec<ListingEvent>, ListingError> {
    ensure_manager(listing, &c.actor)?;
    ensure_not_cancelled(listing)?;
    if listing.status == ListingStatus::SalesClosed {
        return Err(ListingError::SalesClosed {
            at: listing.sales_closed_at.unwrap_or(c.now),
        });
    }
    let existing: Vec<NewTicketType> = listing
        .ticket_types
        .values()
        .map(|t| NewTicketType {
            id: t.id,
            name: t.name.clone(),
            price: t.price,
            capacity: 0,
        })
        .collect();
    let currency = existing.first().map(|t| t.price.currency());
    validate_new_type(&c.ticket_type, existing.iter(), currency)?;
    let t = c.ticket_type;
    Ok(vec![ListingEvent::TicketTypeAdded {
        ticket_type_id: t.id,
        name: t.name,
        price: t.price,
        capacity: t.capacity,
        by: c.actor.user_id,
        at: c.now,
    }])
}

pub(super) fn change_capacity(
    listing: &Listing,
    c: ChangeTicketTypeCapacity,
) -> Result<Vec<ListingEvent>, ListingError> {
    ensure_manager(listing, &c.actor)?;
    ensure_not_cancelled(listing)?;
    let name = ticket_type(listing, c.ticket_type_id)?.name.to_string();
    let stock = listing
        .inventory
        .stock(c.ticket_type_id)
        .copied()
        .unwrap_or_default();
    if c.capacity > MAX_TYPE_CAPACITY {
        return Err(ListingError::CapacityOutOfRange {
            name,
            requested: c.capacity,
            min: 0,
            max: MAX_TYPE_CAPACITY,
        });
    }
    if c.capacity < stock.committed() {
        return Err(ListingError::CapacityBelowCommitted {
            name,
            requested: c.capacity,
            committed: stock.committed().into(),
        });
    }
    if c.capacity == stock.capacity {
        return Err(ListingError::CapacityUnchanged {
            capacity: c.capacity.to_string(),
        });
    }
    let changed = ListingEvent::TicketTypeCapacityChanged {
        ticket_type_id: c.ticket_type_id,
        from: stock.capacity,
        to: c.capacity,
        by: c.actor.user_id,
        at: c.now,
    };
    with_offers(listing, changed, c.offer_for, c.now)
}

pub(super) fn change_total_capacity(
    listing: &Listing,
    c: ChangeTotalCapacity,
) -> Result<Vec<ListingEvent>, ListingError> {
    ensure_manager(listing, &c.actor)?;
    ensure_not_cancelled(listing)?;
    let current = listing.inventory.total_capacity();
    if let Some(total) = c.total_capacity {
        check_capacity_range("total capacity", total)?;
        let committed = listing.inventory.committed_total();
        if u64::from(total) < committed {
            return Err(ListingError::CapacityBelowCommitted {
                name: "total capacity".into(),
                requested: total,
                committed,
            });
        }
    }
    if c.total_capacity == current {
        return Err(ListingError::CapacityUnchanged {
            capacity: current.map_or_else(|| "unlimited".into(), |t| t.to_string()),
        });
    }
    let changed = ListingEvent::TotalCapacityChanged {
        from: current,
        to: c.total_capacity,
        by: c.actor.user_id,
        at: c.now,
    };
    with_offers(listing, changed, c.offer_for, c.now)
}

pub(super) fn publish(
    listing: &Listing,
    c: PublishListing,
) -> Result<Vec<ListingEvent>, ListingError> {
    ensure_manager(listing, &c.actor)?;
    ensure_not_cancelled(listing)?;
    if listing.status != ListingStatus::Draft {
        return Err(ListingError::AlreadyPublished);
    }
    if listing.ticket_types.is_empty() {
        return Err(ListingError::NoTicketTypes);
    }
    let details = &listing.details;
    if details.starts_at <= c.now {
        return Err(ListingError::StartsInThePast {
            starts_at: details.starts_at,
            now: c.now,
        });
    }
    if details.sales.closes_at <= c.now {
        return Err(ListingError::SalesWindowOver {
            closes_at: details.sales.closes_at,
        });
    }
    Ok(vec![ListingEvent::ListingPublished {
        by: c.actor.user_id,
        at: c.now,
    }])
}

pub(super) fn close_sales(
    listing: &Listing,
    c: CloseSales,
) -> Result<Vec<ListingEvent>, ListingError> {
    ensure_manager(listing, &c.actor)?;
    ensure_published(listing)?;
    Ok(vec![ListingEvent::SalesClosed {
        by: Some(c.actor.user_id),
        at: c.now,
    }])
}

pub(super) fn close_sales_on_schedule(
    listing: &Listing,
    c: CloseSalesOnSchedule,
) -> Result<Vec<ListingEvent>, ListingError> {
    ensure_published(listing)?;
    let closes_at = listing.details.sales.closes_at;
    if c.now < closes_at {
        return Err(ListingError::SalesCloseNotDue {
            closes_at,
            now: c.now,
        });
    }
    Ok(vec![ListingEvent::SalesClosed {
        by: None,
        at: c.now,
    }])
}

pub(super) fn cancel(
    listing: &Listing,
    c: CancelListing,
) -> Result<Vec<ListingEvent>, ListingError> {
    ensure_manager(listing, &c.actor)?;
    ensure_not_cancelled(listing)?;
    let ends_at = listing.details.ends_at;
    // A draft never sold anything, so it can be discarded whenever.
    if listing.status != ListingStatus::Draft && c.now >= ends_at {
        return Err(ListingError::ListingAlreadyEnded { ends_at });
    }
    let by = c.actor.user_id;
    let mut events: Vec<ListingEvent> = listing
        .holds
        .values()
        .map(|hold| match hold.offer_entry_id {
            Some(entry_id) => ListingEvent::WaitlistOfferWithdrawn {
                hold_id: hold.id,
                entry_id,
                ticket_type_id: hold.ticket_type_id,
                buyer: hold.buyer,
                seats: hold.seats,
                by,
                at: c.now,
            },
            None => ListingEvent::HoldReleased {
                hold_id: hold.id,
                ticket_type_id: hold.ticket_type_id,
                buyer: hold.buyer,
                seats: hold.seats,
                reason: HoldReleaseReason::ListingCancelled,
                by,
                at: c.now,
            },
        })
        .collect();
    events.push(ListingEvent::ListingCancelled {
        reason: c.reason,
        by,
        at: c.now,
    });
    Ok(events)
}

fn ensure_published(listing: &Listing) -> Result<(), ListingError> {
    ensure_not_cancelled(listing)?;
    match listing.status {
        ListingStatus::Published => Ok(()),
        ListingStatus::Draft => Err(ListingError::NotPublished),
        ListingStatus::SalesClosed | ListingStatus::Cancelled => Err(ListingError::SalesClosed {
            at: listing
                .sales_closed_at
                .unwrap_or(listing.details.sales.closes_at),
        }),
    }
}

fn validate_details(
    details: &ListingDetails,
    current: Option<&ListingDetails>,
    now: DateTime<Utc>,
) -> Result<(), ListingError> {
    if details.ends_at <= details.starts_at {
        return Err(ListingError::EndsBeforeStart {
            starts_at: details.starts_at,
            ends_at: details.ends_at,
        });
    }
    let sales = details.sales;
    if sales.closes_at <= sales.opens_at {
        return Err(ListingError::SalesWindowInverted {
            opens_at: sales.opens_at,
            closes_at: sales.closes_at,
        });
    }
    if sales.closes_at > details.ends_at {
        return Err(ListingError::SalesCloseAfterEnd {
            closes_at: sales.closes_at,
            ends_at: details.ends_at,
        });
    }
    // An update may keep a start that has passed (fixing a typo in the venue during the
    // show), but may not move the start into the past.
    let start_changed = current.is_none_or(|c| c.starts_at != details.starts_at);
    if start_changed && details.starts_at <= now {
        return Err(ListingError::StartsInThePast {
            starts_at: details.starts_at,
            now,
        });
    }
    Ok(())
}

fn validate_new_type<'a>(
    new: &NewTicketType,
    existing: impl Iterator<Item = &'a NewTicketType> + Clone,
    currency: Option<Currency>,
) -> Result<(), ListingError> {
    if existing.clone().count() >= MAX_TICKET_TYPES {
        return Err(ListingError::TooManyTicketTypes {
            max: MAX_TICKET_TYPES,
        });
    }
    check_capacity_range(new.name.as_str(), new.capacity)?;
    for other in existing {
        if other.id == new.id {
            return Err(ListingError::DuplicateTicketTypeId {
                ticket_type_id: new.id,
            });
        }
        if other.name.as_str().to_lowercase() == new.name.as_str().to_lowercase() {
            return Err(ListingError::DuplicateTicketTypeName {
                name: new.name.clone(),
            });
        }
    }
    match currency {
        Some(expected) if expected != new.price.currency() => Err(ListingError::CurrencyMismatch {
            expected,
            got: new.price.currency(),
            name: new.name.clone(),
        }),
        _ => Ok(()),
    }
}

fn check_capacity_range(name: &str, capacity: u32) -> Result<(), ListingError> {
    if (1..=MAX_TYPE_CAPACITY).contains(&capacity) {
        Ok(())
    } else {
        Err(ListingError::CapacityOutOfRange {
            name: name.to_owned(),
            requested: capacity,
            min: 1,
            max: MAX_TYPE_CAPACITY,
        })
    }
}
