//! Drafting, publishing, updating details and adding ticket types.

use crate::common::*;
use chrono::TimeDelta;
use domain::listing::{
    AddTicketType, CreateListing, ListingError, ListingEvent, ListingStatus, NewTicketType,
    PublishListing, UpdateListingDetails, MAX_TICKET_TYPES,
};
use domain::{Actor, Currency, Money, TicketTypeId};
use uuid::Uuid;

fn create(actor: Actor) -> CreateListing {
    CreateListing {
        actor,
        listing_id: listing_id(),
        details: details(),
        ticket_types: ticket_types(),
        total_capacity: None,
        buyer_limits: None,
        now: t(-2 * DAY),
    }
}

fn update(actor: Actor, title: &str) -> UpdateListingDetails {
    let mut details = details();
    details.title = text(title);
    UpdateListingDetails {
        actor,
        details,
        now: t(0),
    }
}

fn publish(actor: Actor, at: i64) -> PublishListing {
    PublishListing { actor, now: t(at) }
}

fn new_type(n: u128, name: &str, price: Money, capacity: u32) -> NewTicketType {
    NewTicketType {
        id: TicketTypeId::from_uuid(Uuid::from_u128(0x6100 + n)),
        name: text(name),
        price,
        capacity,
    }
}

#[test]
fn an_organizer_drafts_a_listing_with_its_ticket_types() {
    given_nothing().when(create(organizer())).then(drafted());
}

#[test]
fn a_drafted_listing_is_a_draft_owned_by_its_organizer() {
    let state = fold(&drafted());
    let listing = state.listing().unwrap();
    assert_eq!(listing.status(), ListingStatus::Draft);
    assert_eq!(listing.organizer_id(), organizer().user_id);
    assert_eq!(listing.ticket_types().count(), 2);
    assert_eq!(state.free_seats(balcony()), 4);
}

#[test]
fn a_customer_cannot_create_a_listing() {
    given_nothing()
        .when(create(buyer(1)))
        .then_rejected(ListingError::OnlyOrganizersCreateListings);
}

#[test]
fn drafting_a_listing_that_exists_is_rejected() {
    given(drafted())
        .when(create(organizer()))
        .then_rejected(ListingError::ListingAlreadyExists {
            listing_id: listing_id(),
        });
}

#[test]
fn a_listing_without_ticket_types_is_rejected() {
    let mut command = create(organizer());
    command.ticket_types.clear();
    given_nothing()
        .when(command)
        .then_rejected(ListingError::NoTicketTypes);
}

#[test]
fn ticket_type_names_must_be_unique_ignoring_case() {
    let mut command = create(organizer());
    command.ticket_types[1].name = text("BALCONY");
    given_nothing()
        .when(command)
        .then_rejected(ListingError::DuplicateTicketTypeName {
            name: text("BALCONY"),
        });
}

#[test]
fn ticket_type_ids_must_be_unique() {
    let mut command = create(organizer());
    command.ticket_types[1].id = balcony();
    given_nothing()
        .when(command)
        .then_rejected(ListingError::DuplicateTicketTypeId {
            ticket_type_id: balcony(),
        });
}

#[test]
fn ticket_types_of_one_listing_share_a_currency() {
    let mut command = create(organizer());
    let usd = Currency::parse("USD").unwrap();
    command.ticket_types[1].price = Money::new(100, usd).unwrap();
    given_nothing()
        .when(command)
        .then_rejected(ListingError::CurrencyMismatch {
            expected: Currency::parse("EUR").unwrap(),
            got: usd,
            name: text("Stalls"),
        });
}

#[test]
fn a_ticket_type_needs_at_least_one_seat() {
    let mut command = create(organizer());
    command.ticket_types[0].capacity = 0;
    let error = given_nothing().when(command).error();
    assert!(matches!(
        error,
        ListingError::CapacityOutOfRange { requested: 0, .. }
    ));
    assert!(error.to_string().contains("Balcony"), "{error}");
}

#[test]
fn a_total_capacity_of_zero_is_rejected() {
    let mut command = create(organizer());
    command.total_capacity = Some(0);
    let error = given_nothing().when(command).error();
    assert!(matches!(error, ListingError::CapacityOutOfRange { .. }));
}

#[test]
fn a_listing_must_end_after_it_starts() {
    let mut command = create(organizer());
    command.details.ends_at = command.details.starts_at;
    let error = given_nothing().when(command).error();
    assert!(matches!(error, ListingError::EndsBeforeStart { .. }));
}

#[test]
fn sales_must_close_after_they_open() {
    let mut command = create(organizer());
    command.details.sales.closes_at = command.details.sales.opens_at;
    let error = given_nothing().when(command).error();
    assert!(matches!(error, ListingError::SalesWindowInverted { .. }));
}

#[test]
fn sales_must_close_by_the_end_of_the_listing() {
    let mut command = create(organizer());
    command.details.sales.closes_at = command.details.ends_at + TimeDelta::minutes(1);
    let error = given_nothing().when(command).error();
    assert!(matches!(error, ListingError::SalesCloseAfterEnd { .. }));
}

#[test]
fn a_listing_cannot_start_in_the_past() {
    let mut command = create(organizer());
    command.now = command.details.starts_at;
    let error = given_nothing().when(command).error();
    assert!(matches!(error, ListingError::StartsInThePast { .. }));
}

#[test]
fn commands_on_a_listing_that_does_not_exist_are_rejected() {
    given_nothing()
        .when(publish(organizer(), 0))
        .then_rejected(ListingError::ListingNotFound);
}

#[test]
fn the_organizer_publishes_a_draft() {
    given(drafted())
        .when(publish(organizer(), -2 * DAY))
        .then(vec![ListingEvent::ListingPublished {
            by: organizer().user_id,
            at: t(-2 * DAY),
        }]);
}

#[test]
fn an_admin_may_publish_any_listing() {
    let events = given(drafted()).when(publish(admin(), 0)).events();
    assert_eq!(events.len(), 1);
}

#[test]
fn another_organizer_cannot_publish_the_listing() {
    given(drafted())
        .when(publish(other_organizer(), 0))
        .then_rejected(ListingError::NotYourListing {
            listing_id: listing_id(),
        });
}

#[test]
fn staff_cannot_manage_the_listing_of_their_organizer() {
    given(drafted())
        .when(publish(staff(), 0))
        .then_rejected(ListingError::NotYourListing {
            listing_id: listing_id(),
        });
}

#[test]
fn publishing_twice_is_rejected() {
    given(published())
        .when(publish(organizer(), 0))
        .then_rejected(ListingError::AlreadyPublished);
}

#[test]
fn publishing_after_the_sales_window_closed_is_rejected() {
    let mut events = drafted();
    let mut late = details();
    late.sales.closes_at = t(10);
    events.push(ListingEvent::ListingDetailsUpdated {
        details: Box::new(late),
        by: organizer().user_id,
        at: t(0),
    });
    given(events)
        .when(publish(organizer(), 10))
        .then_rejected(ListingError::SalesWindowOver { closes_at: t(10) });
}

#[test]
fn updating_details_records_the_new_details() {
    let command = update(organizer(), "A Night at the Opera");
    let expected = command.details.clone();
    given(published())
        .when(command)
        .then(vec![ListingEvent::ListingDetailsUpdated {
            details: Box::new(expected),
            by: organizer().user_id,
            at: t(0),
        }]);
}

#[test]
fn an_update_that_changes_nothing_is_rejected() {
    given(published())
        .when(update(organizer(), "Night at the Opera"))
        .then_rejected(ListingError::NothingToUpdate);
}

#[test]
fn another_organizer_cannot_update_the_details() {
    given(published())
        .when(update(other_organizer(), "Mine now"))
        .then_rejected(ListingError::NotYourListing {
            listing_id: listing_id(),
        });
}

#[test]
fn adding_a_ticket_type_records_it() {
    let new = new_type(1, "Standing", eur(1500), 50);
    given(published())
        .when(AddTicketType {
            actor: organizer(),
            ticket_type: new.clone(),
            now: t(0),
        })
        .then(vec![ListingEvent::TicketTypeAdded {
            ticket_type_id: new.id,
            name: new.name,
            price: new.price,
            capacity: 50,
            by: organizer().user_id,
            at: t(0),
        }]);
}

#[test]
fn adding_a_ticket_type_with_a_taken_name_is_rejected() {
    given(published())
        .when(AddTicketType {
            actor: organizer(),
            ticket_type: new_type(1, "stalls", eur(0), 5),
            now: t(0),
        })
        .then_rejected(ListingError::DuplicateTicketTypeName {
            name: text("stalls"),
        });
}

#[test]
fn a_listing_has_at_most_fifty_ticket_types() {
    let mut events = published();
    for n in 0..(MAX_TICKET_TYPES as u128 - 2) {
        let tt = new_type(n, &format!("Type {n}"), eur(100), 1);
        events.push(ListingEvent::TicketTypeAdded {
            ticket_type_id: tt.id,
            name: tt.name,
            price: tt.price,
            capacity: 1,
            by: organizer().user_id,
            at: t(0),
        });
    }
    given(events)
        .when(AddTicketType {
            actor: organizer(),
            ticket_type: new_type(999, "One too many", eur(100), 1),
            now: t(0),
        })
        .then_rejected(ListingError::TooManyTicketTypes {
            max: MAX_TICKET_TYPES,
        });
}

#[test]
fn adding_a_ticket_type_after_sales_closed_is_rejected() {
    let mut events = published();
    events.push(ListingEvent::SalesClosed {
        by: Some(organizer().user_id),
        at: t(0),
    });
    given(events)
        .when(AddTicketType {
            actor: organizer(),
            ticket_type: new_type(1, "Late", eur(100), 1),
            now: t(1),
        })
        .then_rejected(ListingError::SalesClosed { at: t(0) });
}
